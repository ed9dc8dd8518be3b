//! cty types and their JSON form (schema `type` bytes, dynamic wrappers).

use std::collections::BTreeMap;
use std::fmt;

use super::depth::MAX_DEPTH;
use super::gojson;

/// A cty type.
///
/// Object attributes live in a `BTreeMap`, so they iterate in byte-wise
/// sorted order: the order go-cty writes them in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    String,
    Number,
    Bool,
    /// `DynamicPseudoType`: any type; values carry their own type on the wire.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

/// The JSON text is not a valid cty type description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeJsonError(String);

impl TypeJsonError {
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TypeJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid type JSON: {}", self.0)
    }
}

impl std::error::Error for TypeJsonError {}

impl Type {
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object(attrs.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }

    pub fn tuple(elements: impl IntoIterator<Item = Type>) -> Type {
        Type::Tuple(elements.into_iter().collect())
    }

    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::String | Type::Number | Type::Bool)
    }

    /// List, set or map: the types that length refinements apply to.
    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }

    /// The element type of a list, set or map.
    pub fn element_type(&self) -> Option<&Type> {
        match self {
            Type::List(t) | Type::Set(t) | Type::Map(t) => Some(t),
            _ => None,
        }
    }

    /// Attribute types of an object type.
    pub fn attribute_types(&self) -> Option<&BTreeMap<String, Type>> {
        match self {
            Type::Object(attrs) => Some(attrs),
            _ => None,
        }
    }

    /// True if `Dynamic` occurs anywhere in the type.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::String | Type::Number | Type::Bool => false,
            Type::List(t) | Type::Set(t) | Type::Map(t) => t.has_dynamic(),
            Type::Object(attrs) => attrs.values().any(Type::has_dynamic),
            Type::Tuple(elems) => elems.iter().any(Type::has_dynamic),
        }
    }

    /// The cty JSON form, exactly as go-cty's `Type.MarshalJSON` writes it,
    /// e.g. `["object",{"id":"string","tags":["map","string"]}]`.
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(32);
        self.write_json(&mut out);
        // Only ASCII punctuation and valid UTF-8 names are written.
        String::from_utf8(out).unwrap_or_default()
    }

    /// Appends the cty JSON form to `out`.
    pub(super) fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Type::String => out.extend_from_slice(b"\"string\""),
            Type::Number => out.extend_from_slice(b"\"number\""),
            Type::Bool => out.extend_from_slice(b"\"bool\""),
            Type::Dynamic => out.extend_from_slice(b"\"dynamic\""),
            Type::List(t) => {
                out.extend_from_slice(b"[\"list\",");
                t.write_json(out);
                out.push(b']');
            }
            Type::Set(t) => {
                out.extend_from_slice(b"[\"set\",");
                t.write_json(out);
                out.push(b']');
            }
            Type::Map(t) => {
                out.extend_from_slice(b"[\"map\",");
                t.write_json(out);
                out.push(b']');
            }
            Type::Object(attrs) => {
                out.extend_from_slice(b"[\"object\",{");
                for (i, (name, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    gojson::write_str(out, name);
                    out.push(b':');
                    t.write_json(out);
                }
                out.extend_from_slice(b"}]");
            }
            Type::Tuple(elems) => {
                out.extend_from_slice(b"[\"tuple\",[");
                for (i, t) in elems.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    t.write_json(out);
                }
                out.extend_from_slice(b"]]");
            }
        }
    }

    /// Parses the cty JSON form. Accepts (and ignores) the optional third
    /// element of object types that lists optional attributes. Nesting
    /// deeper than [`MAX_DEPTH`] is rejected.
    pub fn from_json(json: &[u8]) -> Result<Type, TypeJsonError> {
        let v: serde_json::Value =
            serde_json::from_slice(json).map_err(|e| TypeJsonError(e.to_string()))?;
        Type::from_json_value(&v, 0)
    }

    fn from_json_value(v: &serde_json::Value, depth: usize) -> Result<Type, TypeJsonError> {
        use serde_json::Value as J;
        if depth > MAX_DEPTH {
            return Err(TypeJsonError(format!(
                "type nesting is deeper than {MAX_DEPTH}"
            )));
        }
        match v {
            J::String(name) => match name.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(TypeJsonError(format!(
                    "invalid primitive type name {other:?}"
                ))),
            },
            J::Array(items) => {
                let (kind, rest) = match items.split_first() {
                    Some((J::String(kind), rest)) => (kind.as_str(), rest),
                    _ => return Err(TypeJsonError("invalid complex type kind name".into())),
                };
                match (kind, rest) {
                    ("list", [t]) => Ok(Type::list(Type::from_json_value(t, depth + 1)?)),
                    ("set", [t]) => Ok(Type::set(Type::from_json_value(t, depth + 1)?)),
                    ("map", [t]) => Ok(Type::map(Type::from_json_value(t, depth + 1)?)),
                    ("object", [J::Object(attrs)]) => Type::object_from_json(attrs, depth),
                    ("object", [J::Object(attrs), J::Array(optional)]) => {
                        // Optional-attribute lists only matter for config
                        // decoding; they are checked for shape and dropped.
                        if optional.iter().any(|o| !o.is_string()) {
                            return Err(TypeJsonError(
                                "optional attribute list must hold strings".into(),
                            ));
                        }
                        Type::object_from_json(attrs, depth)
                    }
                    ("tuple", [J::Array(elems)]) => Ok(Type::Tuple(
                        elems
                            .iter()
                            .map(|t| Type::from_json_value(t, depth + 1))
                            .collect::<Result<_, _>>()?,
                    )),
                    ("list" | "set" | "map" | "object" | "tuple", _) => {
                        Err(TypeJsonError(format!("malformed {kind} type description")))
                    }
                    _ => Err(TypeJsonError(format!(
                        "invalid complex type kind name {kind:?}"
                    ))),
                }
            }
            _ => Err(TypeJsonError("invalid type description".into())),
        }
    }

    fn object_from_json(
        attrs: &serde_json::Map<String, serde_json::Value>,
        depth: usize,
    ) -> Result<Type, TypeJsonError> {
        let mut out = BTreeMap::new();
        for (name, t) in attrs {
            out.insert(name.clone(), Type::from_json_value(t, depth + 1)?);
        }
        Ok(Type::Object(out))
    }
}

impl fmt::Display for Type {
    /// Displays the cty JSON form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_json_forms() {
        assert_eq!(Type::String.to_json(), r#""string""#);
        assert_eq!(Type::Dynamic.to_json(), r#""dynamic""#);
        assert_eq!(Type::list(Type::String).to_json(), r#"["list","string"]"#);
        assert_eq!(Type::set(Type::Number).to_json(), r#"["set","number"]"#);
        assert_eq!(Type::map(Type::Bool).to_json(), r#"["map","bool"]"#);
        let obj = Type::object([("zeta", Type::String), ("alpha", Type::list(Type::Dynamic))]);
        assert_eq!(
            obj.to_json(),
            r#"["object",{"alpha":["list","dynamic"],"zeta":"string"}]"#
        );
        assert_eq!(
            Type::tuple([Type::String, Type::Bool]).to_json(),
            r#"["tuple",["string","bool"]]"#
        );
        assert_eq!(Type::tuple([]).to_json(), r#"["tuple",[]]"#);
        assert_eq!(Type::object::<String>([]).to_json(), r#"["object",{}]"#);
        // Go's encoding/json HTML-escapes attribute names.
        assert_eq!(
            Type::object([("a<b", Type::String)]).to_json(),
            r#"["object",{"a\u003cb":"string"}]"#
        );
    }

    #[test]
    fn from_json_round_trip_and_optional_attrs() {
        let t = Type::object([
            ("a", Type::tuple([Type::Number, Type::set(Type::String)])),
            ("b", Type::map(Type::object([("x", Type::Bool)]))),
        ]);
        assert_eq!(Type::from_json(t.to_json().as_bytes()).unwrap(), t);
        let with_opt = br#"["object",{"a":"string","b":"number"},["b"]]"#;
        assert_eq!(
            Type::from_json(with_opt).unwrap(),
            Type::object([("a", Type::String), ("b", Type::Number)])
        );
        assert_eq!(
            Type::from_json(b" [ \"list\" , \"bool\" ] ").unwrap(),
            Type::list(Type::Bool)
        );
    }

    #[test]
    fn from_json_rejects_garbage() {
        for bad in [
            &b""[..],
            b"\"str\"",
            b"[\"list\"]",
            b"[\"list\",\"string\",\"x\"]",
            b"[\"object\",[]]",
            b"[\"object\",{},[1]]",
            b"[\"tuple\",{}]",
            b"[\"wat\",\"string\"]",
            b"[1,2]",
            b"[]",
            b"{}",
            b"null",
            b"\"string\" x",
            b"[\"list\",\"string\"",
        ] {
            assert!(
                Type::from_json(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn json_round_trip(t in super::super::strategies::arb_type()) {
            let json = t.to_json();
            proptest::prop_assert_eq!(Type::from_json(json.as_bytes()).unwrap(), t);
            // Our bytes are valid JSON for any reader, not only ours.
            proptest::prop_assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        }
    }

    #[test]
    fn from_json_caps_depth() {
        let mut ok = String::from("\"string\"");
        for _ in 0..MAX_DEPTH {
            ok = format!("[\"list\",{ok}]");
        }
        assert!(Type::from_json(ok.as_bytes()).is_ok());
        let too_deep = format!("[\"list\",{ok}]");
        let err = Type::from_json(too_deep.as_bytes()).unwrap_err();
        assert!(err.message().contains("deeper"), "{err}");
        // Far past serde_json's own limit: still an error, not a crash.
        let absurd = "[\"list\",".repeat(10_000);
        assert!(Type::from_json(absurd.as_bytes()).is_err());
    }
}
