//! Account SCIM service principals: the wire type and the checks made on it.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The Account Admin role as SCIM lists it.
pub const ACCOUNT_ADMIN_ROLE: &str = "account_admin";

/// An account SCIM service principal, as far as verification needs it. Unknown fields are
/// ignored; every field may be absent.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct ServicePrincipal {
    /// The SCIM ID (the "integer ID" of the account console), digits in a string.
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    /// The OAuth client ID of the principal.
    #[serde(rename = "applicationId", default)]
    pub application_id: Option<String>,
    #[serde(rename = "displayName", default)]
    pub display_name: Option<String>,
    /// `Some(true)` only for an explicit `true` (or `"true"`); a missing or odd value is `None`,
    /// which counts as inactive.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub active: Option<bool>,
    #[serde(default)]
    pub roles: Option<Vec<Role>>,
}

/// One entry of `roles`: `{"value": "account_admin"}` (other SCIM complex-value fields ignored).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Role {
    #[serde(default)]
    pub value: Option<String>,
}

impl ServicePrincipal {
    /// Active only when SCIM says so explicitly (fail closed on a missing `active`).
    pub fn is_active(&self) -> bool {
        self.active == Some(true)
    }

    /// Whether `roles` holds exactly this value.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles
            .iter()
            .flatten()
            .any(|r| r.value.as_deref() == Some(role))
    }

    /// Whether `roles` is missing or empty, i.e. worth asking for with `?attributes=roles`.
    pub(crate) fn roles_missing(&self) -> bool {
        self.roles.as_ref().is_none_or(Vec::is_empty)
    }

    /// Whether `applicationId` equals `client_id`, ignoring case (UUIDs).
    pub fn application_id_matches(&self, client_id: &str) -> bool {
        self.application_id
            .as_deref()
            .is_some_and(|a| a.trim().eq_ignore_ascii_case(client_id.trim()))
    }
}

/// A string or a number, as text.
pub(crate) fn string_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(json: &str) -> ServicePrincipal {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reads_the_reference_payload() {
        let p = sp(r#"{
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"],
            "id": "2323502488275632",
            "applicationId": "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
            "displayName": "okta-workflows-connector",
            "active": true,
            "externalId": "",
            "roles": [{"value": "account_admin"}],
            "account_id": "0d2a7b1c-1234-4abc-9def-0123456789ab"
        }"#);
        assert_eq!(p.id.as_deref(), Some("2323502488275632"));
        assert!(p.is_active());
        assert!(p.has_role(ACCOUNT_ADMIN_ROLE));
        assert!(p.application_id_matches("6F7C4A1E-2B3D-4E5F-8A9B-0C1D2E3F4A5B"));
        assert!(!p.application_id_matches("6f7c4a1e-0000-4e5f-8a9b-0c1d2e3f4a5b"));
        assert!(!p.roles_missing());
    }

    #[test]
    fn missing_or_odd_active_is_inactive() {
        assert!(!sp(r#"{"id":"1"}"#).is_active());
        assert!(!sp(r#"{"active":false}"#).is_active());
        assert!(!sp(r#"{"active":null}"#).is_active());
        assert!(!sp(r#"{"active":1}"#).is_active());
        assert!(sp(r#"{"active":"True"}"#).is_active());
    }

    #[test]
    fn roles_match_exact_values_only() {
        let p = sp(
            r#"{"roles":[{"value":"Account_Admin"},{"value":"arn:aws:iam::1:instance-profile/x"},{"display":"account_admin"}]}"#,
        );
        assert!(!p.has_role(ACCOUNT_ADMIN_ROLE));
        assert!(sp(r#"{"roles":[]}"#).roles_missing());
        assert!(sp(r#"{}"#).roles_missing());
    }

    #[test]
    fn numeric_id_is_read_as_text() {
        assert_eq!(
            sp(r#"{"id":2323502488275632}"#).id.as_deref(),
            Some("2323502488275632")
        );
    }
}
