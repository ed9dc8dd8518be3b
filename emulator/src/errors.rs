//! The three error envelopes of the account API (API.md, "Error envelopes").

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub(crate) const SCIM_ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// Databricks envelope: `{"error_code":"…","message":"…"}`.
pub(crate) fn api_error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    #[derive(Serialize)]
    struct Envelope<'a> {
        error_code: &'a str,
        message: String,
    }
    (
        status,
        Json(Envelope {
            error_code: code,
            message: message.into(),
        }),
    )
        .into_response()
}

/// OAuth (RFC 6749 §5.2) shape of the token endpoint, with Databricks' `error_id`.
pub(crate) fn oauth_error(
    status: StatusCode,
    error: &str,
    description: &str,
    error_id: Option<String>,
) -> Response {
    #[derive(Serialize)]
    struct OAuthError<'a> {
        error: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        error_id: Option<String>,
        error_description: &'a str,
    }
    let mut resp = (
        status,
        Json(OAuthError {
            error,
            error_id,
            error_description: description,
        }),
    )
        .into_response();
    // RFC 6749 §5.1/5.2: token responses must not be cached.
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    resp
}

/// SCIM error: `{"schemas":[…Error],"detail":"…","status":"404"}`.
pub(crate) fn scim_error(
    status: StatusCode,
    detail: &str,
    scim_type: Option<&str>,
    content_type: &'static str,
) -> Response {
    #[derive(Serialize)]
    struct ScimError<'a> {
        schemas: [&'a str; 1],
        detail: &'a str,
        #[serde(rename = "scimType", skip_serializing_if = "Option::is_none")]
        scim_type: Option<&'a str>,
        status: String,
    }
    let body = ScimError {
        schemas: [SCIM_ERROR_SCHEMA],
        detail,
        scim_type,
        status: status.as_u16().to_string(),
    };
    json_with_type(status, &body, content_type)
}

/// A JSON response with an explicit content type (SCIM answers may be `application/scim+json`).
pub(crate) fn json_with_type<T: Serialize>(
    status: StatusCode,
    body: &T,
    content_type: &'static str,
) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        Err(e) => api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            format!("serialization failed: {e}"),
        ),
    }
}

/// `ENDPOINT_NOT_FOUND`, as Databricks answers an unknown path or method.
pub(crate) fn no_api(method: &str, path: &str) -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        "ENDPOINT_NOT_FOUND",
        format!("No API found for '{method} {path}'"),
    )
}
