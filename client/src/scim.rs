//! Account SCIM service principals: the wire type, read strictly, and the checks made on it.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind};
use crate::http::Response;

/// The Account Admin role as SCIM lists it.
pub const ACCOUNT_ADMIN_ROLE: &str = "account_admin";

/// An account SCIM service principal, as far as verification needs it. Unknown fields are
/// ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServicePrincipal {
    /// The SCIM ID (the "integer ID" of the account console), digits in a string.
    pub id: String,
    /// The OAuth client ID of the principal.
    pub application_id: String,
    pub display_name: Option<String>,
    pub active: bool,
    /// `None` when the answer had no `roles` (SCIM leaves out empty multi-valued attributes,
    /// and some answers leave them out unless asked for).
    pub roles: Option<Vec<Role>>,
}

/// One entry of `roles`: `{"value": "account_admin"}` (other SCIM complex-value fields ignored).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Role {
    #[serde(default)]
    pub value: Option<String>,
}

impl ServicePrincipal {
    /// Reads a 2xx SCIM answer. The checks need `id`, `applicationId` and `active`: an answer
    /// without them (or with other types) is not a service principal, and guessing would turn
    /// a gateway's odd answer into drift, so it is an error naming the request.
    pub(crate) fn from_response(resp: &Response) -> Result<Self, Error> {
        let body: Value = resp.json()?;
        Self::from_json(&body).map_err(|problems| {
            Error::on_request(
                ErrorKind::InvalidResponse,
                &resp.label,
                format!(
                    "HTTP {}: the answer is not a service principal: {problems}",
                    resp.status
                ),
            )
            .with_status(resp.status)
        })
    }

    /// The principal in a SCIM JSON object, or what is wrong with it.
    pub(crate) fn from_json(body: &Value) -> Result<Self, String> {
        let Value::Object(map) = body else {
            return Err(format!("it is {}, not a JSON object", json_kind(body)));
        };
        let mut problems = Vec::new();
        let id = match map.get("id") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            Some(Value::Number(n)) if n.is_u64() => n.to_string(),
            other => {
                problems.push(field_problem("id", other, "a string of digits"));
                String::new()
            }
        };
        let application_id = match map.get("applicationId") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            other => {
                problems.push(field_problem("applicationId", other, "a string"));
                String::new()
            }
        };
        let display_name = match map.get("displayName") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            other => {
                problems.push(field_problem("displayName", other, "a string"));
                None
            }
        };
        let active = match map.get("active") {
            Some(Value::Bool(b)) => *b,
            other => {
                problems.push(field_problem("active", other, "true or false"));
                false
            }
        };
        let roles = roles_of(map).unwrap_or_else(|problem| {
            problems.push(problem);
            None
        });
        if problems.is_empty() {
            Ok(Self {
                id,
                application_id,
                display_name,
                active,
                roles,
            })
        } else {
            Err(problems.join("; "))
        }
    }

    /// Whether the principal is active.
    pub fn is_active(&self) -> bool {
        self.active
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
            .trim()
            .eq_ignore_ascii_case(client_id.trim())
    }
}

/// The `roles` of an `?attributes=roles` answer, which carries nothing else the checks need.
pub(crate) fn roles_from_response(resp: &Response) -> Result<Option<Vec<Role>>, Error> {
    let body: Value = resp.json()?;
    let problem = match &body {
        Value::Object(map) => match roles_of(map) {
            Ok(roles) => return Ok(roles),
            Err(problem) => problem,
        },
        other => format!("it is {}, not a JSON object", json_kind(other)),
    };
    Err(Error::on_request(
        ErrorKind::InvalidResponse,
        &resp.label,
        format!(
            "HTTP {}: the answer does not list roles: {problem}",
            resp.status
        ),
    )
    .with_status(resp.status))
}

fn roles_of(map: &Map<String, Value>) -> Result<Option<Vec<Role>>, String> {
    match map.get("roles") {
        None | Some(Value::Null) => Ok(None),
        Some(roles @ Value::Array(_)) => serde_json::from_value(roles.clone())
            .map(Some)
            .map_err(|_| "`roles` is not a list of {\"value\": …} objects".to_owned()),
        Some(other) => Err(format!("`roles` is {}, not a list", json_kind(other))),
    }
}

fn field_problem(name: &str, value: Option<&Value>, wanted: &str) -> String {
    match value {
        None | Some(Value::Null) => format!("`{name}` is missing"),
        Some(v) => format!("`{name}` is {}, not {wanted}", json_kind(v)),
    }
}

/// What kind of JSON value it is, for messages (never the value itself).
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(s) if s.trim().is_empty() => "an empty string",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(json: &str) -> Result<ServicePrincipal, String> {
        ServicePrincipal::from_json(&serde_json::from_str(json).unwrap())
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
        }"#)
        .unwrap();
        assert_eq!(p.id, "2323502488275632");
        assert!(p.is_active());
        assert!(p.has_role(ACCOUNT_ADMIN_ROLE));
        assert!(p.application_id_matches("6F7C4A1E-2B3D-4E5F-8A9B-0C1D2E3F4A5B"));
        assert!(!p.application_id_matches("6f7c4a1e-0000-4e5f-8a9b-0c1d2e3f4a5b"));
        assert!(!p.roles_missing());
    }

    #[test]
    fn an_answer_without_what_the_checks_need_is_not_a_principal() {
        let problems = sp("{}").unwrap_err();
        for field in [
            "`id` is missing",
            "`applicationId` is missing",
            "`active` is missing",
        ] {
            assert!(problems.contains(field), "{problems}");
        }
        assert!(sp("[]").unwrap_err().contains("a list, not a JSON object"));
        let problems =
            sp(r#"{"id":"1","applicationId":"a","active":1,"roles":"account_admin"}"#).unwrap_err();
        assert!(problems.contains("`active` is a number"), "{problems}");
        assert!(
            problems.contains("`roles` is a string, not a list"),
            "{problems}"
        );
        assert!(
            sp(r#"{"id":"1","applicationId":7,"active":true}"#)
                .unwrap_err()
                .contains("`applicationId` is a number")
        );
    }

    #[test]
    fn active_is_a_json_boolean_and_nothing_else() {
        let base = r#""id":"1","applicationId":"a""#;
        let active = |v: &str| sp(&format!("{{{base},\"active\":{v}}}"));
        assert!(!active("false").unwrap().is_active());
        assert!(active("true").unwrap().is_active());
        for odd in ["\"false\"", "\"True\"", "0", "null"] {
            assert!(active(odd).is_err(), "active = {odd}");
        }
    }

    #[test]
    fn roles_match_exact_values_only() {
        let p = sp(
            r#"{"id":"1","applicationId":"a","active":true,"roles":[{"value":"Account_Admin"},{"value":"arn:aws:iam::1:instance-profile/x"},{"display":"account_admin"}]}"#,
        )
        .unwrap();
        assert!(!p.has_role(ACCOUNT_ADMIN_ROLE));
        assert!(
            sp(r#"{"id":"1","applicationId":"a","active":true,"roles":[]}"#)
                .unwrap()
                .roles_missing()
        );
        assert!(
            sp(r#"{"id":"1","applicationId":"a","active":true}"#)
                .unwrap()
                .roles_missing()
        );
    }

    #[test]
    fn numeric_id_is_read_as_text() {
        assert_eq!(
            sp(r#"{"id":2323502488275632,"applicationId":"a","active":true}"#)
                .unwrap()
                .id,
            "2323502488275632"
        );
    }
}
