//! Unknown values on the msgpack wire: `d4 00 00`, or ext 12 whose payload
//! is a map of refinements (go-cty cty/msgpack/unknown.go).

use rmp::Marker;

use super::super::error::RawError;
use super::super::number::Number;
use super::super::refinements::Refinements;
use super::super::types::Type;
use super::super::value::Value;
use super::decode::{Decoder, eof, marker_name};
use super::encode::{len_u32, w, write_number};

/// Ext type code of a refined unknown.
pub(super) const REFINED_UNKNOWN_EXT: i8 = 0x0c;
/// What Terraform (go-cty) accepts as a refinement payload.
pub(super) const MAX_REFINEMENT_PAYLOAD: usize = 1024;

const KEY_NULLNESS: i64 = 1;
const KEY_STRING_PREFIX: i64 = 2;
const KEY_NUMBER_MIN: i64 = 3;
const KEY_NUMBER_MAX: i64 = 4;
const KEY_LENGTH_MIN: i64 = 5;
const KEY_LENGTH_MAX: i64 = 6;

/// The standard wholly unknown value: fixext1, type 0, one zero byte.
const WHOLLY_UNKNOWN: [u8; 3] = [0xd4, 0, 0];

fn bad_payload(why: &str) -> RawError {
    RawError::new(format!("invalid unknown value refinements: {why}"))
}

/// Reads an extension value (the caller has peeked an ext marker).
pub(super) fn read_unknown(d: &mut Decoder<'_>, ty: &Type) -> Result<Value, RawError> {
    let meta = rmp::decode::read_ext_meta(&mut d.rest).map_err(|_| eof())?;
    let size = meta.size as usize;
    if size <= 1 {
        // No room for refinements: wholly unknown whatever the type code.
        d.take(size)?;
        return Ok(Value::unknown());
    }
    if meta.typeid != REFINED_UNKNOWN_EXT {
        return Err(RawError::new(format!(
            "unsupported extension type 0x{:02x} with length {size}",
            meta.typeid
        )));
    }
    if size > MAX_REFINEMENT_PAYLOAD {
        return Err(RawError::new("oversize unknown value refinement"));
    }
    let payload = d.take(size)?;
    read_refinements(payload, ty)
}

fn read_refinements(payload: &[u8], ty: &Type) -> Result<Value, RawError> {
    let mut p = Decoder::new(payload);
    let marker = p.peek()?;
    let n = p
        .map_len(marker, "a refinement map")
        .map_err(|_| bad_payload("not a map"))?;
    if matches!(ty, Type::Dynamic) {
        // go-cty ignores refinements of untyped unknowns.
        return Ok(Value::unknown());
    }
    let mut r = Refinements::default();
    let mut definitely_null = false;
    for _ in 0..n {
        // A map cut short reports the end of input, not a bad key.
        p.peek()?;
        let key = read_i64(&mut p).map_err(|_| bad_payload("non-integer key"))?;
        match key {
            KEY_NULLNESS => match p.peek()? {
                m @ (Marker::True | Marker::False) => {
                    p.take(1)?;
                    // `true` (definitely null) makes the value a known null,
                    // as cty's refinement builder does.
                    definitely_null = m == Marker::True;
                    r.not_null = m == Marker::False;
                }
                m => return Err(bad_payload(&format!("nullness is {}", marker_name(m)))),
            },
            KEY_STRING_PREFIX => {
                if !matches!(ty, Type::String) {
                    return Err(bad_payload("string prefix for a non-string type"));
                }
                let m = p.peek()?;
                let prefix = p
                    .str_ref(m, "a string prefix")
                    .map_err(|e| bad_payload(e.message()))?;
                r.string_prefix = Some(prefix.to_owned()).filter(|s| !s.is_empty());
            }
            KEY_NUMBER_MIN | KEY_NUMBER_MAX => {
                if !matches!(ty, Type::Number) {
                    return Err(bad_payload("number bound for a non-number type"));
                }
                let bound = read_number_bound(&mut p)
                    .map_err(|e| bad_payload(&format!("number bound: {}", e.message())))?;
                if key == KEY_NUMBER_MIN {
                    r.number_lower = Some(bound);
                } else {
                    r.number_upper = Some(bound);
                }
            }
            KEY_LENGTH_MIN | KEY_LENGTH_MAX => {
                if !ty.is_collection() {
                    return Err(bad_payload("length bound for a non-collection type"));
                }
                let bound = read_i64(&mut p)
                    .ok()
                    .and_then(|b| u64::try_from(b).ok())
                    .ok_or_else(|| bad_payload("length bound must be a non-negative integer"))?;
                if key == KEY_LENGTH_MIN {
                    r.length_lower = Some(bound).filter(|&b| b > 0);
                } else {
                    r.length_upper = Some(bound);
                }
            }
            // Unknown keys are for future refinements: skip their value.
            _ => p.skip_value()?,
        }
    }
    // Bytes after the map are ignored, as go-cty does (room for later use).
    if definitely_null {
        return Ok(Value::Null);
    }
    Ok(Value::unknown_refined(r))
}

fn read_i64(p: &mut Decoder<'_>) -> Result<i64, RawError> {
    rmp::decode::read_int::<i64, _>(&mut p.rest).map_err(|_| eof())
}

/// `[number, bool]`: the bound and whether it is inclusive.
fn read_number_bound(p: &mut Decoder<'_>) -> Result<(Number, bool), RawError> {
    let m = p.peek()?;
    if p.array_len(m, "a [number, bool] array")? != 2 {
        return Err(RawError::new("a [number, bool] array is required"));
    }
    let m = p.peek()?;
    let n = p.number(m)?;
    let inclusive = match p.peek()? {
        m @ (Marker::True | Marker::False) => {
            p.take(1)?;
            m == Marker::True
        }
        m => {
            return Err(RawError::new(format!(
                "inclusive flag is {}",
                marker_name(m)
            )));
        }
    };
    Ok((n, inclusive))
}

/// Writes an unknown value of type `ty`; refinements must suit the type
/// (checked by the caller).
pub(super) fn write_unknown(out: &mut Vec<u8>, r: &Refinements, ty: &Type) -> Result<(), RawError> {
    if matches!(ty, Type::Dynamic) || r.is_empty() {
        out.extend_from_slice(&WHOLLY_UNKNOWN);
        return Ok(());
    }
    // Entries in go-cty's order: nullness, then the type's own keys.
    let mut body = Vec::with_capacity(32);
    let mut count = 0usize;
    if r.not_null {
        count += 1;
        w(rmp::encode::write_sint(&mut body, KEY_NULLNESS))?;
        w(rmp::encode::write_bool(&mut body, false))?;
    }
    match ty {
        Type::Number => {
            for (key, bound) in [
                (KEY_NUMBER_MIN, &r.number_lower),
                (KEY_NUMBER_MAX, &r.number_upper),
            ] {
                if let Some((n, inclusive)) = bound {
                    count += 1;
                    w(rmp::encode::write_sint(&mut body, key))?;
                    w(rmp::encode::write_array_len(&mut body, 2))?;
                    write_number(&mut body, n)?;
                    w(rmp::encode::write_bool(&mut body, *inclusive))?;
                }
            }
        }
        Type::String => {
            if let Some(prefix) = r.wire_prefix() {
                count += 1;
                w(rmp::encode::write_sint(&mut body, KEY_STRING_PREFIX))?;
                w(rmp::encode::write_str(&mut body, prefix))?;
            }
        }
        Type::List(_) | Type::Set(_) | Type::Map(_) => {
            for (key, bound) in [
                (KEY_LENGTH_MIN, r.length_lower.filter(|&n| n > 0)),
                (KEY_LENGTH_MAX, r.length_upper),
            ] {
                if let Some(n) = bound {
                    let n = i64::try_from(n)
                        .map_err(|_| RawError::new("length bound refinement exceeds i64::MAX"))?;
                    count += 1;
                    w(rmp::encode::write_sint(&mut body, key))?;
                    w(rmp::encode::write_sint(&mut body, n))?;
                }
            }
        }
        _ => {}
    }
    if count == 0 {
        // Never an empty map: that is what the plain form is for.
        out.extend_from_slice(&WHOLLY_UNKNOWN);
        return Ok(());
    }
    let mut header = Vec::with_capacity(5);
    w(rmp::encode::write_map_len(&mut header, len_u32(count)?))?;
    let payload_len = header.len() + body.len();
    if payload_len > MAX_REFINEMENT_PAYLOAD {
        return Err(RawError::new(
            "unknown value refinements exceed the 1024 bytes Terraform accepts",
        ));
    }
    w(rmp::encode::write_ext_meta(
        out,
        len_u32(payload_len)?,
        REFINED_UNKNOWN_EXT,
    ))?;
    out.extend_from_slice(&header);
    out.extend_from_slice(&body);
    Ok(())
}
