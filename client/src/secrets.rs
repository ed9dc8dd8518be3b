//! Service principal OAuth secrets: wire types of the list call.

use serde::Deserialize;

use crate::scim::string_or_number;

/// One entry of the secrets list. The secret value itself is never part of a list answer, and
/// this type has no field that could hold it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct SecretInfo {
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
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

/// One page of `GET …/credentials/secrets`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SecretsPage {
    #[serde(default)]
    pub secrets: Option<Vec<SecretInfo>>,
    #[serde(default)]
    pub next_page_token: Option<String>,
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
        assert_eq!(secrets[0].id.as_deref(), Some("09094e"));
        assert_eq!(
            secrets[0].expire_time.as_deref(),
            Some("2027-01-01T00:00:00.000Z")
        );
        assert_eq!(page.next_page_token.as_deref(), Some("p2"));
        let empty: SecretsPage = serde_json::from_str("{}").unwrap();
        assert!(empty.secrets.is_none() && empty.next_page_token.is_none());
    }
}
