//! cty values.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::depth::MAX_DEPTH;
use super::error::{EncodeError, PathStep, RawError};
use super::number::Number;
use super::refinements::Refinements;
use super::types::Type;

/// A cty value. Values are untyped trees; a [`Type`] is always supplied
/// alongside (schemas give it), except under `Dynamic`, where
/// [`Value::Dynamic`] carries the concrete type.
///
/// Equality is structural with two exceptions that follow cty: numbers
/// compare numerically and sets compare as multisets (order-insensitive).
/// Unknowns compare equal when their refinements are equal.
#[derive(Debug, Clone)]
pub enum Value {
    /// Null of whatever type the position has.
    Null,
    /// Not known yet (during plan), with what is known about it.
    Unknown(Box<Refinements>),
    String(String),
    Number(Number),
    Bool(bool),
    List(Vec<Value>),
    /// Set elements in wire order. Decoders drop duplicate wholly known
    /// elements; encoders write the elements in this order.
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    /// A value at a `Dynamic` position, with its concrete type. `ty` is
    /// never `Type::Dynamic` itself; `value` conforms to `ty`.
    Dynamic {
        ty: Type,
        value: Box<Value>,
    },
}

impl Value {
    /// A wholly unknown value.
    pub fn unknown() -> Value {
        Value::Unknown(Box::default())
    }

    /// An unknown value with refinements.
    pub fn unknown_refined(refinements: Refinements) -> Value {
        Value::Unknown(Box::new(refinements))
    }

    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn number(n: impl Into<Number>) -> Value {
        Value::Number(n.into())
    }

    /// A value for a `Dynamic` position: `value` with its concrete type.
    pub fn dynamic(ty: Type, value: Value) -> Value {
        Value::Dynamic {
            ty,
            value: Box::new(value),
        }
    }

    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The value inside any `Dynamic` wrappers. The accessors below all
    /// look through them, so callers rarely need this.
    pub fn unwrap_dynamic(&self) -> &Value {
        let mut v = self;
        while let Value::Dynamic { value, .. } = v {
            v = value;
        }
        v
    }

    pub fn is_null(&self) -> bool {
        matches!(self.unwrap_dynamic(), Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.unwrap_dynamic(), Value::Unknown(_))
    }

    /// Known at the top level (possibly with unknowns inside).
    pub fn is_known(&self) -> bool {
        !self.is_unknown()
    }

    /// The refinements of an unknown value.
    pub fn refinements(&self) -> Option<&Refinements> {
        match self.unwrap_dynamic() {
            Value::Unknown(r) => Some(r),
            _ => None,
        }
    }

    /// No unknown anywhere inside (nulls count as known).
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::Null | Value::String(_) | Value::Number(_) | Value::Bool(_) => true,
            Value::List(vs) | Value::Set(vs) | Value::Tuple(vs) => {
                vs.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic { value, .. } => value.is_wholly_known(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.unwrap_dynamic() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.unwrap_dynamic() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self.unwrap_dynamic() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self.unwrap_dynamic() {
            Value::List(vs) | Value::Set(vs) | Value::Tuple(vs) => Some(vs),
            _ => None,
        }
    }

    /// Entries of a map or the attributes of an object.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unwrap_dynamic() {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// An attribute of an object (`None` if not an object or no such
    /// attribute).
    pub fn attr(&self, name: &str) -> Option<&Value> {
        match self.unwrap_dynamic() {
            Value::Object(m) => m.get(name),
            _ => None,
        }
    }

    /// True if the value conforms to `ty`; see [`Value::check_type`].
    pub fn conforms_to(&self, ty: &Type) -> bool {
        self.check_type(ty).is_ok()
    }

    /// Checks that the value conforms to `ty`, exactly as the encoders do:
    /// null and unknown fit any type (refinements must suit the type);
    /// objects must have exactly the declared attributes; tuples the
    /// declared length; a `Dynamic` position takes null, unknown or
    /// [`Value::Dynamic`] (whose inner value is checked against its type),
    /// and `Value::Dynamic` fits nowhere else.
    pub fn check_type(&self, ty: &Type) -> Result<(), EncodeError> {
        check(self, ty, 0).map_err(EncodeError::from)
    }
}

/// Why `value` does not conform to `ty`, if it does not. Shared by the
/// encoders so that `check_type` and encoding agree.
pub(super) fn mismatch(value: &Value, ty: &Type) -> Option<String> {
    let ok = match (value, ty) {
        (Value::Null, _) => true,
        (Value::Unknown(r), _) => return r.check_applicable(ty).err(),
        (Value::Dynamic { ty: inner, .. }, Type::Dynamic) => {
            if matches!(inner, Type::Dynamic) {
                return Some("a dynamic value must carry a concrete type, not dynamic".into());
            }
            true
        }
        (Value::String(_), Type::String)
        | (Value::Number(_), Type::Number)
        | (Value::Bool(_), Type::Bool)
        | (Value::List(_), Type::List(_))
        | (Value::Set(_), Type::Set(_))
        | (Value::Map(_), Type::Map(_))
        | (Value::Object(_), Type::Object(_))
        | (Value::Tuple(_), Type::Tuple(_)) => true,
        _ => false,
    };
    if ok {
        None
    } else if matches!(ty, Type::Dynamic) {
        Some(format!(
            "a value of dynamic type must be null, unknown or Value::Dynamic, not {}",
            value.kind_name()
        ))
    } else {
        Some(format!("{} is not a value of type {ty}", value.kind_name()))
    }
}

impl Value {
    /// Short description for error messages.
    pub(super) fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown(_) => "unknown",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a bool",
            Value::List(_) => "a list",
            Value::Set(_) => "a set",
            Value::Map(_) => "a map",
            Value::Object(_) => "an object",
            Value::Tuple(_) => "a tuple",
            Value::Dynamic { .. } => "a dynamic value",
        }
    }
}

fn check(value: &Value, ty: &Type, depth: usize) -> Result<(), RawError> {
    if depth > MAX_DEPTH {
        return Err(RawError::new(format!("nesting is deeper than {MAX_DEPTH}")));
    }
    if let Some(msg) = mismatch(value, ty) {
        return Err(RawError::new(msg));
    }
    match (value, ty) {
        (Value::List(vs), Type::List(et)) | (Value::Set(vs), Type::Set(et)) => {
            for (i, v) in vs.iter().enumerate() {
                check(v, et, depth + 1).map_err(|e| e.at(PathStep::Index(i as u64)))?;
            }
        }
        (Value::Map(m), Type::Map(et)) => {
            for (k, v) in m {
                check(v, et, depth + 1).map_err(|e| e.at(PathStep::Key(k.clone())))?;
            }
        }
        (Value::Object(m), Type::Object(attrs)) => {
            check_attr_names(m, attrs)?;
            for (k, v) in m {
                if let Some(at) = attrs.get(k) {
                    check(v, at, depth + 1).map_err(|e| e.at(PathStep::Attr(k.clone())))?;
                }
            }
        }
        (Value::Tuple(vs), Type::Tuple(ets)) => {
            check_tuple_len(vs, ets)?;
            for (i, (v, et)) in vs.iter().zip(ets).enumerate() {
                check(v, et, depth + 1).map_err(|e| e.at(PathStep::Index(i as u64)))?;
            }
        }
        (Value::Dynamic { ty: inner, value }, Type::Dynamic) => {
            check(value, inner, depth + 1)?;
        }
        _ => {}
    }
    Ok(())
}

/// Objects must carry exactly the declared attributes.
pub(super) fn check_attr_names(
    m: &BTreeMap<String, Value>,
    attrs: &BTreeMap<String, Type>,
) -> Result<(), RawError> {
    if m.len() == attrs.len() && m.keys().eq(attrs.keys()) {
        return Ok(());
    }
    if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
        return Err(RawError::new(format!("unsupported attribute {extra:?}")));
    }
    let missing: Vec<String> = attrs
        .keys()
        .filter(|k| !m.contains_key(*k))
        .map(|k| format!("{k:?}"))
        .collect();
    Err(RawError::new(format!(
        "missing attribute{} {}",
        if missing.len() == 1 { "" } else { "s" },
        missing.join(", ")
    )))
}

pub(super) fn check_tuple_len(vs: &[Value], ets: &[Type]) -> Result<(), RawError> {
    if vs.len() == ets.len() {
        Ok(())
    } else {
        Err(RawError::new(format!(
            "{} is required ({} given)",
            tuple_of(ets.len()),
            vs.len()
        )))
    }
}

/// `a tuple of 1 element`, `a tuple of 3 elements`.
pub(super) fn tuple_of(n: usize) -> String {
    format!("a tuple of {n} element{}", if n == 1 { "" } else { "s" })
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Unknown(a), Value::Unknown(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => a == b,
            (Value::Set(a), Value::Set(b)) => set_eq(a, b),
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => a == b,
            (Value::Dynamic { ty: ta, value: va }, Value::Dynamic { ty: tb, value: vb }) => {
                ta == tb && va == vb
            }
            _ => false,
        }
    }
}

impl Eq for Value {}

/// Multiset equality. Same-order sets (the usual case) are matched in one
/// pass; otherwise elements are grouped by a content hash so the cost stays
/// linear for large sets.
fn set_eq(a: &[Value], b: &[Value]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.iter().zip(b).all(|(x, y)| x == y) {
        return true;
    }
    let mut buckets: HashMap<u64, Vec<&Value>> = HashMap::with_capacity(a.len());
    for x in a {
        buckets.entry(content_hash(x)).or_default().push(x);
    }
    for y in b {
        let Some(bucket) = buckets.get_mut(&content_hash(y)) else {
            return false;
        };
        match bucket.iter().position(|x| *x == y) {
            Some(pos) => {
                bucket.swap_remove(pos);
            }
            None => return false,
        }
    }
    true
}

/// A hash consistent with `Value`'s equality (set element order does not
/// change it).
pub(super) fn content_hash(v: &Value) -> u64 {
    let mut h = DefaultHasher::new();
    hash_into(v, &mut h);
    h.finish()
}

fn hash_into(v: &Value, h: &mut DefaultHasher) {
    std::mem::discriminant(v).hash(h);
    match v {
        Value::Null => {}
        Value::Unknown(r) => r.hash(h),
        Value::String(s) => s.hash(h),
        Value::Number(n) => n.hash(h),
        Value::Bool(b) => b.hash(h),
        Value::List(vs) | Value::Tuple(vs) => {
            vs.len().hash(h);
            for x in vs {
                hash_into(x, h);
            }
        }
        Value::Set(vs) => {
            // Order-independent combination of the element hashes.
            let sum = vs
                .iter()
                .fold(0u64, |acc, x| acc.wrapping_add(content_hash(x)));
            vs.len().hash(h);
            sum.hash(h);
        }
        Value::Map(m) | Value::Object(m) => {
            m.len().hash(h);
            for (k, x) in m {
                k.hash(h);
                hash_into(x, h);
            }
        }
        Value::Dynamic { ty, value } => {
            ty.hash(h);
            hash_into(value, h);
        }
    }
}

/// Drops set elements equal to an earlier one, as cty does when building a
/// set. Elements containing unknowns are never merged (cty cannot tell
/// whether two unknowns are equal).
pub(super) fn dedup_set(elems: &mut Vec<Value>) {
    if elems.len() < 2 {
        return;
    }
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::with_capacity(elems.len());
    let mut keep = Vec::with_capacity(elems.len());
    let mut any_dropped = false;
    for (i, e) in elems.iter().enumerate() {
        if !e.is_wholly_known() {
            keep.push(true);
            continue;
        }
        let slot = seen.entry(content_hash(e)).or_default();
        let dup = slot.iter().any(|&j| elems.get(j) == Some(e));
        if dup {
            any_dropped = true;
        } else {
            slot.push(i);
        }
        keep.push(!dup);
    }
    if any_dropped {
        let mut flags = keep.into_iter();
        elems.retain(|_| flags.next().unwrap_or(true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    #[test]
    fn set_equality_ignores_order() {
        let a = Value::Set(vec![s("a"), s("b"), s("b")]);
        let b = Value::Set(vec![s("b"), s("a"), s("b")]);
        let c = Value::Set(vec![s("b"), s("a"), s("a")]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(
            Value::List(vec![s("a"), s("b")]),
            Value::List(vec![s("b"), s("a")])
        );
        assert_eq!(
            Value::Set(vec![Value::number(1), Value::number(2)]),
            Value::Set(vec![
                Value::Number("2.0".parse().unwrap()),
                Value::number(1)
            ])
        );
    }

    #[test]
    fn dedup_keeps_first_and_unknowns() {
        let mut v = vec![
            s("a"),
            s("b"),
            s("a"),
            Value::unknown(),
            Value::unknown(),
            Value::Null,
            Value::Null,
        ];
        dedup_set(&mut v);
        assert_eq!(
            v,
            vec![
                s("a"),
                s("b"),
                Value::unknown(),
                Value::unknown(),
                Value::Null
            ]
        );
    }

    #[test]
    fn accessors_look_through_dynamic() {
        let v = Value::dynamic(
            Type::object([("a", Type::String)]),
            Value::object([("a", s("x"))]),
        );
        assert_eq!(v.attr("a").and_then(Value::as_str), Some("x"));
        assert!(Value::dynamic(Type::String, Value::Null).is_null());
        assert!(Value::dynamic(Type::String, Value::unknown()).is_unknown());
        assert!(!Value::List(vec![Value::unknown()]).is_wholly_known());
        assert!(Value::List(vec![Value::Null]).is_wholly_known());
    }

    #[test]
    fn conformance() {
        let ty = Type::object([
            ("id", Type::String),
            ("n", Type::list(Type::Number)),
            ("d", Type::Dynamic),
        ]);
        let good = Value::object([
            ("id", s("x")),
            ("n", Value::List(vec![Value::number(1), Value::unknown()])),
            ("d", Value::dynamic(Type::Bool, Value::Bool(true))),
        ]);
        assert!(good.conforms_to(&ty));
        assert!(Value::Null.conforms_to(&ty));
        assert!(Value::unknown().conforms_to(&ty));

        let bad_elem = Value::object([
            ("id", s("x")),
            ("n", Value::List(vec![Value::number(1), s("two")])),
            ("d", Value::Null),
        ]);
        let err = bad_elem.check_type(&ty).unwrap_err();
        assert_eq!(
            err.to_string(),
            "at .n[1]: a string is not a value of type \"number\""
        );

        let missing = Value::object([("id", s("x"))]);
        let err = missing.check_type(&ty).unwrap_err();
        assert_eq!(err.to_string(), r#"missing attributes "d", "n""#);

        let extra = Value::object([
            ("id", s("x")),
            ("n", Value::Null),
            ("d", Value::Null),
            ("zz", Value::Null),
        ]);
        assert_eq!(
            extra.check_type(&ty).unwrap_err().to_string(),
            r#"unsupported attribute "zz""#
        );

        // Dynamic positions need the type alongside the value.
        let bare = Value::object([("id", s("x")), ("n", Value::Null), ("d", s("y"))]);
        assert!(
            bare.check_type(&ty)
                .unwrap_err()
                .to_string()
                .starts_with("at .d: ")
        );
        assert!(!Value::dynamic(Type::String, s("x")).conforms_to(&Type::String));
        assert!(!Value::dynamic(Type::Dynamic, Value::Null).conforms_to(&Type::Dynamic));
        assert!(!Value::dynamic(Type::Number, s("x")).conforms_to(&Type::Dynamic));

        let tuple = Type::tuple([Type::String, Type::Bool]);
        assert!(Value::Tuple(vec![s("a"), Value::Bool(true)]).conforms_to(&tuple));
        assert!(!Value::Tuple(vec![s("a")]).conforms_to(&tuple));

        let prefix_on_number = Value::unknown_refined(Refinements {
            string_prefix: Some("x".into()),
            ..Refinements::default()
        });
        assert!(!prefix_on_number.conforms_to(&Type::Number));
        assert!(prefix_on_number.conforms_to(&Type::String));
    }

    #[test]
    fn check_caps_depth() {
        let mut ty = Type::String;
        let mut v = s("x");
        for _ in 0..=MAX_DEPTH {
            ty = Type::list(ty);
            v = Value::List(vec![v]);
        }
        assert!(v.check_type(&ty).unwrap_err().message().contains("deeper"));
    }
}
