//! The msgpack encoding of cty values (`DynamicValue.msgpack`).

mod decode;
mod encode;
mod unknown;

use super::error::{DecodeError, EncodeError, RawError};
use super::types::Type;
use super::value::Value;

/// Decodes a msgpack `DynamicValue` typed by `ty`.
///
/// An empty input is null (Terraform treats an empty `DynamicValue` so).
/// Accepts every form go-cty reads: unknowns as any extension, numbers in
/// any int/float width or as decimal text, strings as str or bin, dynamic
/// values as `[type JSON, value]`. Trailing bytes after the value are an
/// error. Never panics; nesting deeper than [`super::MAX_DEPTH`] is an
/// error.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut d = decode::Decoder::new(bytes);
    let v = d.value(ty, 0)?;
    if !d.rest.is_empty() {
        return Err(
            RawError::new(format!("{} unexpected bytes after the value", d.rest.len())).into(),
        );
    }
    Ok(v)
}

/// Encodes `value` as msgpack typed by `ty`, producing the bytes go-cty's
/// `msgpack.Marshal` produces. Fails, with the path, if the value does not
/// conform to the type (see [`Value::check_type`]).
pub fn encode_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(128);
    encode::encode(&mut out, value, ty, 0)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::depth::MAX_DEPTH;
    use super::super::number::Number;
    use super::super::refinements::Refinements;
    use super::super::strategies::{ValueOpts, arb_type, arb_typed_value};
    use super::*;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn num(s: &str) -> Value {
        Value::Number(Number::parse(s).unwrap())
    }

    fn dec(bytes: &[u8], ty: &Type) -> Value {
        decode_msgpack(bytes, ty).unwrap()
    }

    fn dec_err(bytes: &[u8], ty: &Type) -> String {
        decode_msgpack(bytes, ty).unwrap_err().to_string()
    }

    fn enc(v: &Value, ty: &Type) -> Vec<u8> {
        encode_msgpack(v, ty).unwrap()
    }

    // --- refined unknowns, byte for byte (ext type 12) ------------------

    #[test]
    fn not_null_unknown_string() {
        let v = Value::unknown_refined(Refinements::not_null());
        let bytes = hex("c7 03 0c 81 01 c2");
        assert_eq!(enc(&v, &Type::String), bytes);
        assert_eq!(dec(&bytes, &Type::String), v);
    }

    #[test]
    fn not_null_prefixed_unknown_string() {
        let v = Value::unknown_refined(Refinements {
            not_null: true,
            string_prefix: Some("ab-".into()),
            ..Refinements::default()
        });
        let bytes = hex("d7 0c 82 01 c2 02 a3 61 62 2d");
        assert_eq!(enc(&v, &Type::String), bytes);
        assert_eq!(dec(&bytes, &Type::String), v);
    }

    #[test]
    fn non_negative_unknown_number() {
        let v = Value::unknown_refined(Refinements {
            not_null: true,
            number_lower: Some((Number::from(0), true)),
            ..Refinements::default()
        });
        let bytes = hex("c7 07 0c 82 01 c2 03 92 00 c3");
        assert_eq!(enc(&v, &Type::Number), bytes);
        assert_eq!(dec(&bytes, &Type::Number), v);
    }

    #[test]
    fn wholly_unknown_forms() {
        assert_eq!(enc(&Value::unknown(), &Type::String), hex("d4 00 00"));
        // No refinement worth writing: still the plain form, never `80`.
        let zero_length = Value::unknown_refined(Refinements {
            length_lower: Some(0),
            ..Refinements::default()
        });
        assert_eq!(
            enc(&zero_length, &Type::list(Type::String)),
            hex("d4 00 00")
        );
        let empty_prefix = Value::unknown_refined(Refinements {
            string_prefix: Some(String::new()),
            ..Refinements::default()
        });
        assert_eq!(enc(&empty_prefix, &Type::String), hex("d4 00 00"));
        // Refinements on dynamic are dropped, as go-cty does.
        assert_eq!(
            enc(
                &Value::unknown_refined(Refinements::not_null()),
                &Type::Dynamic
            ),
            hex("d4 00 00")
        );
        // Any ext with a payload of at most one byte is wholly unknown.
        for bytes in [
            "d4 00 00",
            "d4 05 07",
            "d4 ff 00",
            "c7 00 00",
            "c7 00 0c",
            "c7 01 2a 00",
        ] {
            assert_eq!(dec(&hex(bytes), &Type::Number), Value::unknown(), "{bytes}");
            assert_eq!(
                dec(&hex(bytes), &Type::Dynamic),
                Value::unknown(),
                "{bytes}"
            );
        }
    }

    #[test]
    fn other_refinements() {
        let list = Type::list(Type::String);
        let v = Value::unknown_refined(Refinements {
            not_null: true,
            length_lower: Some(1),
            length_upper: Some(300),
            ..Refinements::default()
        });
        // Three entries; 300 is a uint16 (cd 01 2c).
        let bytes = hex("c7 09 0c 83 01 c2 05 01 06 cd 01 2c");
        assert_eq!(enc(&v, &list), bytes);
        assert_eq!(dec(&bytes, &list), v);

        let bounds = Value::unknown_refined(Refinements {
            number_lower: Some((Number::parse("-1.5").unwrap(), false)),
            number_upper: Some((Number::parse("0.1").unwrap(), true)),
            ..Refinements::default()
        });
        let bytes = enc(&bounds, &Type::Number);
        assert_eq!(
            bytes,
            [hex(
                "c7 14 0c 82 03 92 cb bf f8 00 00 00 00 00 00 c2 04 92 a3 30 2e 31 c3"
            ),]
            .concat()
        );
        assert_eq!(dec(&bytes, &Type::Number), bounds);
    }

    #[test]
    fn refinement_decoding_edge_cases() {
        // Unknown keys are skipped, whatever their value's shape.
        let bytes = hex("c7 0a 0c 83 09 92 a1 78 80 01 c2 07 c0");
        assert_eq!(
            dec(&bytes, &Type::String),
            Value::unknown_refined(Refinements::not_null())
        );
        // ... including extension values and nested containers.
        let bytes = hex("c7 0d 0c 83 09 d4 00 00 0a 91 c7 01 05 00 01 c2");
        assert_eq!(
            dec(&bytes, &Type::String),
            Value::unknown_refined(Refinements::not_null())
        );
        // Trailing payload bytes after the map are ignored.
        assert_eq!(
            dec(&hex("c7 04 0c 81 01 c2 ff"), &Type::Bool),
            Value::unknown_refined(Refinements::not_null())
        );
        // "Definitely null" collapses to null, as in cty.
        assert_eq!(dec(&hex("c7 03 0c 81 01 c3"), &Type::String), Value::Null);
        // Refinements of dynamic unknowns are ignored entirely.
        assert_eq!(
            dec(&hex("c7 03 0c 81 02 c2"), &Type::Dynamic),
            Value::unknown()
        );
        // Numbers in bounds may use any encoding.
        let v = dec(
            &hex("c7 0a 0c 81 04 92 a5 31 65 2b 31 30 c2"),
            &Type::Number,
        );
        assert_eq!(
            v.refinements().unwrap().number_upper,
            Some((Number::from(10_000_000_000i64), false))
        );
        for (bytes, ty, why) in [
            (
                "c7 03 0c 81 02 c2",
                Type::Bool,
                "string prefix for a non-string",
            ),
            (
                "c7 03 0c 81 05 01",
                Type::String,
                "length bound for a non-collection",
            ),
            (
                "c7 03 0c 81 03 01",
                Type::Bool,
                "number bound for a non-number",
            ),
            ("c7 02 0c 91 01", Type::String, "not a map"),
            ("c7 03 0c 81 a1 78", Type::String, "non-integer key"),
            ("c7 03 0c 81 01 01", Type::String, "nullness is an integer"),
            (
                "d5 03 00 00",
                Type::String,
                "unsupported extension type 0x03 with length 2",
            ),
            ("c7 03 0c 82 01 c2", Type::String, "unexpected end"),
        ] {
            let err = dec_err(&hex(bytes), &ty);
            assert!(err.contains(why), "{bytes}: {err}");
        }
        let neg_len = hex("c7 03 0c 81 05 ff");
        assert!(dec_err(&neg_len, &Type::set(Type::Bool)).contains("non-negative"));
        // Payloads above 1 KiB are rejected before being read.
        let mut big = hex("c8 04 01 0c");
        big.extend(std::iter::repeat_n(0u8, 1025));
        assert!(dec_err(&big, &Type::String).contains("oversize"));
        let mut ok = hex("c8 04 00 0c 81 01 c2");
        ok.extend(std::iter::repeat_n(0u8, 1021));
        assert_eq!(
            dec(&ok, &Type::String),
            Value::unknown_refined(Refinements::not_null())
        );
    }

    #[test]
    fn long_prefix_is_truncated_on_encode() {
        let v = Value::unknown_refined(Refinements {
            string_prefix: Some("x".repeat(2000)),
            ..Refinements::default()
        });
        let bytes = enc(&v, &Type::String);
        let back = dec(&bytes, &Type::String);
        assert_eq!(
            back.refinements().unwrap().string_prefix.as_deref(),
            Some("x".repeat(256).as_str())
        );
    }

    // --- DynamicPseudoType: [type JSON, value] pairs ------------------------

    #[test]
    fn dynamic_string() {
        let v = Value::dynamic(Type::String, Value::string("hi"));
        let bytes = hex("92 c4 08 22 73 74 72 69 6e 67 22 a2 68 69");
        assert_eq!(enc(&v, &Type::Dynamic), bytes);
        assert_eq!(dec(&bytes, &Type::Dynamic), v);
        // The type JSON may also come as str.
        let as_str = hex("92 a8 22 73 74 72 69 6e 67 22 a2 68 69");
        assert_eq!(dec(&as_str, &Type::Dynamic), v);
    }

    #[test]
    fn dynamic_nulls_and_unknowns() {
        let typed_null = Value::dynamic(Type::String, Value::Null);
        let bytes = hex("92 c4 08 22 73 74 72 69 6e 67 22 c0");
        assert_eq!(enc(&typed_null, &Type::Dynamic), bytes);
        assert_eq!(dec(&bytes, &Type::Dynamic), typed_null);
        assert_eq!(enc(&Value::Null, &Type::Dynamic), hex("c0"));
        assert_eq!(dec(&hex("c0"), &Type::Dynamic), Value::Null);
        assert_eq!(enc(&Value::unknown(), &Type::Dynamic), hex("d4 00 00"));
        // A typed unknown keeps its refinements inside the wrapper.
        let typed_unknown = Value::dynamic(
            Type::String,
            Value::unknown_refined(Refinements::not_null()),
        );
        let bytes = enc(&typed_unknown, &Type::Dynamic);
        assert_eq!(
            bytes,
            hex("92 c4 08 22 73 74 72 69 6e 67 22 c7 03 0c 81 01 c2")
        );
        assert_eq!(dec(&bytes, &Type::Dynamic), typed_unknown);
        // A wrapper typed "dynamic" is flattened.
        let nested = hex("92 a9 22 64 79 6e 61 6d 69 63 22 92 a6 22 62 6f 6f 6c 22 c3");
        assert_eq!(
            dec(&nested, &Type::Dynamic),
            Value::dynamic(Type::Bool, Value::Bool(true))
        );
    }

    #[test]
    fn dynamic_object_in_schema() {
        let ty = Type::object([("id", Type::String), ("extra", Type::Dynamic)]);
        let obj_ty = Type::object([("n", Type::Number), ("tags", Type::list(Type::String))]);
        let v = Value::object([
            ("id", Value::string("x")),
            (
                "extra",
                Value::dynamic(
                    obj_ty.clone(),
                    Value::object([
                        ("n", num("0.1")),
                        ("tags", Value::List(vec![Value::string("a")])),
                    ]),
                ),
            ),
        ]);
        let bytes = enc(&v, &ty);
        let type_json = obj_ty.to_json();
        let mut expected = hex("82 a5 65 78 74 72 61 92 c4");
        expected.push(type_json.len() as u8);
        expected.extend_from_slice(type_json.as_bytes());
        expected.extend(hex(
            "82 a1 6e a3 30 2e 31 a4 74 61 67 73 91 a1 61 a2 69 64 a1 78",
        ));
        assert_eq!(bytes, expected);
        assert_eq!(dec(&bytes, &ty), v);
    }

    #[test]
    fn dynamic_errors() {
        assert!(
            dec_err(&hex("93 a8 22 73 74 72 69 6e 67 22 c0 c0"), &Type::Dynamic)
                .contains("exactly two elements")
        );
        assert!(dec_err(&hex("92 a3 22 78 22 c0"), &Type::Dynamic).contains("invalid type JSON"));
        assert!(dec_err(&hex("a2 68 69"), &Type::Dynamic).contains("dynamic value"));
        assert!(dec_err(&hex("92 01 c0"), &Type::Dynamic).contains("the type of a dynamic value"));
        // Encoding: a dynamic position needs the type with the value.
        let err = encode_msgpack(&Value::string("x"), &Type::Dynamic).unwrap_err();
        assert!(err.to_string().contains("Value::Dynamic"), "{err}");
    }

    // --- numbers -------------------------------------------------------------

    #[test]
    fn numbers_in_every_width() {
        let cases: &[(&str, &str)] = &[
            ("05", "5"),
            ("7f", "127"),
            ("ff", "-1"),
            ("e0", "-32"),
            ("cc ff", "255"),
            ("cd 01 00", "256"),
            ("ce 00 01 00 00", "65536"),
            ("cf ff ff ff ff ff ff ff ff", "18446744073709551615"),
            ("cf 00 00 00 00 00 00 00 07", "7"),
            ("d0 80", "-128"),
            ("d0 05", "5"),
            ("d1 80 00", "-32768"),
            ("d2 80 00 00 00", "-2147483648"),
            ("d3 80 00 00 00 00 00 00 00", "-9223372036854775808"),
            ("ca 3f c0 00 00", "1.5"),
            ("ca 3d cc cc cd", "0.100000001490116119384765625"),
            ("cb 3f f8 00 00 00 00 00 00", "1.5"),
            (
                "cb 3f b9 99 99 99 99 99 9a",
                "0.1000000000000000055511151231257827021181583404541015625",
            ),
            ("cb 40 00 00 00 00 00 00 00", "2"),
            ("a3 30 2e 31", "0.1"),
            ("a4 33 2e 31 34", "3.14"),
            (
                "b6 32 33 32 33 35 30 32 34 38 38 32 37 35 36 33 32 30 30 30 30 30 30",
                "2323502488275632000000",
            ),
            ("c4 03 31 65 33", "1000"),
            ("a5 2d 30 2e 35 30", "-0.5"),
        ];
        for (bytes, want) in cases {
            assert_eq!(dec(&hex(bytes), &Type::Number), num(want), "{bytes}");
        }
        let inf = dec(&hex("cb 7f f0 00 00 00 00 00 00"), &Type::Number);
        assert_eq!(inf, Value::Number(Number::infinity()));
        let neg_inf = dec(&hex("ca ff 80 00 00"), &Type::Number);
        assert_eq!(neg_inf, Value::Number(Number::neg_infinity()));
        assert!(dec_err(&hex("cb 7f f8 00 00 00 00 00 01"), &Type::Number).contains("NaN"));
        assert!(dec_err(&hex("a3 61 62 63"), &Type::Number).contains("a number is required"));
        assert!(dec_err(&hex("c3"), &Type::Number).contains("a number is required, found a bool"));
    }

    /// Decodes every form go-cty writes; encodes values as decimal text (see `write_number_value`
    /// in encode.rs for why), ±inf as float64.
    #[test]
    fn numbers_decode_from_go_cty_forms_and_encode_as_decimal_text() {
        let cases: &[(&str, &str)] = &[
            ("0", "00"),
            ("127", "7f"),
            ("128", "cc 80"),
            ("-1", "ff"),
            ("-33", "d0 df"),
            ("65535", "cd ff ff"),
            ("-32769", "d2 ff ff 7f ff"),
            ("4294967296", "cf 00 00 00 01 00 00 00 00"),
            ("-9223372036854775808", "d3 80 00 00 00 00 00 00 00"),
            ("1.000", "01"),
            ("1.5", "cb 3f f8 00 00 00 00 00 00"),
            ("-0.25", "cb bf d0 00 00 00 00 00 00"),
            // 2^64: not an int64 but an exact float64.
            ("18446744073709551616", "cb 43 f0 00 00 00 00 00 00"),
            ("0.1", "a3 30 2e 31"),
            ("3.14", "a4 33 2e 31 34"),
            (
                "18446744073709551615",
                "b4 31 38 34 34 36 37 34 34 30 37 33 37 30 39 35 35 31 36 31 35",
            ),
            (
                "2323502488275632000000",
                "b6 32 33 32 33 35 30 32 34 38 38 32 37 35 36 33 32 30 30 30 30 30 30",
            ),
            ("+Inf", "cb 7f f0 00 00 00 00 00 00"),
            ("-Inf", "cb ff f0 00 00 00 00 00 00"),
        ];
        for (n, bytes) in cases {
            assert_eq!(dec(&hex(bytes), &Type::Number), num(n), "{n}");
            let encoded = enc(&num(n), &Type::Number);
            if n.ends_with("Inf") {
                assert_eq!(encoded, hex(bytes), "{n}");
            } else {
                let mut text = Vec::new();
                let decimal = num(n).as_number().unwrap().to_string();
                rmp::encode::write_str(&mut text, &decimal).unwrap();
                assert_eq!(encoded, text, "{n}");
            }
            assert_eq!(dec(&encoded, &Type::Number), num(n), "{n}");
        }
    }

    // --- strings, collections, objects ---------------------------------------

    #[test]
    fn strings_from_str_and_bin() {
        assert_eq!(dec(&hex("a2 68 69"), &Type::String), Value::string("hi"));
        assert_eq!(dec(&hex("c4 02 68 69"), &Type::String), Value::string("hi"));
        assert_eq!(dec(&hex("d9 02 68 69"), &Type::String), Value::string("hi"));
        assert!(dec_err(&hex("a2 ff fe"), &Type::String).contains("UTF-8"));
        let long = "y".repeat(40);
        let bytes = enc(&Value::string(&long), &Type::String);
        assert_eq!(&bytes[..2], &[0xd9, 40]);
        assert_eq!(dec(&bytes, &Type::String), Value::string(long));
    }

    #[test]
    fn object_encoding_is_sorted_and_complete() {
        let ty = Type::object([
            ("b", Type::Bool),
            ("a", Type::String),
            ("c", Type::map(Type::Number)),
        ]);
        let v = Value::object([
            (
                "c",
                Value::Map(BTreeMap::from([("k".to_owned(), num("1"))])),
            ),
            ("a", Value::Null),
            ("b", Value::Bool(true)),
        ]);
        let bytes = enc(&v, &ty);
        // (the number 1 goes out as its decimal text "1": see write_number_value)
        assert_eq!(bytes, hex("83 a1 61 c0 a1 62 c3 a1 63 81 a1 6b a1 31"));
        // Any key order is accepted on decode.
        assert_eq!(dec(&hex("83 a1 63 81 a1 6b 01 a1 62 c3 a1 61 c0"), &ty), v);
    }

    #[test]
    fn collections() {
        let ty = Type::object([
            ("l", Type::list(Type::String)),
            ("s", Type::set(Type::Number)),
            ("t", Type::tuple([Type::String, Type::Bool])),
            ("m", Type::map(Type::Bool)),
        ]);
        let v = Value::object([
            ("l", Value::List(vec![Value::string("a"), Value::Null])),
            ("s", Value::Set(vec![num("2"), num("1")])),
            (
                "t",
                Value::Tuple(vec![Value::string("x"), Value::unknown()]),
            ),
            ("m", Value::Map(BTreeMap::new())),
        ]);
        let bytes = enc(&v, &ty);
        assert_eq!(dec(&bytes, &ty), v);
        // Set duplicates collapse on decode (1 == 1.0).
        let set = dec(
            &hex("93 01 cb 3f f0 00 00 00 00 00 00 02"),
            &Type::set(Type::Number),
        );
        assert_eq!(set, Value::Set(vec![num("1"), num("2")]));
        // Sets compare as multisets.
        assert_eq!(set, Value::Set(vec![num("2"), num("1")]));
    }

    #[test]
    fn empty_input_is_null_and_trailing_bytes_fail() {
        let ty = Type::object([("a", Type::String)]);
        assert_eq!(dec(&[], &ty), Value::Null);
        assert_eq!(dec(&hex("c0"), &ty), Value::Null);
        assert!(dec_err(&hex("c0 c0"), &ty).contains("1 unexpected bytes"));
    }

    // --- decode errors -------------------------------------------------------

    fn schema() -> Type {
        Type::object([
            ("foo", Type::list(Type::map(Type::String))),
            ("id", Type::String),
        ])
    }

    #[test]
    fn error_wrong_type_with_path() {
        // {"foo": [{}, {}, {"k": 5}], "id": "x"}
        let bytes = hex("82 a3 66 6f 6f 93 80 80 81 a1 6b 05 a2 69 64 a1 78");
        assert_eq!(
            dec_err(&bytes, &schema()),
            r#"at .foo[2]["k"]: a string is required, found an integer"#
        );
        assert_eq!(
            dec_err(&hex("a1 78"), &schema()),
            "an object is required, found a string"
        );
        assert_eq!(
            dec_err(
                &hex("81 a2 69 64 91 c0"),
                &Type::object([("id", Type::Bool)])
            ),
            "at .id: a bool is required, found an array"
        );
    }

    #[test]
    fn error_missing_and_extra_attributes() {
        assert_eq!(
            dec_err(&hex("81 a2 69 64 a1 78"), &schema()),
            r#"missing attribute "foo""#
        );
        assert_eq!(
            dec_err(&hex("80"), &schema()),
            r#"missing attributes "foo", "id""#
        );
        assert_eq!(
            dec_err(
                &hex("83 a2 69 64 a1 78 a3 66 6f 6f c0 a3 62 61 72 c0"),
                &schema()
            ),
            r#"unsupported attribute "bar""#
        );
        assert_eq!(
            dec_err(&hex("82 a2 69 64 a1 78 a2 69 64 a1 78"), &schema()),
            r#"duplicate attribute "id""#
        );
        assert!(dec_err(&hex("81 01 c0"), &schema()).contains("a string key is required"));
        // A huge announced size is no problem: the first bad key stops it.
        assert!(
            dec_err(&hex("df ff ff ff ff a2 69 64 a1 78 a2 69 64"), &schema())
                .contains("duplicate")
        );
    }

    #[test]
    fn error_tuple_length() {
        let ty = Type::tuple([Type::String, Type::String]);
        assert_eq!(
            dec_err(&hex("91 a1 61"), &ty),
            "a tuple of 2 elements is required (1 given)"
        );
        assert_eq!(
            dec_err(&hex("90"), &ty),
            "a tuple of 2 elements is required (0 given)"
        );
        // Counts agree in number.
        assert_eq!(
            dec_err(&hex("92 a1 61 a1 62"), &Type::tuple([Type::String])),
            "a tuple of 1 element is required (2 given)"
        );
    }

    #[test]
    fn error_truncated_input() {
        let full = enc(
            &Value::object([
                (
                    "foo",
                    Value::List(vec![Value::Map(BTreeMap::from([(
                        "k".to_owned(),
                        Value::string("v"),
                    )]))]),
                ),
                ("id", Value::string("abc")),
            ]),
            &schema(),
        );
        for cut in 1..full.len() {
            let err = decode_msgpack(&full[..cut], &schema()).unwrap_err();
            assert!(err.message().contains("unexpected end"), "{cut}: {err}");
        }
        // Length prefixes far beyond the input do not allocate or panic.
        assert!(
            dec_err(&hex("dd ff ff ff ff"), &Type::list(Type::Bool)).contains("unexpected end")
        );
        assert!(dec_err(&hex("db ff ff ff ff 61"), &Type::String).contains("unexpected end"));
        assert!(dec_err(&hex("c9 ff ff ff ff 0c"), &Type::String).contains("oversize"));
        assert!(dec_err(&hex("c9 00 00 00 05 0c 81"), &Type::String).contains("unexpected end"));
    }

    #[test]
    fn error_deep_nesting() {
        let mut ty = Type::Bool;
        for _ in 0..MAX_DEPTH + 5 {
            ty = Type::list(ty);
        }
        let mut ok = vec![0x91; MAX_DEPTH];
        ok.push(0x90);
        assert!(decode_msgpack(&ok, &ty).is_ok());
        let mut deep = vec![0x91; MAX_DEPTH + 1];
        deep.push(0x90);
        assert!(dec_err(&deep, &ty).contains("nesting is deeper than 64"));
        // Dynamic values can nest without a deep schema type.
        let mut nested = Vec::new();
        for _ in 0..10_000 {
            nested.extend(hex("92 a9 22 64 79 6e 61 6d 69 63 22"));
        }
        nested.push(0xc0);
        assert!(dec_err(&nested, &Type::Dynamic).contains("nesting is deeper"));
        // Encoding is capped the same way.
        let mut v = Value::List(vec![]);
        for _ in 0..MAX_DEPTH + 1 {
            v = Value::List(vec![v]);
        }
        assert!(
            encode_msgpack(&v, &ty)
                .unwrap_err()
                .message()
                .contains("deeper")
        );
    }

    #[test]
    fn error_garbage() {
        for bytes in ["c1", "ff", "c3", "90", "80", "a1 61"] {
            let r = decode_msgpack(&hex(bytes), &schema());
            assert!(r.is_err() || r == Ok(Value::Null), "{bytes}");
        }
        assert!(dec_err(&hex("c1"), &Type::String).contains("reserved byte"));
    }

    #[test]
    fn encode_rejects_nonconforming_values_with_path() {
        let v = Value::object([
            (
                "foo",
                Value::List(vec![Value::Map(BTreeMap::from([(
                    "k".to_owned(),
                    num("1"),
                )]))]),
            ),
            ("id", Value::string("x")),
        ]);
        assert_eq!(
            encode_msgpack(&v, &schema()).unwrap_err().to_string(),
            r#"at .foo[0]["k"]: a number is not a value of type "string""#
        );
        let missing = Value::object([("id", Value::string("x"))]);
        assert_eq!(
            encode_msgpack(&missing, &schema()).unwrap_err().to_string(),
            r#"missing attribute "foo""#
        );
        let bad_refinement = Value::unknown_refined(Refinements {
            length_upper: Some(1),
            ..Refinements::default()
        });
        assert!(encode_msgpack(&bad_refinement, &Type::String).is_err());
    }

    // --- performance smoke test ---------------------------------------------

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
        let bytes = enc(&v, &ty);
        let rounds = 100_000;
        let t = std::time::Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(encode_msgpack(std::hint::black_box(&v), &ty).unwrap());
        }
        let e = t.elapsed() / rounds;
        let t = std::time::Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(decode_msgpack(std::hint::black_box(&bytes), &ty).unwrap());
        }
        let d = t.elapsed() / rounds;
        println!(
            "20 string attrs ({} bytes): encode {e:?}, decode {d:?}",
            bytes.len()
        );
    }

    // --- properties ----------------------------------------------------------

    proptest! {
        #![proptest_config(super::super::strategies::config())]

        /// decode(encode(v)) == v for any value of any type, with nulls and
        /// (refined) unknowns anywhere; encoding is also stable.
        #[test]
        fn round_trip((ty, v) in arb_typed_value(ValueOpts::ALL)) {
            prop_assert!(v.check_type(&ty).is_ok());
            let bytes = encode_msgpack(&v, &ty).unwrap();
            let back = decode_msgpack(&bytes, &ty).unwrap();
            prop_assert_eq!(&back, &v);
            prop_assert_eq!(encode_msgpack(&back, &ty).unwrap(), bytes);
        }

        /// Encoding succeeds exactly when the value conforms to the type.
        #[test]
        fn encode_agrees_with_check_type(
            (_, v) in arb_typed_value(ValueOpts::ALL),
            other in arb_type(),
        ) {
            prop_assert_eq!(encode_msgpack(&v, &other).is_ok(), v.conforms_to(&other));
        }

        /// Arbitrary bytes never panic the decoder.
        #[test]
        fn garbage_never_panics(ty in arb_type(), bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode_msgpack(&bytes, &ty);
        }

        /// Nor do arbitrary refinement payloads.
        #[test]
        fn refinement_garbage_never_panics(ty in arb_type(), payload in proptest::collection::vec(any::<u8>(), 2..64)) {
            let mut bytes = vec![0xc7, payload.len() as u8, 0x0c];
            bytes.extend(&payload);
            let _ = decode_msgpack(&bytes, &ty);
            // Most garbage starting with a map header is still worth a look.
            bytes[3] = 0x80 | (bytes[3] & 0x0f);
            let _ = decode_msgpack(&bytes, &ty);
        }

        /// Nor do damaged valid encodings (cut short or with a byte changed).
        #[test]
        fn damaged_encodings_never_panic(
            (ty, v) in arb_typed_value(ValueOpts::ALL),
            pos in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let bytes = encode_msgpack(&v, &ty).unwrap();
            let i = pos.index(bytes.len());
            let _ = decode_msgpack(&bytes[..i], &ty);
            let mut changed = bytes.clone();
            changed[i] = byte;
            let _ = decode_msgpack(&changed, &ty);
        }
    }
}
