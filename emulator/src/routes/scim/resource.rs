//! The SCIM service-principal resource as the API answers it: its JSON representation, the
//! attributes a request selects, and the content type of the answer.

use std::collections::HashSet;

use axum::http::{HeaderMap, header};
use serde::Serialize;

use crate::form::query_param;
use crate::seed::ServicePrincipal;

pub(super) const SP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal";

/// Reply `application/scim+json` only to clients that ask for it; the Go SDK asks for
/// `application/json`. Either request content type is accepted.
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

/// Field order follows API.md's example of the resource.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_names() {
        let s = attr_names(
            "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal:displayName, roles.value",
        );
        assert!(s.contains("displayname") && s.contains("roles"));
    }
}
