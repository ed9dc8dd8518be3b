//! Attribute paths: where in a configuration a diagnostic points.

use std::fmt;

use super::tfplugin6 as pb;
use pb::attribute_path::step::Selector;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Attribute(String),
    Key(String),
    Index(i64),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AttributePath(Vec<Step>);

impl AttributePath {
    pub fn root() -> Self {
        Self::default()
    }

    /// A path to a top-level attribute, the common case.
    pub fn attr(name: &str) -> Self {
        Self(vec![Step::Attribute(name.to_string())])
    }

    pub fn then_attr(mut self, name: &str) -> Self {
        self.0.push(Step::Attribute(name.to_string()));
        self
    }

    pub fn then_key(mut self, key: &str) -> Self {
        self.0.push(Step::Key(key.to_string()));
        self
    }

    pub fn then_index(mut self, index: i64) -> Self {
        self.0.push(Step::Index(index));
        self
    }

    pub fn steps(&self) -> &[Step] {
        &self.0
    }

    pub fn to_proto(&self) -> pb::AttributePath {
        let steps = self
            .0
            .iter()
            .map(|step| pb::attribute_path::Step {
                selector: Some(match step {
                    Step::Attribute(name) => Selector::AttributeName(name.clone()),
                    Step::Key(key) => Selector::ElementKeyString(key.clone()),
                    Step::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect();
        pb::AttributePath { steps }
    }

    /// Reads a path Terraform sent; steps without a selector are skipped.
    pub fn from_proto(path: &pb::AttributePath) -> Self {
        Self(
            path.steps
                .iter()
                .filter_map(|s| match &s.selector {
                    Some(Selector::AttributeName(n)) => Some(Step::Attribute(n.clone())),
                    Some(Selector::ElementKeyString(k)) => Some(Step::Key(k.clone())),
                    Some(Selector::ElementKeyInt(i)) => Some(Step::Index(*i)),
                    None => None,
                })
                .collect(),
        )
    }
}

/// Terraform-like rendering: `.name`, `["key"]`, `[0]`.
impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.0 {
            match step {
                Step::Attribute(n) => write!(f, ".{n}")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_terraform_and_survives_the_proto_round_trip() {
        let path = AttributePath::attr("tags")
            .then_key("env")
            .then_index(2)
            .then_attr("x");
        assert_eq!(path.to_string(), ".tags[\"env\"][2].x");
        assert_eq!(AttributePath::from_proto(&path.to_proto()), path);
    }
}
