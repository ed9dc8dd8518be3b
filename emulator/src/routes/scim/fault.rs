//! The SCIM error answer (RFC 7644 §3.12) and the kinds the endpoints give.

use axum::http::StatusCode;
use axum::response::Response;

use crate::errors;

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
    /// (API.md, "SCIM service principals").
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
