//! SCIM create (`POST`), replace (`PUT`) and delete (`DELETE`) of account service principals,
//! with the request shapes of `AccountServicePrincipalsAPI` in the SDKs.
//!
//! \[U\] Status codes: 201 with the resource for create (RFC 7644 §3.3); 204 without a body for
//! replace and delete (the SDKs' generated methods expect no body for either).

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::fault::ScimFault;
use super::resource::{Selection, content_type};
use super::values::{attribute_key, complex_values, scim_bool};
use crate::errors;
use crate::routes::auth::authorize;
use crate::seed::ServicePrincipal;
use crate::state::{AdminError, NewServicePrincipal, State};

/// The attributes of a submitted resource that the emulator models. `id`, `schemas`, `meta`
/// and `account_id` are read-only or informational and ignored, as RFC 7644 §3.3 asks.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Submitted {
    pub application_id: Option<String>,
    pub display_name: Option<String>,
    pub active: Option<bool>,
    pub external_id: Option<String>,
    pub roles: Option<Vec<String>>,
}

/// Parses the JSON body of a create or replace.
pub(super) fn parse_resource(body: &[u8]) -> Result<Submitted, ScimFault> {
    let value: Value = serde_json::from_slice(body).map_err(|_| ScimFault::unparsable())?;
    let Value::Object(object) = value else {
        return Err(ScimFault::unparsable());
    };
    resource_from_object(&object)
}

fn resource_from_object(object: &Map<String, Value>) -> Result<Submitted, ScimFault> {
    let mut out = Submitted::default();
    for (name, value) in object {
        if value.is_null() {
            continue;
        }
        match attribute_key(name).as_str() {
            "applicationid" => out.application_id = Some(string_attr("applicationId", value)?),
            "displayname" => out.display_name = Some(string_attr("displayName", value)?),
            "externalid" => out.external_id = Some(string_attr("externalId", value)?),
            "active" => {
                out.active = Some(
                    scim_bool(value)
                        .ok_or_else(|| ScimFault::invalid_value("active must be a boolean"))?,
                );
            }
            "roles" => out.roles = Some(dedup(complex_values("roles", value)?)),
            // What the real account API answers for entitlements.
            "entitlements" if has_items(value) => {
                return Err(ScimFault::invalid_value(
                    "entitlements can only be managed at the workspace level",
                ));
            }
            "groups" if has_items(value) => {
                return Err(ScimFault::invalid_value(
                    "group membership is not emulated: leave groups out",
                ));
            }
            _ => {}
        }
    }
    Ok(out)
}

fn string_attr(name: &str, value: &Value) -> Result<String, ScimFault> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| ScimFault::invalid_value(format!("{name} must be a string")))
}

fn has_items(value: &Value) -> bool {
    value.as_array().is_some_and(|a| !a.is_empty())
}

fn dedup(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// \[U\] A Databricks-managed principal (no `applicationId` given) needs a display name, as
/// the Terraform provider documents for `display_name`.
fn require_display_name(s: &Submitted) -> Result<(), ScimFault> {
    let blank = s
        .display_name
        .as_deref()
        .is_none_or(|n| n.trim().is_empty());
    if blank && s.application_id.is_none() {
        return Err(ScimFault::invalid_value(
            "displayName is required for a service principal without applicationId",
        ));
    }
    Ok(())
}

fn application_id_taken(app: &str) -> ScimFault {
    ScimFault::uniqueness(format!(
        "Service principal with applicationId {app} already exists"
    ))
}

/// `POST /api/2.0/accounts/{account_id}/scim/v2/ServicePrincipals` → 201 and the resource.
/// The SCIM id is always generated; `applicationId` too when absent.
pub(crate) fn create(
    st: &mut State,
    account_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    if let Err(resp) = authorize(st, headers, account_id) {
        return resp;
    }
    let ct = content_type(headers);
    let submitted = match parse_resource(body).and_then(|s| require_display_name(&s).map(|()| s)) {
        Ok(s) => s,
        Err(fault) => return fault.respond(ct),
    };
    if let Some(app) = submitted.application_id.as_deref()
        && app.trim().is_empty()
    {
        return ScimFault::invalid_value("applicationId must not be empty").respond(ct);
    }
    let new = NewServicePrincipal {
        id: None,
        application_id: submitted.application_id.clone(),
        display_name: Some(submitted.display_name.unwrap_or_default()),
        active: submitted.active,
        external_id: submitted.external_id,
        roles: submitted.roles.unwrap_or_default(),
        secrets: Vec::new(),
    };
    let created = match st.directory.add_service_principal(account_id, new) {
        Ok(sp) => sp,
        Err(AdminError::Conflict(_)) => {
            let app = submitted.application_id.unwrap_or_default();
            return application_id_taken(&app).respond(ct);
        }
        Err(e) => return internal(e),
    };
    let account = canonical_account_id(st, account_id);
    errors::json_with_type(
        StatusCode::CREATED,
        &Selection::all().render(&created, &account),
        ct,
    )
}

/// `PUT …/ServicePrincipals/{id}`: the submitted attributes replace the stored ones; absent
/// optional ones are cleared (`externalId`, `roles`) or reset (`active` = true). The
/// application id cannot change (400 `mutability`).
pub(crate) fn replace(
    st: &mut State,
    account_id: &str,
    sp_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    if let Err(resp) = authorize(st, headers, account_id) {
        return resp;
    }
    let ct = content_type(headers);
    let Ok(current) = st.directory.service_principal(account_id, sp_id).cloned() else {
        return ScimFault::not_found(sp_id).respond(ct);
    };
    let result = parse_resource(body).and_then(|s| replaced(current, s));
    let updated = match result {
        Ok(sp) => sp,
        Err(fault) => return fault.respond(ct),
    };
    match st.directory.store_service_principal(account_id, updated) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => internal(e),
    }
}

/// The principal after a PUT of `s` (pure, so it can be tested alone).
pub(super) fn replaced(
    current: ServicePrincipal,
    s: Submitted,
) -> Result<ServicePrincipal, ScimFault> {
    if let Some(app) = &s.application_id
        && !app.eq_ignore_ascii_case(&current.application_id)
    {
        return Err(ScimFault::mutability(
            "Attribute applicationId is immutable",
        ));
    }
    let display_name = match s.display_name {
        Some(n) if !n.trim().is_empty() => n,
        _ => return Err(ScimFault::invalid_value("displayName is required")),
    };
    Ok(ServicePrincipal {
        display_name,
        active: s.active.unwrap_or(true),
        external_id: s.external_id,
        roles: s.roles.unwrap_or_default(),
        ..current
    })
}

/// `DELETE …/ServicePrincipals/{id}` → 204. Its secrets go with it, and its tokens stop
/// working (the bearer check finds no principal).
pub(crate) fn delete(
    st: &mut State,
    account_id: &str,
    sp_id: &str,
    headers: &HeaderMap,
) -> Response {
    if let Err(resp) = authorize(st, headers, account_id) {
        return resp;
    }
    let ct = content_type(headers);
    match st.directory.delete_service_principal(account_id, sp_id) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(_) => ScimFault::not_found(sp_id).respond(ct),
    }
}

fn canonical_account_id(st: &State, account_id: &str) -> String {
    st.directory
        .account(account_id)
        .map_or(account_id, |a| a.account_id.as_str())
        .to_owned()
}

fn internal(e: AdminError) -> Response {
    errors::api_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        e.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp() -> ServicePrincipal {
        ServicePrincipal::new("1", "app", "old")
            .account_admin()
            .with_secret(crate::seed::Secret::new("s", "dose1"))
    }

    #[test]
    fn parses_what_the_python_sdk_sends_on_create() {
        let body = br#"{"active":true,"displayName":"ci-bot","roles":[{"value":"account_admin"}],
            "schemas":["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"],"id":"999"}"#;
        let s = parse_resource(body).unwrap();
        assert_eq!(s.display_name.as_deref(), Some("ci-bot"));
        assert_eq!(s.active, Some(true));
        assert_eq!(s.roles, Some(vec!["account_admin".to_owned()]));
        assert_eq!(s.application_id, None, "the id and schemas are ignored");
    }

    #[test]
    fn rejects_bodies_that_are_not_resources() {
        for body in [
            &b"not json"[..],
            b"[]",
            b"{\"active\":\"maybe\"}",
            b"{\"roles\":\"x\"}",
        ] {
            let fault = parse_resource(body).unwrap_err();
            assert_eq!(fault.status, StatusCode::BAD_REQUEST, "{:?}", body);
        }
        let fault =
            parse_resource(br#"{"entitlements":[{"value":"allow-cluster-create"}]}"#).unwrap_err();
        assert_eq!(fault.scim_type, Some("invalidValue"));
    }

    #[test]
    fn replace_clears_what_is_left_out_and_keeps_secrets() {
        let s = parse_resource(br#"{"displayName":"new"}"#).unwrap();
        let out = replaced(sp(), s).unwrap();
        assert_eq!(out.display_name, "new");
        assert!(out.active && out.roles.is_empty() && out.external_id.is_none());
        assert_eq!(out.secrets.len(), 1);
    }

    #[test]
    fn replace_refuses_a_new_application_id() {
        let s = parse_resource(br#"{"displayName":"n","applicationId":"other"}"#).unwrap();
        assert_eq!(replaced(sp(), s).unwrap_err().scim_type, Some("mutability"));
        let same = parse_resource(br#"{"displayName":"n","applicationId":"APP"}"#).unwrap();
        assert!(replaced(sp(), same).is_ok(), "same id, other case");
    }
}
