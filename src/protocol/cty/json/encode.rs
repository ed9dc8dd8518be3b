//! Value -> cty JSON, as go-cty's `json.Marshal` writes it.

use std::io::Write;

use super::super::depth::MAX_DEPTH;
use super::super::error::{PathStep, RawError};
use super::super::gojson;
use super::super::types::Type;
use super::super::value::{Value, check_attr_names, check_tuple_len, mismatch};

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
        (Value::Null, _) => out.extend_from_slice(b"null"),
        (Value::Unknown(_), _) => {
            return Err(RawError::new(
                "value is not known; unknown values cannot be written as JSON",
            ));
        }
        (Value::Dynamic { ty: inner, value }, _) => {
            out.extend_from_slice(b"{\"value\":");
            encode(out, value, inner, depth + 1)?;
            out.extend_from_slice(b",\"type\":");
            inner.write_json(out);
            out.push(b'}');
        }
        (Value::String(s), _) => gojson::write_str(out, s),
        (Value::Number(n), _) => {
            if n.is_infinite() {
                return Err(RawError::new("infinite numbers cannot be written as JSON"));
            }
            write!(out, "{n}").map_err(|e| RawError::new(e.to_string()))?;
        }
        (Value::Bool(b), _) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        (Value::List(vs), Type::List(et)) | (Value::Set(vs), Type::Set(et)) => {
            out.push(b'[');
            for (i, v) in vs.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                encode(out, v, et, depth + 1).map_err(|e| e.at(PathStep::Index(i as u64)))?;
            }
            out.push(b']');
        }
        (Value::Map(m), Type::Map(et)) => {
            out.push(b'{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                gojson::write_str(out, k);
                out.push(b':');
                encode(out, v, et, depth + 1).map_err(|e| e.at(PathStep::Key(k.clone())))?;
            }
            out.push(b'}');
        }
        (Value::Object(m), Type::Object(attrs)) => {
            check_attr_names(m, attrs)?;
            out.push(b'{');
            // Same key set, both sorted: walk them together.
            for (i, ((k, v), at)) in m.iter().zip(attrs.values()).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                gojson::write_str(out, k);
                out.push(b':');
                encode(out, v, at, depth + 1).map_err(|e| e.at(PathStep::Attr(k.clone())))?;
            }
            out.push(b'}');
        }
        (Value::Tuple(vs), Type::Tuple(ets)) => {
            check_tuple_len(vs, ets)?;
            out.push(b'[');
            for (i, (v, et)) in vs.iter().zip(ets).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                encode(out, v, et, depth + 1).map_err(|e| e.at(PathStep::Index(i as u64)))?;
            }
            out.push(b']');
        }
        // `mismatch` has ruled every other pairing out.
        _ => {
            return Err(RawError::new(format!(
                "{} is not a value of type {ty}",
                value.kind_name()
            )));
        }
    }
    Ok(())
}
