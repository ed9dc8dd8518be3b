//! The JSON encoding of cty values (raw state, `DynamicValue.json`).

mod decode;
mod encode;

use serde::de::DeserializeSeed;

use super::error::{DecodeError, EncodeError};
use super::types::Type;
use super::value::Value;

/// Decodes cty JSON typed by `ty`.
///
/// Numbers keep their full precision. Objects: absent attributes are null;
/// attributes not in the type are an error, or dropped if `lenient` (for
/// raw state written by an older schema). Dynamic values are
/// `{"value": …, "type": …}`. As in go-cty, a string may stand for a
/// number or bool (`"12"`, `"true"`) and a number or bool for a string.
/// An empty input is null. Never panics; nesting deeper than
/// [`super::MAX_DEPTH`] is an error.
pub fn decode_json(bytes: &[u8], ty: &Type, lenient: bool) -> Result<Value, DecodeError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let ctx = decode::Ctx::new(lenient);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = decode::Seed {
        ctx: &ctx,
        ty,
        depth: 0,
    };
    match seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
        Ok(v) => Ok(v),
        Err(e) => Err(ctx.take_error(&e).into()),
    }
}

/// Encodes `value` as cty JSON typed by `ty`, as go-cty's `json.Marshal`
/// writes it (attributes sorted, numbers as plain decimals, Go's string
/// escaping). Unknown values and infinities cannot be represented and are
/// errors, as is a value that does not conform to the type.
pub fn encode_json(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(128);
    encode::encode(&mut out, value, ty, 0)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::depth::MAX_DEPTH;
    use super::super::number::Number;
    use super::super::strategies::{ValueOpts, arb_type, arb_typed_value};
    use super::*;
    use proptest::prelude::*;

    fn num(s: &str) -> Value {
        Value::Number(Number::parse(s).unwrap())
    }

    fn dec(json: &str, ty: &Type) -> Value {
        decode_json(json.as_bytes(), ty, false).unwrap()
    }

    fn dec_err(json: &str, ty: &Type) -> String {
        decode_json(json.as_bytes(), ty, false)
            .unwrap_err()
            .to_string()
    }

    fn enc(v: &Value, ty: &Type) -> String {
        String::from_utf8(encode_json(v, ty).unwrap()).unwrap()
    }

    fn state_type() -> Type {
        Type::object([
            ("id", Type::String),
            ("big", Type::Number),
            ("ratio", Type::Number),
            ("tags", Type::map(Type::String)),
            ("ports", Type::set(Type::Number)),
        ])
    }

    #[test]
    fn numbers_keep_full_precision() {
        let json =
            r#"{"big":2323502488275632000000,"id":"x","ports":[1,2.50,1e2],"ratio":0.1,"tags":{}}"#;
        let v = dec(json, &state_type());
        assert_eq!(v.attr("big"), Some(&num("2323502488275632000000")));
        assert_eq!(v.attr("ratio"), Some(&num("0.1")));
        assert_eq!(
            v.attr("ports"),
            Some(&Value::Set(vec![num("1"), num("2.5"), num("100")]))
        );
        assert_eq!(
            enc(&v, &state_type()),
            r#"{"big":2323502488275632000000,"id":"x","ports":[1,2.5,100],"ratio":0.1,"tags":{}}"#
        );
        let huge = "123456789012345678901234567890.000000000000000000000000000001";
        assert_eq!(dec(huge, &Type::Number), num(huge));
        assert_eq!(enc(&num(huge), &Type::Number), huge);
        assert_eq!(dec("-1.5E+3", &Type::Number), num("-1500"));
    }

    #[test]
    fn missing_attributes_are_null_and_unknown_ones_fail_unless_lenient() {
        let ty = state_type();
        let v = dec(r#"{"id":"x"}"#, &ty);
        assert_eq!(v.attr("id"), Some(&Value::string("x")));
        assert_eq!(v.attr("tags"), Some(&Value::Null));
        assert_eq!(v.as_entries().map(BTreeMap::len), Some(5));

        let json = r#"{"id":"x","removed_attr":{"deep":[1,2,{"x":null}]}}"#;
        assert_eq!(
            dec_err(json, &ty),
            r#"unsupported attribute "removed_attr""#
        );
        let lenient = decode_json(json.as_bytes(), &ty, true).unwrap();
        assert_eq!(lenient, v);
    }

    #[test]
    fn whitespace_and_escapes() {
        let v = dec(
            "{ \"id\" :\t\"x\" ,\n \"big\" : -1 , \"t\\u0061gs\" : { \"k\" : \"\\u00e9\" } }",
            &state_type(),
        );
        assert_eq!(v.attr("id"), Some(&Value::string("x")));
        assert_eq!(v.attr("big"), Some(&num("-1")));
        assert_eq!(
            v.attr("tags")
                .and_then(|t| t.as_entries())
                .and_then(|m| m.get("k")),
            Some(&Value::string("é"))
        );
    }

    #[test]
    fn conversions_like_go_cty() {
        assert_eq!(dec(r#""12.5""#, &Type::Number), num("12.5"));
        assert_eq!(dec(r#""true""#, &Type::Bool), Value::Bool(true));
        assert_eq!(dec(r#""0""#, &Type::Bool), Value::Bool(false));
        assert_eq!(dec("true", &Type::String), Value::string("true"));
        assert_eq!(dec("1.50", &Type::String), Value::string("1.50"));
        assert_eq!(
            dec(r#""a\"b\u00e9\n""#, &Type::String),
            Value::string("a\"bé\n")
        );
        assert!(dec_err(r#""yes""#, &Type::Bool).contains("a bool is required"));
        assert!(dec_err(r#""x1""#, &Type::Number).contains("a number is required"));
        assert!(dec_err("true", &Type::Number).contains("a number is required, found a bool"));
    }

    #[test]
    fn dynamic_values_in_either_order() {
        let ty = Type::object([("d", Type::Dynamic)]);
        let want = Value::object([(
            "d",
            Value::dynamic(
                Type::list(Type::Number),
                Value::List(vec![num("1"), num("0.1")]),
            ),
        )]);
        assert_eq!(
            dec(r#"{"d":{"value":[1,0.1],"type":["list","number"]}}"#, &ty),
            want
        );
        assert_eq!(
            dec(r#"{"d":{"type":["list","number"],"value":[1,0.1]}}"#, &ty),
            want
        );
        assert_eq!(
            enc(&want, &ty),
            r#"{"d":{"value":[1,0.1],"type":["list","number"]}}"#
        );
        assert_eq!(
            dec(r#"{"d":null}"#, &ty),
            Value::object([("d", Value::Null)])
        );
        let typed_null = Value::dynamic(Type::String, Value::Null);
        assert_eq!(
            enc(&typed_null, &Type::Dynamic),
            r#"{"value":null,"type":"string"}"#
        );
        assert_eq!(
            dec(r#"{"value":null,"type":"string"}"#, &Type::Dynamic),
            typed_null
        );
        assert_eq!(
            dec(
                r#"{"value":{"value":true,"type":"bool"},"type":"dynamic"}"#,
                &Type::Dynamic
            ),
            Value::dynamic(Type::Bool, Value::Bool(true))
        );
        assert!(dec_err(r#"{"value":1}"#, &Type::Dynamic).contains("missing type"));
        assert!(dec_err(r#"{"type":"string"}"#, &Type::Dynamic).contains("missing value"));
        assert!(dec_err(r#"{"type":"string","x":1}"#, &Type::Dynamic).contains("invalid key"));
        assert!(
            dec_err(r#"{"type":"strin","value":1}"#, &Type::Dynamic).contains("invalid type JSON")
        );
        assert_eq!(
            dec_err(r#"{"d":{"value":[1,"x"],"type":["list","number"]}}"#, &ty),
            r#"at .d[1]: a number is required, found "x""#
        );
    }

    #[test]
    fn errors_carry_paths() {
        let ty = Type::object([("foo", Type::list(Type::map(Type::String)))]);
        assert_eq!(
            dec_err(r#"{"foo":[{},{},{"k":[]}]}"#, &ty),
            r#"at .foo[2]["k"]: a string is required, found an array"#
        );
        assert_eq!(
            dec_err(r#"{"foo":{}}"#, &ty),
            "at .foo: a JSON array for a list is required, found an object"
        );
        let err = dec_err(r#"{"foo":[{"k":"v"}"#, &ty);
        assert!(err.contains("EOF"), "{err}");
        let err = dec_err(r#"{"foo":[{"k":"v"}]} x"#, &ty);
        assert!(err.contains("trailing"), "{err}");
        let tuple = Type::tuple([Type::String, Type::Bool]);
        assert!(dec_err(r#"["a"]"#, &tuple).contains("not enough tuple elements"));
        assert!(dec_err(r#"["a",true,1]"#, &tuple).contains("too many tuple elements"));
        assert!(dec_err("garbage", &tuple).contains("expected"));
        assert_eq!(decode_json(b"", &tuple, false), Ok(Value::Null));
        assert_eq!(dec(" null ", &tuple), Value::Null);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let mut ty = Type::Bool;
        for _ in 0..200 {
            ty = Type::list(ty);
        }
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(decode_json(ok.as_bytes(), &ty, false).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 2), "]".repeat(MAX_DEPTH + 2));
        assert!(dec_err(&deep, &ty).contains("nesting is deeper than 64"));
        let absurd = "[".repeat(100_000);
        assert!(decode_json(absurd.as_bytes(), &ty, false).is_err());
        // Nested dynamic wrappers re-parse their value: still capped.
        let mut nested = String::from("null");
        for _ in 0..100 {
            nested = format!(r#"{{"value":{nested},"type":"dynamic"}}"#);
        }
        assert!(dec_err(&nested, &Type::Dynamic).contains("nesting is deeper"));
    }

    #[test]
    fn encode_errors() {
        let ty = Type::object([("a", Type::Number)]);
        let unknown = Value::object([("a", Value::unknown())]);
        assert_eq!(
            encode_json(&unknown, &ty).unwrap_err().to_string(),
            "at .a: value is not known; unknown values cannot be written as JSON"
        );
        let inf = Value::object([("a", Value::Number(Number::infinity()))]);
        assert!(
            encode_json(&inf, &ty)
                .unwrap_err()
                .to_string()
                .contains("infinite")
        );
        let wrong = Value::object([("a", Value::string("x"))]);
        assert!(encode_json(&wrong, &ty).is_err());
    }

    #[test]
    fn go_style_escaping() {
        let ty = Type::map(Type::String);
        let v = Value::Map(BTreeMap::from([(
            "<k>".to_owned(),
            Value::string("a&b\u{2028}"),
        )]));
        assert_eq!(enc(&v, &ty), r#"{"\u003ck\u003e":"a\u0026b\u2028"}"#);
        assert_eq!(dec(&enc(&v, &ty), &ty), v);
    }

    #[test]
    #[ignore = "timing; run with --release --ignored --nocapture"]
    fn twenty_string_attributes_timing() {
        let ty = Type::Object(
            (0..20)
                .map(|i| (format!("attribute_{i:02}"), Type::String))
                .collect(),
        );
        let v = Value::Object(
            (0..20)
                .map(|i| {
                    (
                        format!("attribute_{i:02}"),
                        Value::string(format!("value-{i}-abcdefghij")),
                    )
                })
                .collect(),
        );
        let bytes = encode_json(&v, &ty).unwrap();
        let rounds = 100_000;
        let t = std::time::Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(encode_json(std::hint::black_box(&v), &ty).unwrap());
        }
        let e = t.elapsed() / rounds;
        let t = std::time::Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(decode_json(std::hint::black_box(&bytes), &ty, false).unwrap());
        }
        let d = t.elapsed() / rounds;
        println!(
            "JSON, 20 string attrs ({} bytes): encode {e:?}, decode {d:?}",
            bytes.len()
        );
    }

    proptest! {
        #![proptest_config(super::super::strategies::config())]

        /// decode(encode(v)) == v for wholly known, finite values.
        #[test]
        fn round_trip((ty, v) in arb_typed_value(ValueOpts::KNOWN_FINITE)) {
            let bytes = encode_json(&v, &ty).unwrap();
            let back = decode_json(&bytes, &ty, false).unwrap();
            prop_assert_eq!(&back, &v);
            prop_assert_eq!(encode_json(&back, &ty).unwrap(), bytes);
        }

        /// The JSON written is standard JSON (serde_json reads it).
        #[test]
        fn output_is_valid_json((ty, v) in arb_typed_value(ValueOpts::KNOWN_FINITE)) {
            let bytes = encode_json(&v, &ty).unwrap();
            prop_assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok());
        }

        /// Arbitrary text never panics the decoder.
        #[test]
        fn garbage_never_panics(ty in arb_type(), s in "[\\[\\]{}\":,0-9a-z.eE+\\- \\\\]{0,80}", lenient in any::<bool>()) {
            let _ = decode_json(s.as_bytes(), &ty, lenient);
        }

        /// Nor do damaged valid documents.
        #[test]
        fn damaged_documents_never_panic(
            (ty, v) in arb_typed_value(ValueOpts::KNOWN_FINITE),
            pos in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let bytes = encode_json(&v, &ty).unwrap();
            let i = pos.index(bytes.len());
            let _ = decode_json(&bytes[..i], &ty, false);
            let mut changed = bytes.clone();
            changed[i] = byte;
            let _ = decode_json(&changed, &ty, true);
        }
    }
}
