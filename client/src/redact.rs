//! Redaction of server text by what credentials look like, on top of the scrubbing of what the
//! client sent (`scrub.rs`): trace logs of bodies and the server text quoted in errors never
//! show a bearer or Basic credential, an OAuth secret, a JWT, or the value of a secret-named
//! key or parameter — in JSON keys and in free text such as `message` and `detail`.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use crate::scrub::MASK;

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

/// The body with the value of every secret-bearing key replaced by `***` and every string
/// (keys and values) redacted of credential shapes. Anything that is not a JSON document is
/// not logged at all (`<N bytes, not JSON>`).
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
            let entries = std::mem::take(map);
            for (key, mut v) in entries {
                if SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
                    v = Value::String(MASK.to_owned());
                } else {
                    redact(&mut v);
                }
                map.insert(credential_shapes(&key).into_owned(), v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        Value::String(text) => {
            if let Cow::Owned(clean) = credential_shapes(text) {
                *text = clean;
            }
        }
        _ => {}
    }
}

/// `text` with anything shaped like a credential replaced by `***`: the credential after
/// `Bearer` or `Basic`, a Databricks OAuth secret (`dose` and hex digits), a JWT, and the value
/// after a secret-named key (`access_token=…`, `"client_secret": "…"`).
pub(crate) fn credential_shapes(text: &str) -> Cow<'_, str> {
    let Some(shapes) = shapes() else {
        return Cow::Borrowed(text);
    };
    let mut out = Cow::Borrowed(text);
    for (re, replacement) in shapes {
        if re.is_match(&out) {
            out = Cow::Owned(re.replace_all(&out, *replacement).into_owned());
        }
    }
    out
}

/// The compiled shapes, each with its replacement; `None` only if a pattern failed to
/// compile, which the tests rule out.
fn shapes() -> Option<&'static [(Regex, &'static str)]> {
    static SHAPES: OnceLock<Option<Vec<(Regex, &'static str)>>> = OnceLock::new();
    SHAPES
        .get_or_init(|| {
            [
                (r"(?i)\b(bearer|basic)(\s+|%20|\+)[A-Za-z0-9._~+/=%-]+", "$1$2***"),
                (r"(?i)\bdose[0-9a-f]{16,}", "***"),
                (
                    r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",
                    "***",
                ),
                (
                    r#"(?i)\b(access_token|refresh_token|id_token|client_secret|password|secret|token)("?\s*[:=]\s*"?)[^\s"&,;}]+"#,
                    "$1$2***",
                ),
            ]
            .into_iter()
            .map(|(pattern, replacement)| Regex::new(pattern).ok().map(|re| (re, replacement)))
            .collect()
        })
        .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_compiles() {
        assert_eq!(shapes().map(<[_]>::len), Some(4));
    }

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
    fn free_text_such_as_message_and_detail_is_redacted_too() {
        let body = br#"{"message":"echo: authorization: Bearer eyJhbGciOi.abc/def+ghi=","detail":"Authorization: Basic NmY3YzRhMWU6ZG9zZQ== and client_secret=dose0123456789abcdef0123 and token: abc123","error_description":"got dose0123456789abcdef0123456789abcdef","id":"2323502488275632"}"#;
        let out = redacted_body(body);
        for leak in [
            "eyJhbGciOi",
            "abc/def",
            "NmY3YzRhMWU6ZG9zZQ",
            "dose0123456789abcdef",
            "abc123",
        ] {
            assert!(!out.contains(leak), "{leak} in {out}");
        }
        assert!(
            out.contains("Bearer ***") && out.contains("Basic ***"),
            "{out}"
        );
        assert!(out.contains("2323502488275632"), "IDs stay: {out}");
    }

    #[test]
    fn plain_text_without_credentials_is_unchanged() {
        for text in [
            "HTTP 404 Not Found: Service principal 123 does not exist",
            "basically fine",
            "the secret list did not end",
            "token endpoint refused the request",
        ] {
            assert!(
                matches!(credential_shapes(text), Cow::Borrowed(_)),
                "{text}"
            );
        }
    }

    #[test]
    fn non_json_bodies_are_not_logged() {
        assert_eq!(redacted_body(b"access_token=abc"), "<16 bytes, not JSON>");
    }
}
