//! Account SCIM service principals (reference §2, T5–T11): GET by id and a filtered list.

use std::collections::HashSet;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

use super::auth::authorize;
use super::query_param;
use crate::errors;
use crate::seed::ServicePrincipal;
use crate::state::State;

const SP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal";
const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// Reply `application/scim+json` only to clients that ask for it; the Go SDK asks for
/// `application/json` (reference §2.1). Either request content type is accepted.
fn content_type(headers: &HeaderMap) -> &'static str {
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
struct ScimServicePrincipal<'a> {
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
struct Selection {
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
    fn from_query(query: Option<&str>, roles_by_default: bool) -> Self {
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

    fn render<'a>(
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

/// `GET /api/2.0/accounts/{account_id}/scim/v2/ServicePrincipals/{id}`
pub(crate) fn get(
    st: &State,
    account_id: &str,
    sp_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Response {
    if let Err(resp) = authorize(st, headers, account_id) {
        return resp;
    }
    let ct = content_type(headers);
    let Ok(sp) = st.service_principal(account_id, sp_id) else {
        return errors::scim_error(
            StatusCode::NOT_FOUND,
            &format!("Service principal with id {sp_id} is not found"),
            None,
            ct,
        );
    };
    let account = st
        .account(account_id)
        .map_or(account_id, |a| a.account_id.as_str());
    let sel = Selection::from_query(query, !st.settings.scim_get_omits_roles);
    errors::json_with_type(StatusCode::OK, &sel.render(sp, account), ct)
}

#[derive(Serialize)]
struct ListResponse<'a> {
    schemas: [&'static str; 1],
    #[serde(rename = "totalResults")]
    total_results: usize,
    #[serde(rename = "startIndex")]
    start_index: usize,
    #[serde(rename = "itemsPerPage")]
    items_per_page: usize,
    /// \[U\] Left out when empty, as a Go `omitempty` server would.
    #[serde(rename = "Resources", skip_serializing_if = "Vec::is_empty")]
    resources: Vec<ScimServicePrincipal<'a>>,
}

/// `attr eq "value"`, the only filter form the emulator understands.
struct Filter {
    attr: String,
    value: String,
}

impl Filter {
    fn parse(text: &str) -> Option<Filter> {
        let text = text.trim();
        let (attr, rest) = text.split_once(char::is_whitespace)?;
        let (op, value) = rest.trim_start().split_once(char::is_whitespace)?;
        if !op.eq_ignore_ascii_case("eq") {
            return None;
        }
        let value = value.trim().strip_prefix('"')?.strip_suffix('"')?;
        let attr = attr.to_ascii_lowercase();
        matches!(
            attr.as_str(),
            "id" | "applicationid" | "displayname" | "externalid"
        )
        .then(|| Filter {
            attr,
            value: value.to_owned(),
        })
    }

    fn matches(&self, sp: &ServicePrincipal) -> bool {
        match self.attr.as_str() {
            "id" => sp.id == self.value,
            "applicationid" => sp.application_id.eq_ignore_ascii_case(&self.value),
            "displayname" => sp.display_name == self.value,
            "externalid" => sp.external_id.as_deref() == Some(self.value.as_str()),
            _ => false,
        }
    }
}

/// `GET /api/2.0/accounts/{account_id}/scim/v2/ServicePrincipals?filter=&startIndex=&count=`
/// \[U\] default `count` 100, at most 10000.
pub(crate) fn list(
    st: &State,
    account_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Response {
    if let Err(resp) = authorize(st, headers, account_id) {
        return resp;
    }
    let ct = content_type(headers);
    let filter = match query_param(query, "filter").filter(|f| !f.trim().is_empty()) {
        None => None,
        Some(text) => match Filter::parse(&text) {
            Some(f) => Some(f),
            None => {
                return errors::scim_error(
                    StatusCode::BAD_REQUEST,
                    &format!("Unsupported filter: {text}"),
                    Some("invalidFilter"),
                    ct,
                );
            }
        },
    };
    let number = |name: &str, default: usize| -> Result<usize, Response> {
        match query_param(query, name) {
            None => Ok(default),
            Some(v) => v.trim().parse::<usize>().map_err(|_| {
                errors::scim_error(
                    StatusCode::BAD_REQUEST,
                    &format!("Invalid {name}: {v}"),
                    Some("invalidValue"),
                    ct,
                )
            }),
        }
    };
    let start_index = match number("startIndex", 1) {
        Ok(n) => n.max(1),
        Err(resp) => return resp,
    };
    let count = match number("count", 100) {
        Ok(n) => n.min(10_000),
        Err(resp) => return resp,
    };
    let Some(account) = st.account(account_id) else {
        return errors::scim_error(StatusCode::NOT_FOUND, "Account not found", None, ct);
    };
    let matching: Vec<&ServicePrincipal> = account
        .service_principals
        .values()
        .filter(|sp| filter.as_ref().is_none_or(|f| f.matches(sp)))
        .collect();
    let sel = Selection::from_query(query, !st.settings.scim_get_omits_roles);
    let resources: Vec<ScimServicePrincipal<'_>> = matching
        .iter()
        .skip(start_index - 1)
        .take(count)
        .map(|sp| sel.render(sp, &account.account_id))
        .collect();
    let body = ListResponse {
        schemas: [LIST_SCHEMA],
        total_results: matching.len(),
        start_index,
        items_per_page: resources.len(),
        resources,
    };
    errors::json_with_type(StatusCode::OK, &body, ct)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let f = Filter::parse(r#"applicationId eq "ABC""#).unwrap();
        let sp = ServicePrincipal::new("1", "abc", "n");
        assert!(f.matches(&sp));
        assert!(Filter::parse(r#"applicationId co "a""#).is_none());
        assert!(Filter::parse(r#"userName eq "a""#).is_none());
        assert!(Filter::parse("junk").is_none());
    }

    #[test]
    fn attribute_names() {
        let s = attr_names(
            "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal:displayName, roles.value",
        );
        assert!(s.contains("displayname") && s.contains("roles"));
    }
}
