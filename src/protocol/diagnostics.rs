//! Diagnostics: how every user-facing failure reaches Terraform (never a gRPC error status,
//! which would make Terraform drop the object an apply just produced).

use super::path::AttributePath;
use super::tfplugin6 as pb;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub attribute: Option<AttributePath>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        }
    }

    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(summary, detail)
        }
    }

    /// Points the diagnostic at a configuration attribute, so Terraform shows its source line.
    pub fn at(mut self, path: AttributePath) -> Self {
        self.attribute = Some(path);
        self
    }

    pub fn to_proto(&self) -> pb::Diagnostic {
        // Severity 0 (INVALID) is neither an error nor a warning to Terraform: always set it.
        let severity = match self.severity {
            Severity::Error => pb::diagnostic::Severity::Error,
            Severity::Warning => pb::diagnostic::Severity::Warning,
        };
        pb::Diagnostic {
            severity: severity as i32,
            summary: self.summary.clone(),
            detail: self.detail.clone(),
            attribute: self.attribute.as_ref().map(AttributePath::to_proto),
        }
    }
}

/// An ordered collection of diagnostics produced by one operation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn to_proto(&self) -> Vec<pb::Diagnostic> {
        self.0.iter().map(Diagnostic::to_proto).collect()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_sent_with_the_error_severity_never_zero() {
        let d = Diagnostic::error("bad", "worse").at(AttributePath::attr("name"));
        let p = d.to_proto();
        assert_eq!(p.severity, pb::diagnostic::Severity::Error as i32);
        assert_ne!(p.severity, 0);
        assert!(p.attribute.is_some());
        assert_eq!(
            Diagnostic::warning("w", "").to_proto().severity,
            pb::diagnostic::Severity::Warning as i32
        );
    }

    #[test]
    fn has_errors_ignores_warnings() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::warning("w", ""));
        assert!(!ds.has_errors());
        ds.push(Diagnostic::error("e", ""));
        assert!(ds.has_errors());
    }
}
