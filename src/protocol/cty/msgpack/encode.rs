//! Value -> msgpack, byte for byte as go-cty's `msgpack.Marshal` writes it.

use std::fmt::Display;

use super::super::depth::MAX_DEPTH;
use super::super::error::{PathStep, RawError};
use super::super::number::Number;
use super::super::types::Type;
use super::super::value::{Value, check_attr_names, check_tuple_len, mismatch};
use super::unknown;

/// Writing into a `Vec` cannot fail, but rmp's signatures say it may.
pub(super) fn w<T, E: Display>(r: Result<T, E>) -> Result<(), RawError> {
    r.map(|_| ())
        .map_err(|e| RawError::new(format!("msgpack write failed: {e}")))
}

pub(super) fn len_u32(n: usize) -> Result<u32, RawError> {
    u32::try_from(n).map_err(|_| RawError::new("too many elements for msgpack"))
}

pub(super) fn encode(
    out: &mut Vec<u8>,
    value: &Value,
    ty: &Type,
    depth: usize,
) -> Result<(), RawError> {
    if depth > MAX_DEPTH {
        return Err(RawError::new(format!("nesting is deeper than {MAX_DEPTH}")));
    }
    if let Some(msg) = mismatch(value, ty) {
        return Err(RawError::new(msg));
    }
    match (value, ty) {
        (Value::Null, _) => w(rmp::encode::write_nil(out)),
        (Value::Unknown(r), _) => unknown::write_unknown(out, r, ty),
        (Value::Dynamic { ty: inner, value }, _) => {
            // The type travels as its JSON text in a bin, then the value.
            let mut json = Vec::with_capacity(16);
            inner.write_json(&mut json);
            w(rmp::encode::write_array_len(out, 2))?;
            w(rmp::encode::write_bin(out, &json))?;
            encode(out, value, inner, depth + 1)
        }
        (Value::String(s), _) => w(rmp::encode::write_str(out, s)),
        (Value::Number(n), _) => write_number_value(out, n),
        (Value::Bool(b), _) => w(rmp::encode::write_bool(out, *b)),
        (Value::List(vs), Type::List(et)) | (Value::Set(vs), Type::Set(et)) => {
            w(rmp::encode::write_array_len(out, len_u32(vs.len())?))?;
            for (i, v) in vs.iter().enumerate() {
                encode(out, v, et, depth + 1).map_err(|e| e.at(PathStep::Index(i as u64)))?;
            }
            Ok(())
        }
        (Value::Map(m), Type::Map(et)) => {
            w(rmp::encode::write_map_len(out, len_u32(m.len())?))?;
            for (k, v) in m {
                w(rmp::encode::write_str(out, k))?;
                encode(out, v, et, depth + 1).map_err(|e| e.at(PathStep::Key(k.clone())))?;
            }
            Ok(())
        }
        (Value::Object(m), Type::Object(attrs)) => {
            check_attr_names(m, attrs)?;
            w(rmp::encode::write_map_len(out, len_u32(attrs.len())?))?;
            // Same key set, both sorted: walk them together.
            for ((k, v), at) in m.iter().zip(attrs.values()) {
                w(rmp::encode::write_str(out, k))?;
                encode(out, v, at, depth + 1).map_err(|e| e.at(PathStep::Attr(k.clone())))?;
            }
            Ok(())
        }
        (Value::Tuple(vs), Type::Tuple(ets)) => {
            check_tuple_len(vs, ets)?;
            w(rmp::encode::write_array_len(out, len_u32(ets.len())?))?;
            for (i, (v, et)) in vs.iter().zip(ets).enumerate() {
                encode(out, v, et, depth + 1).map_err(|e| e.at(PathStep::Index(i as u64)))?;
            }
            Ok(())
        }
        // `mismatch` has ruled every other pairing out.
        _ => Err(RawError::new(format!(
            "{} is not a value of type {ty}",
            value.kind_name()
        ))),
    }
}

/// A number attribute value: finite numbers go out as their decimal text (a str), which cty's
/// msgpack accepts for any number; ±inf, which has no decimal text, as float64.
///
/// Not go-cty's own choice ([`write_number`]): Terraform 1.11 decodes a
/// msgpack int into a 64-bit big.Float but the state file's JSON into a 512-bit one, and its
/// refresh-only change detection compares the two with deep equality. With ints every refresh
/// of a number attribute "changes" the state and `plan -refresh-only -detailed-exitcode`
/// exits 2 on a healthy connection; decimal text decodes exactly like the JSON.
fn write_number_value(out: &mut Vec<u8>, n: &Number) -> Result<(), RawError> {
    if n.is_infinite() {
        return write_number(out, n);
    }
    w(rmp::encode::write_str(out, &n.to_string()))
}

/// go-cty's choice, kept for refinement bounds: an int if the value is an exact int64, else a
/// float64 if exactly representable (±inf included), else the decimal text as str.
pub(super) fn write_number(out: &mut Vec<u8>, n: &Number) -> Result<(), RawError> {
    if let Some(i) = n.to_i64() {
        return w(rmp::encode::write_sint(out, i));
    }
    if let Some(f) = n.to_f64_exact() {
        return w(rmp::encode::write_f64(out, f));
    }
    w(rmp::encode::write_str(out, &n.to_string()))
}
