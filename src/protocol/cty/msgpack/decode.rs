//! msgpack -> Value, typed by a cty type (go-cty `msgpack.Unmarshal`).
//!
//! Every read is bounds-checked through rmp's slice reader; containers are
//! pre-allocated from their length prefix only up to the bytes left (each
//! element needs at least one byte), and nesting is capped at `MAX_DEPTH`.

use std::collections::BTreeMap;

use rmp::Marker;

use super::super::depth::MAX_DEPTH;
use super::super::error::{PathStep, RawError};
use super::super::number::Number;
use super::super::types::Type;
use super::super::value::{Value, check_attr_names, dedup_set, tuple_of};
use super::unknown;

pub(super) struct Decoder<'a> {
    /// The bytes not read yet; rmp's readers advance this slice.
    pub(super) rest: &'a [u8],
}

pub(super) fn eof() -> RawError {
    RawError::new("unexpected end of msgpack input")
}

/// What a marker introduces, for error messages.
pub(super) fn marker_name(m: Marker) -> &'static str {
    match m {
        Marker::Null => "nil",
        Marker::True | Marker::False => "a bool",
        Marker::FixPos(_)
        | Marker::FixNeg(_)
        | Marker::U8
        | Marker::U16
        | Marker::U32
        | Marker::U64
        | Marker::I8
        | Marker::I16
        | Marker::I32
        | Marker::I64 => "an integer",
        Marker::F32 | Marker::F64 => "a float",
        Marker::FixStr(_) | Marker::Str8 | Marker::Str16 | Marker::Str32 => "a string",
        Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => "binary data",
        Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => "an array",
        Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => "a map",
        Marker::FixExt1
        | Marker::FixExt2
        | Marker::FixExt4
        | Marker::FixExt8
        | Marker::FixExt16
        | Marker::Ext8
        | Marker::Ext16
        | Marker::Ext32 => "an extension value",
        Marker::Reserved => "the reserved byte 0xc1",
    }
}

pub(super) fn is_ext(m: Marker) -> bool {
    matches!(
        m,
        Marker::FixExt1
            | Marker::FixExt2
            | Marker::FixExt4
            | Marker::FixExt8
            | Marker::FixExt16
            | Marker::Ext8
            | Marker::Ext16
            | Marker::Ext32
    )
}

fn required(what: &str, found: Marker) -> RawError {
    RawError::new(format!("{what} is required, found {}", marker_name(found)))
}

impl<'a> Decoder<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Decoder { rest: bytes }
    }

    pub(super) fn peek(&self) -> Result<Marker, RawError> {
        self.rest
            .first()
            .map(|&b| Marker::from_u8(b))
            .ok_or_else(eof)
    }

    /// Consumes `n` raw bytes.
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], RawError> {
        let (head, tail) = self.rest.split_at_checked(n).ok_or_else(eof)?;
        self.rest = tail;
        Ok(head)
    }

    fn skip_marker_byte(&mut self) {
        self.rest = self.rest.get(1..).unwrap_or_default();
    }

    pub(super) fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, RawError> {
        if depth > MAX_DEPTH {
            return Err(RawError::new(format!("nesting is deeper than {MAX_DEPTH}")));
        }
        let marker = self.peek()?;
        // Any extension is an unknown value, whatever the type (go-cty).
        if is_ext(marker) {
            return unknown::read_unknown(self, ty);
        }
        if matches!(ty, Type::Dynamic) {
            return self.dynamic(marker, depth);
        }
        if marker == Marker::Null {
            self.skip_marker_byte();
            return Ok(Value::Null);
        }
        match ty {
            Type::String => self.string(marker).map(Value::String),
            Type::Number => self.number(marker).map(Value::Number),
            Type::Bool => match marker {
                Marker::True | Marker::False => {
                    self.skip_marker_byte();
                    Ok(Value::Bool(marker == Marker::True))
                }
                m => Err(required("a bool", m)),
            },
            Type::List(et) => self.elements(marker, et, depth, "a list").map(Value::List),
            Type::Set(et) => {
                let mut elems = self.elements(marker, et, depth, "a set")?;
                dedup_set(&mut elems);
                Ok(Value::Set(elems))
            }
            Type::Tuple(ets) => self.tuple(marker, ets, depth),
            Type::Map(et) => self.map(marker, et, depth),
            Type::Object(attrs) => self.object(marker, attrs, depth),
            // Handled above; kept total without a panic.
            Type::Dynamic => self.dynamic(marker, depth),
        }
    }

    /// The bytes of a str or bin (both carry strings on this wire).
    pub(super) fn text_bytes(&mut self, marker: Marker, what: &str) -> Result<&'a [u8], RawError> {
        let len = match marker {
            Marker::FixStr(_) | Marker::Str8 | Marker::Str16 | Marker::Str32 => {
                rmp::decode::read_str_len(&mut self.rest).map_err(|_| eof())?
            }
            Marker::Bin8 | Marker::Bin16 | Marker::Bin32 => {
                rmp::decode::read_bin_len(&mut self.rest).map_err(|_| eof())?
            }
            m => return Err(required(what, m)),
        };
        self.take(len as usize)
    }

    pub(super) fn str_ref(&mut self, marker: Marker, what: &str) -> Result<&'a str, RawError> {
        let bytes = self.text_bytes(marker, what)?;
        std::str::from_utf8(bytes).map_err(|_| RawError::new(format!("{what} is not valid UTF-8")))
    }

    fn string(&mut self, marker: Marker) -> Result<String, RawError> {
        self.str_ref(marker, "a string").map(str::to_owned)
    }

    /// A number as go-cty accepts it: any integer width, float32/64, or a
    /// decimal string.
    pub(super) fn number(&mut self, marker: Marker) -> Result<Number, RawError> {
        match marker {
            Marker::FixPos(_)
            | Marker::FixNeg(_)
            | Marker::U8
            | Marker::U16
            | Marker::U32
            | Marker::U64
            | Marker::I8
            | Marker::I16
            | Marker::I32
            | Marker::I64 => rmp::decode::read_int::<i128, _>(&mut self.rest)
                .map(Number::from_i128)
                .map_err(|_| eof()),
            Marker::F32 => {
                let f = rmp::decode::read_f32(&mut self.rest).map_err(|_| eof())?;
                float_number(f64::from(f))
            }
            Marker::F64 => {
                let f = rmp::decode::read_f64(&mut self.rest).map_err(|_| eof())?;
                float_number(f)
            }
            Marker::FixStr(_)
            | Marker::Str8
            | Marker::Str16
            | Marker::Str32
            | Marker::Bin8
            | Marker::Bin16
            | Marker::Bin32 => {
                let text = self.str_ref(marker, "a number")?;
                Number::parse(text).map_err(|e| RawError::new(format!("{e}: {text:?}")))
            }
            m => Err(required("a number", m)),
        }
    }

    pub(super) fn array_len(&mut self, marker: Marker, what: &str) -> Result<usize, RawError> {
        match marker {
            Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => {
                rmp::decode::read_array_len(&mut self.rest)
                    .map(|n| n as usize)
                    .map_err(|_| eof())
            }
            m => Err(required(what, m)),
        }
    }

    pub(super) fn map_len(&mut self, marker: Marker, what: &str) -> Result<usize, RawError> {
        match marker {
            Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => {
                rmp::decode::read_map_len(&mut self.rest)
                    .map(|n| n as usize)
                    .map_err(|_| eof())
            }
            m => Err(required(what, m)),
        }
    }

    /// Skips one value of any shape. Iterative (a count of items still to
    /// skip), so nesting cannot exhaust the stack; each item consumes at
    /// least one byte, so it ends with the input. (rmp's `MessageLen`
    /// would do this but panics on extension values.)
    pub(super) fn skip_value(&mut self) -> Result<(), RawError> {
        let mut pending: u64 = 1;
        while pending > 0 {
            pending -= 1;
            let marker = self.peek()?;
            match marker {
                Marker::FixArray(_) | Marker::Array16 | Marker::Array32 => {
                    let n = self.array_len(marker, "an array")?;
                    pending = pending.saturating_add(n as u64);
                }
                Marker::FixMap(_) | Marker::Map16 | Marker::Map32 => {
                    let n = self.map_len(marker, "a map")?;
                    pending = pending.saturating_add(2 * n as u64);
                }
                Marker::FixStr(_)
                | Marker::Str8
                | Marker::Str16
                | Marker::Str32
                | Marker::Bin8
                | Marker::Bin16
                | Marker::Bin32 => {
                    self.text_bytes(marker, "a string")?;
                }
                m if is_ext(m) => {
                    let meta = rmp::decode::read_ext_meta(&mut self.rest).map_err(|_| eof())?;
                    self.take(meta.size as usize)?;
                }
                Marker::Null | Marker::True | Marker::False => self.skip_marker_byte(),
                Marker::Reserved => return Err(required("a msgpack value", marker)),
                Marker::F32 => {
                    rmp::decode::read_f32(&mut self.rest).map_err(|_| eof())?;
                }
                Marker::F64 => {
                    rmp::decode::read_f64(&mut self.rest).map_err(|_| eof())?;
                }
                // Only integers are left.
                _ => {
                    rmp::decode::read_int::<i128, _>(&mut self.rest).map_err(|_| eof())?;
                }
            }
        }
        Ok(())
    }

    /// Capacity for `n` announced items: never more than could possibly
    /// follow, so a forged length cannot make us allocate.
    fn capacity(&self, n: usize) -> usize {
        n.min(self.rest.len())
    }

    fn elements(
        &mut self,
        marker: Marker,
        et: &Type,
        depth: usize,
        what: &str,
    ) -> Result<Vec<Value>, RawError> {
        let n = self.array_len(marker, what)?;
        let mut out = Vec::with_capacity(self.capacity(n));
        for i in 0..n {
            let v = self
                .value(et, depth + 1)
                .map_err(|e| e.at(PathStep::Index(i as u64)))?;
            out.push(v);
        }
        Ok(out)
    }

    fn tuple(&mut self, marker: Marker, ets: &[Type], depth: usize) -> Result<Value, RawError> {
        let n = self.array_len(marker, "a tuple")?;
        if n != ets.len() {
            return Err(RawError::new(format!(
                "{} is required ({n} given)",
                tuple_of(ets.len())
            )));
        }
        let mut out = Vec::with_capacity(n);
        for (i, et) in ets.iter().enumerate() {
            let v = self
                .value(et, depth + 1)
                .map_err(|e| e.at(PathStep::Index(i as u64)))?;
            out.push(v);
        }
        Ok(Value::Tuple(out))
    }

    fn key(&mut self) -> Result<&'a str, RawError> {
        let marker = self.peek()?;
        self.str_ref(marker, "a string key")
    }

    fn map(&mut self, marker: Marker, et: &Type, depth: usize) -> Result<Value, RawError> {
        let n = self.map_len(marker, "a map")?;
        let mut out = BTreeMap::new();
        for _ in 0..n {
            let key = self.key()?;
            let v = self
                .value(et, depth + 1)
                .map_err(|e| e.at(PathStep::Key(key.to_owned())))?;
            // A repeated key overwrites, as in go-cty.
            out.insert(key.to_owned(), v);
        }
        Ok(Value::Map(out))
    }

    fn object(
        &mut self,
        marker: Marker,
        attrs: &BTreeMap<String, Type>,
        depth: usize,
    ) -> Result<Value, RawError> {
        let n = self.map_len(marker, "an object")?;
        let mut out = BTreeMap::new();
        // Each successful round inserts a distinct declared attribute, so
        // this loop runs at most attrs.len() + 1 times whatever n claims.
        for _ in 0..n {
            let key = self.key()?;
            let Some((name, aty)) = attrs.get_key_value(key) else {
                return Err(RawError::new(format!("unsupported attribute {key:?}")));
            };
            if out.contains_key(key) {
                return Err(RawError::new(format!("duplicate attribute {key:?}")));
            }
            let v = self
                .value(aty, depth + 1)
                .map_err(|e| e.at(PathStep::Attr(name.clone())))?;
            out.insert(name.clone(), v);
        }
        check_attr_names(&out, attrs)?;
        Ok(Value::Object(out))
    }

    /// `[type JSON (bin or str), value]`, or bare nil for an untyped null.
    /// (Bare extensions were handled by the caller.)
    fn dynamic(&mut self, marker: Marker, depth: usize) -> Result<Value, RawError> {
        if marker == Marker::Null {
            self.skip_marker_byte();
            return Ok(Value::Null);
        }
        let n = self.array_len(marker, "a dynamic value ([type, value] array)")?;
        if n != 2 {
            return Err(RawError::new(
                "dynamic value array must have exactly two elements",
            ));
        }
        let type_marker = self.peek()?;
        let json = self.text_bytes(type_marker, "the type of a dynamic value")?;
        let ty = Type::from_json(json)
            .map_err(|e| RawError::new(format!("dynamic value has an {e}")))?;
        let value = self.value(&ty, depth + 1)?;
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

fn float_number(f: f64) -> Result<Number, RawError> {
    Number::from_f64(f).ok_or_else(|| RawError::new("NaN is not a valid number"))
}
