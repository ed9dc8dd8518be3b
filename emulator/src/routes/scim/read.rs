//! SCIM reads (contract vectors T5–T11): GET by id and a filtered, paged list.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;

use super::resource::{ScimServicePrincipal, Selection, content_type};
use crate::errors;
use crate::form::query_param;
use crate::routes::auth::authorize;
use crate::seed::ServicePrincipal;
use crate::state::State;

const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

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
    let Ok(sp) = st.directory.service_principal(account_id, sp_id) else {
        return errors::scim_error(
            StatusCode::NOT_FOUND,
            &format!("Service principal with id {sp_id} is not found"),
            None,
            ct,
        );
    };
    let account = st
        .directory
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
    let Some(account) = st.directory.account(account_id) else {
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
}
