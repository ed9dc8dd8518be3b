//! JSON value decoding (raw state, `DynamicValue.json`) against a type picked by the input,
//! strict and lenient, with round trips through `encode_json` (and msgpack).

#![no_main]

use fuzz_support::{Input, pick_type};
use libfuzzer_sys::fuzz_target;
use terraform_provider_databricks::protocol::cty::{
    Type, Value, decode_json, decode_msgpack, encode_json, encode_msgpack,
};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let Some(ty) = pick_type(&mut input) else {
        return;
    };
    let bytes = input.rest();
    let strict = decode_json(bytes, &ty, false);
    let lenient = decode_json(bytes, &ty, true);
    if let Ok(v) = &strict {
        // Lenient only forgives attributes the type does not have.
        assert_eq!(
            lenient.as_ref().ok(),
            Some(v),
            "strict decoding succeeded but lenient did not agree ({ty:?})"
        );
    }
    for value in [strict, lenient].into_iter().flatten() {
        round_trip(&value, &ty);
    }
});

fn round_trip(value: &Value, ty: &Type) {
    if let Err(e) = value.check_type(ty) {
        panic!("decoded value does not conform to {ty:?}: {e}\n{value:?}");
    }
    assert!(
        value.is_wholly_known(),
        "JSON decoding gave an unknown value"
    );
    let json = match encode_json(value, ty) {
        Ok(j) => j,
        Err(e) => panic!("decoded value does not encode: {e}\ntype {ty:?}\nvalue {value:?}"),
    };
    let back = match decode_json(&json, ty, false) {
        Ok(back) => back,
        Err(e) => panic!(
            "JSON encoding does not decode: {e}\ntype {ty:?}\njson {}",
            String::from_utf8_lossy(&json)
        ),
    };
    assert_eq!(&back, value, "JSON round trip changed the value ({ty:?})");
    assert_eq!(
        encode_json(&back, ty).ok().as_deref(),
        Some(json.as_slice()),
        "JSON encoding is not stable ({ty:?})"
    );

    // The same value as Terraform would get it over the wire.
    let msgpack = match encode_msgpack(value, ty) {
        Ok(b) => b,
        Err(e) => panic!("JSON-decoded value does not encode as msgpack: {e}\n{value:?}"),
    };
    match decode_msgpack(&msgpack, ty) {
        Ok(back) => assert_eq!(
            &back, value,
            "msgpack round trip changed the value ({ty:?})"
        ),
        Err(e) => panic!("msgpack encoding does not decode: {e}\n{value:?}"),
    }
}
