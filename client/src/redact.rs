//! Redaction of bodies before they reach a trace-level log.

use serde_json::Value;

const SECRET_KEYS: [&str; 7] = [
    "access_token",
    "refresh_token",
    "id_token",
    "secret",
    "client_secret",
    "password",
    "token",
];

// Bodies in trace logs are cut here; a secret list is far below it.
const MAX_LOGGED: usize = 4096;

/// The body with the value of every secret-bearing key replaced by `***`. Anything that is not
/// a JSON document is not logged at all (`<N bytes, not JSON>`): text cannot be redacted
/// reliably.
pub(crate) fn redacted_body(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            redact(&mut value);
            let text = value.to_string();
            match text.char_indices().nth(MAX_LOGGED) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text,
            }
        }
        Err(_) => format!("<{} bytes, not JSON>", body.len()),
    }
}

fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
                    *v = Value::String("***".to_owned());
                } else {
                    redact(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_replaced_at_any_depth() {
        let body = br#"{"access_token":"tok-1","expires_in":3600,"nested":[{"secret":"dose123","id":"s1"}],"Client_Secret":"x"}"#;
        let out = redacted_body(body);
        assert!(
            !out.contains("tok-1") && !out.contains("dose123") && !out.contains("\"x\""),
            "{out}"
        );
        assert!(
            out.contains("\"id\":\"s1\"") && out.contains("3600"),
            "{out}"
        );
    }

    #[test]
    fn non_json_bodies_are_not_logged() {
        assert_eq!(redacted_body(b"access_token=abc"), "<16 bytes, not JSON>");
    }
}
