//! A small builder for Terraform schemas and their conversion to tfplugin6 messages.
//!
//! Terraform panics on a schema with invalid type JSON or a missing block, and rejects
//! illegal flag combinations; `Schema::check` pins those rules so tests catch them first.

use std::collections::BTreeMap;

use super::cty::Type;
use super::tfplugin6 as pb;

#[derive(Clone, Debug)]
pub struct Schema {
    pub version: i64,
    pub description: String,
    pub attributes: Vec<Attribute>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presence {
    Required,
    Optional,
    Computed,
    OptionalComputed,
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub description: String,
    pub presence: Presence,
    pub sensitive: bool,
    pub write_only: bool,
}

impl Attribute {
    fn new(name: &str, ty: Type, presence: Presence) -> Self {
        Self {
            name: name.to_string(),
            ty,
            description: String::new(),
            presence,
            sensitive: false,
            write_only: false,
        }
    }

    pub fn required(name: &str, ty: Type) -> Self {
        Self::new(name, ty, Presence::Required)
    }

    pub fn optional(name: &str, ty: Type) -> Self {
        Self::new(name, ty, Presence::Optional)
    }

    pub fn computed(name: &str, ty: Type) -> Self {
        Self::new(name, ty, Presence::Computed)
    }

    pub fn optional_computed(name: &str, ty: Type) -> Self {
        Self::new(name, ty, Presence::OptionalComputed)
    }

    /// Markdown text shown in docs and editors.
    pub fn describe(mut self, markdown: &str) -> Self {
        self.description = markdown.to_string();
        self
    }

    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: self.ty.to_json().into_bytes(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            required: self.presence == Presence::Required,
            optional: matches!(
                self.presence,
                Presence::Optional | Presence::OptionalComputed
            ),
            computed: matches!(
                self.presence,
                Presence::Computed | Presence::OptionalComputed
            ),
            sensitive: self.sensitive,
            write_only: self.write_only,
            ..Default::default()
        }
    }
}

impl Schema {
    pub fn new(version: i64, description: &str, attributes: Vec<Attribute>) -> Self {
        Self {
            version,
            description: description.to_string(),
            attributes,
        }
    }

    /// The object type Terraform encodes values of this schema with.
    pub fn implied_type(&self) -> Type {
        Type::Object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.ty.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(pb::schema::Block {
                version: self.version,
                attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
                block_types: Vec::new(),
                description: self.description.clone(),
                description_kind: pb::StringKind::Markdown as i32,
                deprecated: false,
                ..Default::default()
            }),
        }
    }

    /// The rules Terraform core applies when it loads a schema (plus write-only + computed,
    /// which the Go SDKs forbid because Terraform can never store such a value).
    pub fn check(&self) -> Result<(), String> {
        if self.version < 0 {
            return Err("schema version must not be negative".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in &self.attributes {
            if !seen.insert(a.name.as_str()) {
                return Err(format!("attribute {:?} is declared twice", a.name));
            }
            let valid_name = !a.name.is_empty()
                && a.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid_name {
                return Err(format!(
                    "attribute name {:?} must match ^[a-z0-9_]+$",
                    a.name
                ));
            }
            const RESERVED: [&str; 10] = [
                "count",
                "for_each",
                "provider",
                "depends_on",
                "lifecycle",
                "connection",
                "provisioner",
                "source",
                "version",
                "alias",
            ];
            if RESERVED.contains(&a.name.as_str()) {
                return Err(format!(
                    "attribute name {:?} is a Terraform meta-argument",
                    a.name
                ));
            }
            if a.write_only && matches!(a.presence, Presence::Computed | Presence::OptionalComputed)
            {
                return Err(format!(
                    "write-only attribute {:?} cannot be computed",
                    a.name
                ));
            }
            if a.description.trim().is_empty() {
                return Err(format!("attribute {:?} has no description", a.name));
            }
            Type::from_json(a.ty.to_json().as_bytes())
                .map_err(|e| format!("attribute {:?} has invalid type JSON: {e}", a.name))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_map_to_the_proto_fields() {
        let schema = Schema::new(
            0,
            "d",
            vec![
                Attribute::required("a", Type::String).describe("a"),
                Attribute::optional("b", Type::Number)
                    .describe("b")
                    .sensitive(),
                Attribute::computed("c", Type::Bool).describe("c"),
                Attribute::optional_computed("d", Type::String).describe("d"),
                Attribute::optional("e", Type::String)
                    .describe("e")
                    .write_only(),
            ],
        );
        schema.check().unwrap();
        let block = schema.to_proto().block.unwrap();
        let flags: Vec<_> = block
            .attributes
            .iter()
            .map(|a| {
                (
                    a.name.as_str(),
                    a.required,
                    a.optional,
                    a.computed,
                    a.sensitive,
                    a.write_only,
                )
            })
            .collect();
        assert_eq!(
            flags,
            [
                ("a", true, false, false, false, false),
                ("b", false, true, false, true, false),
                ("c", false, false, true, false, false),
                ("d", false, true, true, false, false),
                ("e", false, true, false, false, true),
            ]
        );
        assert_eq!(block.attributes[1].r#type, b"\"number\"");
    }

    #[test]
    fn check_rejects_what_terraform_would_reject() {
        let bad = |attrs| Schema::new(0, "", attrs).check().is_err();
        assert!(bad(vec![
            Attribute::required("Name", Type::String).describe("x")
        ]));
        assert!(bad(vec![
            Attribute::required("count", Type::String).describe("x")
        ]));
        assert!(bad(vec![
            Attribute::computed("w", Type::String)
                .describe("x")
                .write_only()
        ]));
        assert!(bad(vec![Attribute::required("x", Type::String)]));
        assert!(Schema::new(-1, "", vec![]).check().is_err());
    }
}
