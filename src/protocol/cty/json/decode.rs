//! cty JSON -> Value, typed by a cty type (go-cty `json.Unmarshal`), in one
//! streaming pass with serde_json.
//!
//! Primitives are captured as raw JSON text (`RawValue`) so that numbers
//! keep every digit (`2323502488275632000000`, `0.1`) without enabling
//! serde_json's crate-wide `arbitrary_precision` feature.
//!
//! serde errors cannot carry a path, so semantic errors are stashed in a
//! shared context and the serde error is only used to unwind; containers
//! add their path step to the stashed error on the way out.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::super::depth::MAX_DEPTH;
use super::super::error::{PathStep, RawError};
use super::super::number::Number;
use super::super::types::Type;
use super::super::value::{Value, dedup_set};

pub(super) struct Ctx {
    lenient: bool,
    /// The semantic error being reported, if any (a `Cell`: no borrow
    /// can fail).
    err: Cell<Option<RawError>>,
}

impl Ctx {
    pub(super) fn new(lenient: bool) -> Self {
        Ctx {
            lenient,
            err: Cell::new(None),
        }
    }

    /// The error to report for a failed decode whose serde error is `e`.
    pub(super) fn take_error(&self, e: &dyn fmt::Display) -> RawError {
        self.err
            .take()
            .unwrap_or_else(|| RawError::new(e.to_string()))
    }

    /// Records a semantic error; the returned serde error just unwinds.
    fn fail<E: de::Error>(&self, e: RawError) -> E {
        self.err.set(Some(e));
        E::custom("cty JSON decode error")
    }

    /// A child failed: adds `step` to the stashed error (adopting serde's
    /// own error if the failure was a syntax error).
    fn tag<E: de::Error>(&self, e: E, step: PathStep) -> E {
        let raw = self
            .err
            .take()
            .unwrap_or_else(|| RawError::new(e.to_string()));
        self.err.set(Some(raw.at(step)));
        e
    }
}

#[derive(Clone, Copy)]
pub(super) struct Seed<'c> {
    pub(super) ctx: &'c Ctx,
    pub(super) ty: &'c Type,
    pub(super) depth: usize,
}

impl<'c> Seed<'c> {
    fn child<'x>(&'x self, ty: &'x Type) -> Seed<'x> {
        Seed {
            ctx: self.ctx,
            ty,
            depth: self.depth + 1,
        }
    }

    fn expected(&self) -> &'static str {
        match self.ty {
            Type::String => "a string",
            Type::Number => "a number",
            Type::Bool => "a bool",
            Type::Dynamic => "a JSON object with \"value\" and \"type\"",
            Type::List(_) => "a JSON array for a list",
            Type::Set(_) => "a JSON array for a set",
            Type::Tuple(_) => "a JSON array for a tuple",
            Type::Map(_) => "a JSON object for a map",
            Type::Object(_) => "a JSON object for an object",
        }
    }

    /// A primitive from its raw JSON text, with go-cty's conversions: a
    /// string may hold a number or bool, and a number or bool may be a
    /// string.
    fn primitive(&self, raw: &str) -> Result<Value, RawError> {
        let want = self.expected();
        let wrong = |found: &str| RawError::new(format!("{want} is required, found {found}"));
        match raw.as_bytes().first() {
            Some(b'n') => Ok(Value::Null),
            Some(b'"') => {
                let s = unquote(raw)?;
                match self.ty {
                    Type::String => Ok(Value::String(s.into_owned())),
                    Type::Number => Number::parse(&s)
                        .map(Value::Number)
                        .map_err(|_| RawError::new(format!("a number is required, found {s:?}"))),
                    _ => match s.as_ref() {
                        "true" | "1" => Ok(Value::Bool(true)),
                        "false" | "0" => Ok(Value::Bool(false)),
                        _ => Err(RawError::new(format!("a bool is required, found {s:?}"))),
                    },
                }
            }
            Some(b't' | b'f') => {
                let b = raw.starts_with('t');
                match self.ty {
                    Type::Bool => Ok(Value::Bool(b)),
                    Type::String => Ok(Value::string(if b { "true" } else { "false" })),
                    _ => Err(wrong("a bool")),
                }
            }
            Some(b'-' | b'0'..=b'9') => match self.ty {
                Type::Number => Number::parse(raw)
                    .map(Value::Number)
                    .map_err(|e| RawError::new(format!("{e}: {raw}"))),
                // As go-cty: the number's text, unchanged.
                Type::String => Ok(Value::string(raw)),
                _ => Err(wrong("a number")),
            },
            Some(b'[') => Err(wrong("an array")),
            Some(b'{') => Err(wrong("an object")),
            _ => Err(wrong("nothing")),
        }
    }
}

/// The contents of a raw JSON string literal.
fn unquote(raw: &str) -> Result<Cow<'_, str>, RawError> {
    // Without backslashes the literal is its contents between the quotes
    // (serde_json has already rejected control characters).
    if !raw.contains('\\')
        && let Some(inner) = raw.get(1..raw.len().saturating_sub(1))
    {
        return Ok(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(raw)
        .map(Cow::Owned)
        .map_err(|e| RawError::new(e.to_string()))
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(self
                .ctx
                .fail(RawError::new(format!("nesting is deeper than {MAX_DEPTH}"))));
        }
        match self.ty {
            Type::String | Type::Number | Type::Bool => {
                let raw = <&RawValue>::deserialize(d)?;
                self.primitive(raw.get()).map_err(|e| self.ctx.fail(e))
            }
            _ => d.deserialize_any(self),
        }
    }
}

/// Object keys, borrowed from the input when they have no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expected())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        match self.ty {
            Type::List(et) | Type::Set(et) => {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                loop {
                    let step = PathStep::Index(out.len() as u64);
                    match seq.next_element_seed(self.child(et)) {
                        Ok(Some(v)) => out.push(v),
                        Ok(None) => break,
                        Err(e) => return Err(self.ctx.tag(e, step)),
                    }
                }
                if matches!(self.ty, Type::Set(_)) {
                    dedup_set(&mut out);
                    Ok(Value::Set(out))
                } else {
                    Ok(Value::List(out))
                }
            }
            Type::Tuple(ets) => {
                let mut out = Vec::with_capacity(ets.len());
                for (i, et) in ets.iter().enumerate() {
                    let step = PathStep::Index(i as u64);
                    match seq.next_element_seed(self.child(et)) {
                        Ok(Some(v)) => out.push(v),
                        Ok(None) => {
                            return Err(self.ctx.fail(RawError::new(format!(
                                "not enough tuple elements (need {})",
                                ets.len()
                            ))));
                        }
                        Err(e) => return Err(self.ctx.tag(e, step)),
                    }
                }
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(self.ctx.fail(RawError::new(format!(
                        "too many tuple elements (need {})",
                        ets.len()
                    ))));
                }
                Ok(Value::Tuple(out))
            }
            _ => Err(self.ctx.fail(RawError::new(format!(
                "{} is required, found an array",
                self.expected()
            )))),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        match self.ty {
            Type::Map(et) => {
                let mut out = BTreeMap::new();
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    match map.next_value_seed(self.child(et)) {
                        // A repeated key overwrites, as in go-cty.
                        Ok(v) => {
                            out.insert(k.into_owned(), v);
                        }
                        Err(e) => return Err(self.ctx.tag(e, PathStep::Key(k.into_owned()))),
                    }
                }
                Ok(Value::Map(out))
            }
            Type::Object(attrs) => {
                let mut out = BTreeMap::new();
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    let Some((name, aty)) = attrs.get_key_value(k.as_ref()) else {
                        if self.ctx.lenient {
                            // Raw state may hold attributes the schema dropped.
                            map.next_value::<IgnoredAny>()
                                .map_err(|e| self.ctx.tag(e, PathStep::Attr(k.into_owned())))?;
                            continue;
                        }
                        return Err(self
                            .ctx
                            .fail(RawError::new(format!("unsupported attribute {k:?}"))));
                    };
                    match map.next_value_seed(self.child(aty)) {
                        Ok(v) => {
                            out.insert(name.clone(), v);
                        }
                        Err(e) => return Err(self.ctx.tag(e, PathStep::Attr(name.clone()))),
                    }
                }
                // Absent attributes are null.
                if out.len() != attrs.len() {
                    for name in attrs.keys() {
                        if !out.contains_key(name) {
                            out.insert(name.clone(), Value::Null);
                        }
                    }
                }
                Ok(Value::Object(out))
            }
            Type::Dynamic => self.dynamic(map),
            _ => Err(self.ctx.fail(RawError::new(format!(
                "{} is required, found an object",
                self.expected()
            )))),
        }
    }
}

impl<'c> Seed<'c> {
    /// `{"value": ..., "type": ...}` in either order.
    fn dynamic<'de, A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut ty: Option<Type> = None;
        let mut raw_value: Option<&'de RawValue> = None;
        let mut value: Option<Value> = None;
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            match k.as_ref() {
                "type" => {
                    let raw = map.next_value::<&'de RawValue>()?;
                    let t = Type::from_json(raw.get().as_bytes()).map_err(|e| {
                        self.ctx
                            .fail::<A::Error>(RawError::new(format!("dynamic value has an {e}")))
                    })?;
                    ty = Some(t);
                }
                "value" => match &ty {
                    // Type already known: decode in place.
                    Some(t) => {
                        value = Some(map.next_value_seed(self.child(t))?);
                        raw_value = None;
                    }
                    // Otherwise keep the text until the type arrives.
                    None => {
                        raw_value = Some(map.next_value::<&'de RawValue>()?);
                        value = None;
                    }
                },
                other => {
                    return Err(self.ctx.fail(RawError::new(format!(
                        "invalid key {other:?} in dynamically-typed value"
                    ))));
                }
            }
        }
        let Some(ty) = ty else {
            return Err(self
                .ctx
                .fail(RawError::new("missing type in dynamically-typed value")));
        };
        let value = match (value, raw_value) {
            (_, Some(raw)) => {
                let mut de = serde_json::Deserializer::from_str(raw.get());
                let seed = self.child(&ty);
                match seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
                    Ok(v) => v,
                    Err(e) => {
                        let raw = self.ctx.take_error(&e);
                        return Err(self.ctx.fail(raw));
                    }
                }
            }
            (Some(v), None) => v,
            (None, None) => {
                return Err(self
                    .ctx
                    .fail(RawError::new("missing value in dynamically-typed value")));
            }
        };
        if matches!(ty, Type::Dynamic) {
            // A wrapper saying "dynamic" adds nothing: keep the inner value.
            return Ok(value);
        }
        Ok(Value::Dynamic {
            ty,
            value: Box::new(value),
        })
    }
}
