//! Service principal OAuth secrets: wire types of the list call.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::{Error, ErrorKind};
use crate::http::Response;

/// One entry of the secrets list. The secret value itself is never part of a list answer, and
/// this type has no field that could hold it. An entry without an `id`, or with fields of other
/// types, makes the whole answer malformed (an error, never a status).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct SecretInfo {
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    /// `ACTIVE` is the only documented value.
    #[serde(default)]
    pub status: Option<String>,
    /// RFC 3339, as the API sent it.
    #[serde(default)]
    pub create_time: Option<String>,
    #[serde(default)]
    pub update_time: Option<String>,
    /// RFC 3339, as the API sent it; absent means the secret never expires.
    #[serde(default)]
    pub expire_time: Option<String>,
}

/// A string or a whole number, as text (IDs); anything else is a shape error.
fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) if n.is_u64() => Ok(n.to_string()),
        _ => Err(serde::de::Error::custom("expected a string ID")),
    }
}

/// One page of `GET …/credentials/secrets`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SecretsPage {
    #[serde(default)]
    pub secrets: Option<Vec<SecretInfo>>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

impl SecretsPage {
    /// Reads a 2xx answer. It must be a JSON object: serde would also read a list as a page
    /// with no secrets, and a secret list that is not one is an error, never "no secrets".
    pub(crate) fn from_response(resp: &Response) -> Result<Self, Error> {
        let body: Value = resp.json()?;
        let shape_error = |what: &str| {
            Error::on_request(
                ErrorKind::InvalidResponse,
                &resp.label,
                format!(
                    "HTTP {}: the answer is not a secret list: {what}",
                    resp.status
                ),
            )
            .with_status(resp.status)
        };
        if !body.is_object() {
            return Err(shape_error("it is not a JSON object"));
        }
        serde_json::from_value(body).map_err(|e| shape_error(&e.to_string()))
    }
}

/// What a secret deletion found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeleteOutcome {
    Deleted,
    /// The API answered 404: the secret was already gone, which is what was wanted.
    AlreadyGone,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_page_with_and_without_secrets() {
        let page: SecretsPage = serde_json::from_str(
            r#"{"secrets":[{"id":"09094e","secret_hash":"h","create_time":"2025-01-01T00:00:00.000Z","update_time":"2025-01-01T00:00:00.000Z","status":"ACTIVE","expire_time":"2027-01-01T00:00:00.000Z"}],"next_page_token":"p2"}"#,
        )
        .unwrap();
        let secrets = page.secrets.unwrap();
        assert_eq!(secrets[0].id, "09094e");
        assert_eq!(
            secrets[0].expire_time.as_deref(),
            Some("2027-01-01T00:00:00.000Z")
        );
        assert_eq!(page.next_page_token.as_deref(), Some("p2"));
        let empty: SecretsPage = serde_json::from_str("{}").unwrap();
        assert!(empty.secrets.is_none() && empty.next_page_token.is_none());
    }

    #[test]
    fn malformed_lists_are_errors_not_empty_lists() {
        let page = |body: &str| {
            SecretsPage::from_response(&Response {
                status: 200,
                body: body.as_bytes().to_vec(),
                label: "GET /secrets".into(),
            })
        };
        assert!(page("{}").is_ok());
        for body in [
            "[]",
            "null",
            r#"{"secrets":"none"}"#,
            r#"{"secrets":[{"status":"ACTIVE"}]}"#,
            r#"{"secrets":[{"id":"a","status":1}]}"#,
            r#"{"secrets":[{"id":"a","expire_time":20270101}]}"#,
            r#"{"secrets":[],"next_page_token":7}"#,
        ] {
            let err = page(body).expect_err(body);
            assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{body}");
        }
    }
}
