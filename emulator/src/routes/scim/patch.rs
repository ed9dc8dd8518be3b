//! SCIM `PATCH …/ServicePrincipals/{id}` (RFC 7644 §3.5.2) with the operations the SDKs and the
//! Terraform provider send:
//!
//! - roles: `{"op":"add","path":"roles","value":[{"value":"account_admin"}]}`, `replace` (the
//!   whole list), `remove` with a value list, with no value (all roles) or with the filter path
//!   `roles[value eq "account_admin"]` (what `databricks_service_principal_role` sends);
//! - `active`: `replace` (or `add`) with `[{"value":"false"}]`, `false` or `"false"`;
//! - `displayName` and `externalId`: `replace`/`add` with a string; `externalId` can be removed;
//! - no path: `replace`/`add` with an object of those attributes (what Okta and Entra send).
//!
//! Other paths are 400 `invalidPath`. The operations are applied to a copy and stored only when
//! every one succeeded, so a failing request changes nothing. \[U\] Success is 204 without body.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::fault::ScimFault;
use super::resource::content_type;
use super::values::{attribute_key, complex_values, scim_bool};
use crate::errors;
use crate::routes::auth::authorize;
use crate::seed::ServicePrincipal;
use crate::state::State;

const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Remove,
    Replace,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Roles,
    /// `roles[value eq "x"]`
    Role(String),
    Active,
    DisplayName,
    ExternalId,
}

#[derive(Debug, Clone, PartialEq)]
struct Operation {
    op: Op,
    target: Option<Target>,
    value: Option<Value>,
}

/// `PATCH /api/2.0/accounts/{account_id}/scim/v2/ServicePrincipals/{id}`
pub(crate) fn patch(
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
    let patched = parse_request(body).and_then(|ops| apply(current, &ops));
    let updated = match patched {
        Ok(sp) => sp,
        Err(fault) => return fault.respond(ct),
    };
    match st.directory.store_service_principal(account_id, updated) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => errors::api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            e.to_string(),
        ),
    }
}

/// `{"schemas":[PatchOp],"Operations":[…]}`. `schemas` may be left out (the Python SDK sends it
/// only when asked to); when present it must name the PatchOp message.
fn parse_request(body: &[u8]) -> Result<Vec<Operation>, ScimFault> {
    let value: Value = serde_json::from_slice(body).map_err(|_| ScimFault::unparsable())?;
    let Value::Object(object) = value else {
        return Err(ScimFault::unparsable());
    };
    let field = |name: &str| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    if let Some(schemas) = field("schemas") {
        let names_patch = schemas
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s.as_str() == Some(PATCH_SCHEMA)));
        if !names_patch {
            return Err(ScimFault::invalid_syntax(format!(
                "schemas must be [\"{PATCH_SCHEMA}\"]"
            )));
        }
    }
    let ops = match field("Operations") {
        Some(Value::Array(ops)) if !ops.is_empty() => ops,
        _ => {
            return Err(ScimFault::invalid_syntax(
                "Operations must be a non-empty list of operations",
            ));
        }
    };
    ops.iter().map(parse_operation).collect()
}

fn parse_operation(v: &Value) -> Result<Operation, ScimFault> {
    let Value::Object(o) = v else {
        return Err(ScimFault::invalid_syntax(
            "every operation must be an object",
        ));
    };
    let get = |name: &str| {
        o.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    let op = match get("op")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
    {
        Some(op) if op == "add" => Op::Add,
        Some(op) if op == "remove" => Op::Remove,
        Some(op) if op == "replace" => Op::Replace,
        other => {
            return Err(ScimFault::invalid_syntax(format!(
                "op must be add, remove or replace, not {}",
                other.as_deref().unwrap_or("missing")
            )));
        }
    };
    let target = match get("path") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) if p.trim().is_empty() => None,
        Some(Value::String(p)) => Some(parse_path(p)?),
        Some(_) => return Err(ScimFault::invalid_path("path must be a string")),
    };
    let value = get("value").filter(|v| !v.is_null()).cloned();
    Ok(Operation { op, target, value })
}

fn parse_path(path: &str) -> Result<Target, ScimFault> {
    let key = attribute_key(path);
    let target = match key.as_str() {
        "roles" => Some(Target::Roles),
        "active" => Some(Target::Active),
        "displayname" => Some(Target::DisplayName),
        "externalid" => Some(Target::ExternalId),
        _ => role_filter(&key).map(Target::Role),
    };
    target.ok_or_else(|| ScimFault::invalid_path(format!("Unsupported path: {path}")))
}

/// `roles[value eq "x"]` (lower-cased by [`attribute_key`], so the value is matched
/// case-insensitively against the roles, which are lower case).
fn role_filter(key: &str) -> Option<String> {
    let inner = key.strip_prefix("roles[")?.strip_suffix(']')?.trim();
    let rest = inner.strip_prefix("value")?.trim_start();
    let rest = rest.strip_prefix("eq")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let value = rest.trim().strip_prefix('"')?.strip_suffix('"')?;
    (!value.is_empty()).then(|| value.to_owned())
}

/// The principal after every operation (pure; the caller stores the result).
fn apply(mut sp: ServicePrincipal, ops: &[Operation]) -> Result<ServicePrincipal, ScimFault> {
    for operation in ops {
        match (&operation.target, operation.op) {
            (None, Op::Remove) => {
                return Err(ScimFault::no_target("remove needs a path"));
            }
            (None, op) => {
                let Some(Value::Object(attrs)) = &operation.value else {
                    return Err(ScimFault::invalid_value(
                        "an operation without path needs an object value",
                    ));
                };
                for (name, value) in attrs {
                    let target = parse_path(name)?;
                    apply_one(&mut sp, op, &target, Some(value))?;
                }
            }
            (Some(target), op) => apply_one(&mut sp, op, target, operation.value.as_ref())?,
        }
    }
    Ok(sp)
}

fn apply_one(
    sp: &mut ServicePrincipal,
    op: Op,
    target: &Target,
    value: Option<&Value>,
) -> Result<(), ScimFault> {
    let required = || value.ok_or_else(|| ScimFault::invalid_value("value is required"));
    match (target, op) {
        (Target::Roles, Op::Add) => {
            for role in complex_values("roles", required()?)? {
                if !sp.has_role(&role) {
                    sp.roles.push(role);
                }
            }
        }
        (Target::Roles, Op::Replace) => {
            sp.roles.clear();
            return apply_one(sp, Op::Add, target, value);
        }
        (Target::Roles, Op::Remove) => match value {
            None => sp.roles.clear(),
            Some(v) => {
                let gone = complex_values("roles", v)?;
                sp.roles.retain(|r| !gone.contains(r));
            }
        },
        (Target::Role(role), Op::Remove) => sp.roles.retain(|r| !r.eq_ignore_ascii_case(role)),
        (Target::Role(_), _) => {
            return Err(ScimFault::invalid_path(
                "a roles[value eq …] path can only be removed; add roles with path \"roles\"",
            ));
        }
        (Target::Active, Op::Add | Op::Replace) => {
            sp.active = scim_bool(required()?)
                .ok_or_else(|| ScimFault::invalid_value("active must be true or false"))?;
        }
        (Target::Active, Op::Remove) => {
            return Err(ScimFault::mutability("active cannot be removed"));
        }
        (Target::DisplayName, Op::Add | Op::Replace) => match required()?.as_str() {
            Some(name) if !name.trim().is_empty() => sp.display_name = name.to_owned(),
            _ => {
                return Err(ScimFault::invalid_value(
                    "displayName must be a non-empty string",
                ));
            }
        },
        (Target::DisplayName, Op::Remove) => {
            return Err(ScimFault::mutability("displayName cannot be removed"));
        }
        (Target::ExternalId, Op::Add | Op::Replace) => match required()?.as_str() {
            Some(id) => sp.external_id = Some(id.to_owned()),
            None => return Err(ScimFault::invalid_value("externalId must be a string")),
        },
        (Target::ExternalId, Op::Remove) => sp.external_id = None,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sp() -> ServicePrincipal {
        ServicePrincipal::new("1", "app", "bot")
    }

    fn run(sp: ServicePrincipal, body: Value) -> Result<ServicePrincipal, ScimFault> {
        parse_request(body.to_string().as_bytes()).and_then(|ops| apply(sp, &ops))
    }

    fn ops(list: Value) -> Value {
        json!({"schemas": [PATCH_SCHEMA], "Operations": list})
    }

    #[test]
    fn grants_a_role_as_the_sdks_and_terraform_do() {
        let out = run(
            sp(),
            ops(json!([{"op": "add", "path": "roles", "value": [{"value": "account_admin"}]}])),
        )
        .unwrap();
        assert_eq!(out.roles, ["account_admin"]);
        let again = run(
            out,
            ops(json!([{"op": "add", "path": "roles", "value": [{"value": "account_admin"}]}])),
        )
        .unwrap();
        assert_eq!(
            again.roles,
            ["account_admin"],
            "adding a held role is a no-op"
        );
    }

    #[test]
    fn removes_a_role_by_filter_path_by_value_or_all() {
        let admin = || sp().account_admin().with_role("x");
        let by_filter = run(
            admin(),
            ops(json!([{"op": "remove", "path": "roles[value eq \"account_admin\"]"}])),
        )
        .unwrap();
        assert_eq!(by_filter.roles, ["x"]);
        let by_value = run(
            admin(),
            ops(json!([{"op": "remove", "path": "roles", "value": [{"value": "x"}]}])),
        )
        .unwrap();
        assert_eq!(by_value.roles, ["account_admin"]);
        let all = run(admin(), ops(json!([{"op": "Remove", "path": "roles"}]))).unwrap();
        assert!(all.roles.is_empty());
        let replaced = run(
            admin(),
            ops(json!([{"op": "replace", "path": "roles", "value": [{"value": "y"}]}])),
        )
        .unwrap();
        assert_eq!(replaced.roles, ["y"]);
    }

    #[test]
    fn deactivates_with_every_value_form() {
        for value in [json!([{"value": "false"}]), json!(false), json!("false")] {
            let out = run(
                sp(),
                ops(json!([{"op": "replace", "path": "active", "value": value}])),
            )
            .unwrap();
            assert!(!out.active, "{value}");
        }
        let path_less = run(
            sp(),
            json!({"Operations": [{"op": "Replace", "value": {"active": false, "displayName": "x"}}]}),
        )
        .unwrap();
        assert!(!path_less.active);
        assert_eq!(path_less.display_name, "x");
    }

    #[test]
    fn unknown_paths_are_invalid_path_and_change_nothing() {
        let fault = run(
            sp(),
            ops(json!([
                {"op": "replace", "path": "active", "value": false},
                {"op": "replace", "path": "userName", "value": "x"}
            ])),
        )
        .unwrap_err();
        assert_eq!(fault.scim_type, Some("invalidPath"));
        assert_eq!(fault.status, StatusCode::BAD_REQUEST);
        for path in [
            "entitlements",
            "roles.value",
            "roles[display eq \"a\"]",
            "applicationId",
        ] {
            let fault = run(
                sp(),
                ops(json!([{"op": "add", "path": path, "value": "a"}])),
            )
            .unwrap_err();
            assert_eq!(fault.scim_type, Some("invalidPath"), "{path}");
        }
    }

    #[test]
    fn malformed_requests_are_rejected() {
        for (body, scim_type) in [
            (json!({}), "invalidSyntax"),
            (json!({"Operations": []}), "invalidSyntax"),
            (
                json!({"schemas": ["x"], "Operations": [{"op": "add"}]}),
                "invalidSyntax",
            ),
            (
                ops(json!([{"op": "move", "path": "active"}])),
                "invalidSyntax",
            ),
            (ops(json!([{"op": "remove"}])), "noTarget"),
            (
                ops(json!([{"op": "replace", "path": "active", "value": "maybe"}])),
                "invalidValue",
            ),
            (
                ops(json!([{"op": "replace", "path": "active"}])),
                "invalidValue",
            ),
            (
                ops(json!([{"op": "add", "path": "roles", "value": "account_admin"}])),
                "invalidValue",
            ),
        ] {
            let fault = run(sp(), body.clone()).unwrap_err();
            assert_eq!(fault.scim_type, Some(scim_type), "{body}");
        }
        assert_eq!(
            parse_request(b"{").unwrap_err().scim_type,
            Some("invalidSyntax")
        );
    }

    #[test]
    fn role_filters_parse_only_value_eq() {
        assert_eq!(role_filter("roles[value eq \"a\"]").as_deref(), Some("a"));
        assert_eq!(
            role_filter("roles[ value  eq  \"a\" ]").as_deref(),
            Some("a")
        );
        assert_eq!(role_filter("roles[value co \"a\"]"), None);
        assert_eq!(role_filter("roles[valueeq\"a\"]"), None);
        assert_eq!(role_filter("roles[value eq \"\"]"), None);
    }
}
