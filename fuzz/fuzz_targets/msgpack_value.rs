//! msgpack `DynamicValue` decoding against a type picked by the input, with round trips:
//! decode → encode → decode gives the same value and the same bytes, and a wholly known value
//! also survives the JSON encoding.

#![no_main]

use fuzz_support::{Input, pick_type};
use libfuzzer_sys::fuzz_target;
use terraform_provider_databricks::protocol::cty::{
    decode_json, decode_msgpack, encode_json, encode_msgpack,
};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let Some(ty) = pick_type(&mut input) else {
        return;
    };
    let bytes = input.rest();
    let Ok(value) = decode_msgpack(bytes, &ty) else {
        return;
    };
    if let Err(e) = value.check_type(&ty) {
        panic!("decoded value does not conform to {ty:?}: {e}\n{value:?}");
    }
    let encoded = match encode_msgpack(&value, &ty) {
        Ok(b) => b,
        Err(e) => panic!("decoded value does not encode: {e}\ntype {ty:?}\nvalue {value:?}"),
    };
    let again = match decode_msgpack(&encoded, &ty) {
        Ok(v) => v,
        Err(e) => panic!("encoded value does not decode: {e}\ntype {ty:?}\nvalue {value:?}"),
    };
    assert_eq!(
        again, value,
        "msgpack round trip changed the value ({ty:?})"
    );
    let re_encoded = encode_msgpack(&again, &ty).ok();
    assert_eq!(
        re_encoded.as_deref(),
        Some(encoded.as_slice()),
        "msgpack encoding is not stable ({ty:?})"
    );

    // A wholly known value also round-trips through JSON (infinities cannot: JSON refuses them).
    if value.is_wholly_known()
        && let Ok(json) = encode_json(&value, &ty)
    {
        match decode_json(&json, &ty, false) {
            Ok(v) => assert_eq!(v, value, "JSON round trip changed the value ({ty:?})"),
            Err(e) => panic!(
                "JSON encoding does not decode: {e}\ntype {ty:?}\njson {}",
                String::from_utf8_lossy(&json)
            ),
        }
    }
});
