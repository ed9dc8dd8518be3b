//! Attribute paths and the errors of the codecs.
//!
//! Errors carry the path of the offending value so that a diagnostic can
//! point at it (`.tags["env"]`, `.rule[2].port`).

use std::fmt;

/// One step from a value to one of its children.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An object attribute: `.name`.
    Attr(String),
    /// A list, set or tuple element by position: `[3]`.
    Index(u64),
    /// A map element by key: `["key"]`.
    Key(String),
}

/// A path from the root value to a nested one; empty means the root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<PathStep>);

impl Path {
    /// The steps, outermost first.
    pub fn steps(&self) -> &[PathStep] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(root)");
        }
        for step in &self.0 {
            match step {
                PathStep::Attr(name) => write!(f, ".{name}")?,
                PathStep::Index(i) => write!(f, "[{i}]")?,
                // Debug formatting quotes and escapes the key.
                PathStep::Key(key) => write!(f, "[{key:?}]")?,
            }
        }
        Ok(())
    }
}

/// Builds an error inside-out: the innermost failure creates it with an
/// empty path, and each enclosing container pushes its own step while the
/// error travels up. This keeps the success path free of path bookkeeping.
/// The steps are therefore stored innermost first until `finish` reverses them.
#[derive(Debug)]
pub(super) struct RawError {
    steps_rev: Vec<PathStep>,
    message: String,
}

impl RawError {
    pub(super) fn new(message: impl Into<String>) -> Self {
        RawError {
            steps_rev: Vec::new(),
            message: message.into(),
        }
    }

    pub(super) fn message(&self) -> &str {
        &self.message
    }

    pub(super) fn at(mut self, step: PathStep) -> Self {
        self.steps_rev.push(step);
        self
    }

    fn finish(mut self) -> (Path, String) {
        self.steps_rev.reverse();
        (Path(self.steps_rev), self.message)
    }
}

macro_rules! path_error {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name {
            path: Path,
            message: String,
        }

        impl $name {
            pub fn new(path: Path, message: impl Into<String>) -> Self {
                $name {
                    path,
                    message: message.into(),
                }
            }

            /// Where the problem is.
            pub fn path(&self) -> &Path {
                &self.path
            }

            /// What the problem is, without the path.
            pub fn message(&self) -> &str {
                &self.message
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if self.path.is_root() {
                    f.write_str(&self.message)
                } else {
                    write!(f, "at {}: {}", self.path, self.message)
                }
            }
        }

        impl std::error::Error for $name {}

        impl From<RawError> for $name {
            fn from(raw: RawError) -> Self {
                let (path, message) = raw.finish();
                $name { path, message }
            }
        }
    };
}

path_error!(
    /// A value could not be decoded (msgpack or JSON) against a type.
    DecodeError
);
path_error!(
    /// A value could not be encoded against a type, typically because it
    /// does not conform to it. Also returned by [`super::Value::check_type`].
    EncodeError
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_display() {
        let p = Path(vec![
            PathStep::Attr("foo".into()),
            PathStep::Index(2),
            PathStep::Key("k\"x".into()),
        ]);
        assert_eq!(p.to_string(), r#".foo[2]["k\"x"]"#);
        assert_eq!(Path::default().to_string(), "(root)");
    }

    #[test]
    fn raw_error_reverses_steps() {
        let e: DecodeError = RawError::new("string is required")
            .at(PathStep::Key("k".into()))
            .at(PathStep::Index(2))
            .at(PathStep::Attr("foo".into()))
            .into();
        assert_eq!(e.to_string(), r#"at .foo[2]["k"]: string is required"#);
        assert_eq!(e.message(), "string is required");
        let root: EncodeError = RawError::new("boom").into();
        assert_eq!(root.to_string(), "boom");
    }
}
