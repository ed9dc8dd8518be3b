//! Account SCIM service principals (reference §2): reads in `read`, create/replace/delete in
//! `write`, PATCH in `patch`; the resource representation and the SCIM error shape here.

mod patch;
mod read;
mod write;

use std::collections::HashSet;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

use super::query_param;
use crate::errors;
use crate::seed::ServicePrincipal;

pub(crate) use patch::patch;
pub(crate) use read::{get, list};
pub(crate) use write::{create, delete, replace};

const SP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal";

/// Reply `application/scim+json` only to clients that ask for it; the Go SDK asks for
/// `application/json` (reference §2.1). Either request content type is accepted.
pub(super) fn content_type(headers: &HeaderMap) -> &'static str {
    let wants_scim = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("application/scim+json"));
    if wants_scim {
        "application/scim+json"
    } else {
        "application/json"
    }
}

#[derive(Serialize)]
struct RoleValue<'a> {
    value: &'a str,
}

/// Field order follows the reference's §2.3 example.
#[derive(Serialize)]
pub(super) struct ScimServicePrincipal<'a> {
    schemas: [&'static str; 1],
    id: &'a str,
    #[serde(rename = "applicationId", skip_serializing_if = "Option::is_none")]
    application_id: Option<&'a str>,
    #[serde(rename = "displayName", skip_serializing_if = "Option::is_none")]
    display_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    active: Option<bool>,
    #[serde(rename = "externalId", skip_serializing_if = "Option::is_none")]
    external_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<Vec<RoleValue<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
}

/// `attributes` / `excludedAttributes` (RFC 7644 §3.9). `id` and `schemas` are always
/// returned; names are case-insensitive and may carry a schema URN prefix or a sub-attribute
/// (`roles.value` selects `roles`).
pub(super) struct Selection {
    only: Option<HashSet<String>>,
    excluded: HashSet<String>,
    roles_by_default: bool,
}

fn attr_names(list: &str) -> HashSet<String> {
    list.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            let a = a.rsplit(':').next().unwrap_or(a);
            let a = a.split('.').next().unwrap_or(a);
            a.to_ascii_lowercase()
        })
        .collect()
}

impl Selection {
    /// Every attribute: what create answers with.
    pub(super) fn all() -> Self {
        Selection {
            only: None,
            excluded: HashSet::new(),
            roles_by_default: true,
        }
    }

    pub(super) fn from_query(query: Option<&str>, roles_by_default: bool) -> Self {
        Selection {
            only: query_param(query, "attributes")
                .map(|a| attr_names(&a))
                .filter(|s| !s.is_empty()),
            excluded: query_param(query, "excludedAttributes")
                .map(|a| attr_names(&a))
                .unwrap_or_default(),
            roles_by_default,
        }
    }

    fn wants(&self, attr: &str) -> bool {
        match &self.only {
            Some(only) => only.contains(attr),
            None => !self.excluded.contains(attr) && (attr != "roles" || self.roles_by_default),
        }
    }

    pub(super) fn render<'a>(
        &self,
        sp: &'a ServicePrincipal,
        account_id: &'a str,
    ) -> ScimServicePrincipal<'a> {
        ScimServicePrincipal {
            schemas: [SP_SCHEMA],
            id: &sp.id,
            application_id: self
                .wants("applicationid")
                .then_some(sp.application_id.as_str()),
            display_name: self
                .wants("displayname")
                .then_some(sp.display_name.as_str()),
            active: self.wants("active").then_some(sp.active),
            external_id: sp
                .external_id
                .as_deref()
                .filter(|_| self.wants("externalid")),
            roles: self
                .wants("roles")
                .then(|| sp.roles.iter().map(|r| RoleValue { value: r }).collect()),
            account_id: self.wants("account_id").then_some(account_id),
        }
    }
}

/// A SCIM error answer (RFC 7644 §3.12): status, `scimType` and `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ScimFault {
    pub status: StatusCode,
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimFault {
    fn bad_request(scim_type: &'static str, detail: impl Into<String>) -> Self {
        ScimFault {
            status: StatusCode::BAD_REQUEST,
            scim_type: Some(scim_type),
            detail: detail.into(),
        }
    }

    /// The body is not JSON of the expected shape; the detail is the one the real API uses
    /// (reference §2.3).
    pub fn unparsable() -> Self {
        Self::bad_request(
            "invalidSyntax",
            "Request is unparsable, syntactically incorrect, or violates schema.",
        )
    }

    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::bad_request("invalidSyntax", detail)
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad_request("invalidValue", detail)
    }

    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::bad_request("invalidPath", detail)
    }

    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::bad_request("noTarget", detail)
    }

    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::bad_request("mutability", detail)
    }

    pub fn uniqueness(detail: impl Into<String>) -> Self {
        ScimFault {
            status: StatusCode::CONFLICT,
            scim_type: Some("uniqueness"),
            detail: detail.into(),
        }
    }

    pub fn not_found(sp_id: &str) -> Self {
        ScimFault {
            status: StatusCode::NOT_FOUND,
            scim_type: None,
            detail: format!("Service principal with id {sp_id} is not found"),
        }
    }

    pub fn respond(&self, content_type: &'static str) -> Response {
        errors::scim_error(self.status, &self.detail, self.scim_type, content_type)
    }
}

/// The `value`s of a multi-valued attribute of complex values, e.g. `roles`:
/// `[{"value":"account_admin"}]`; a single object is taken as a one-element list.
pub(super) fn complex_values(attr: &str, v: &serde_json::Value) -> Result<Vec<String>, ScimFault> {
    let items: Vec<&serde_json::Value> = match v {
        serde_json::Value::Array(items) => items.iter().collect(),
        serde_json::Value::Object(_) => vec![v],
        _ => {
            return Err(ScimFault::invalid_value(format!(
                "{attr} must be a list of {{\"value\": …}} objects"
            )));
        }
    };
    items
        .into_iter()
        .map(
            |item| match item.get("value").and_then(serde_json::Value::as_str) {
                Some(s) if !s.trim().is_empty() => Ok(s.to_owned()),
                _ => Err(ScimFault::invalid_value(format!(
                    "every {attr} entry needs a non-empty string \"value\""
                ))),
            },
        )
        .collect()
}

/// A SCIM boolean as clients send it: `false`, `"false"`, `{"value":"false"}` or
/// `[{"value":"false"}]` (what the Terraform provider sends to deactivate a principal).
pub(super) fn scim_bool(v: &serde_json::Value) -> Option<bool> {
    match v {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        serde_json::Value::Object(o) => o.get("value").and_then(scim_bool),
        serde_json::Value::Array(items) => match items.as_slice() {
            [one] => scim_bool(one),
            _ => None,
        },
        _ => None,
    }
}

/// Attribute names are case-insensitive (RFC 7643 §2.1) and may carry the schema URN
/// (`urn:…:ServicePrincipal:displayName`).
pub(super) fn attribute_key(name: &str) -> String {
    let name = name.trim();
    let prefix = format!("{SP_SCHEMA}:");
    let name = match name.get(..prefix.len()) {
        Some(p) if p.eq_ignore_ascii_case(&prefix) => &name[prefix.len()..],
        _ => name,
    };
    name.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attribute_names() {
        let s = attr_names(
            "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal:displayName, roles.value",
        );
        assert!(s.contains("displayname") && s.contains("roles"));
    }

    #[test]
    fn booleans_in_every_form_clients_send() {
        for v in [
            json!(false),
            json!("false"),
            json!("FALSE"),
            json!({"value": "false"}),
            json!([{"value": "false"}]),
            json!([{"value": false}]),
        ] {
            assert_eq!(scim_bool(&v), Some(false), "{v}");
        }
        assert_eq!(scim_bool(&json!([{"value": "true"}])), Some(true));
        for v in [
            json!(0),
            json!("no"),
            json!([]),
            json!([true, false]),
            json!(null),
        ] {
            assert_eq!(scim_bool(&v), None, "{v}");
        }
    }

    #[test]
    fn role_values_from_lists_and_single_objects() {
        assert_eq!(
            complex_values(
                "roles",
                &json!([{"value": "account_admin"}, {"value": "x"}])
            )
            .unwrap(),
            ["account_admin", "x"]
        );
        assert_eq!(
            complex_values("roles", &json!({"value": "a"})).unwrap(),
            ["a"]
        );
        assert!(complex_values("roles", &json!("account_admin")).is_err());
        assert!(complex_values("roles", &json!([{"display": "a"}])).is_err());
    }

    #[test]
    fn attribute_keys_ignore_case_and_schema_prefix() {
        assert_eq!(attribute_key("displayName"), "displayname");
        assert_eq!(
            attribute_key("urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal:Active"),
            "active"
        );
    }
}
