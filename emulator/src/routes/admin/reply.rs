//! What the admin API answers: the resource as JSON, or `{"error": "…"}` with a status; and
//! how it reads the JSON bodies it is sent.

use axum::Json;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::state::AdminError;

pub(super) fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

pub(super) fn reply<T: Serialize>(result: Result<T, AdminError>) -> Response {
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => {
            let status = match e {
                AdminError::NotFound(_) => StatusCode::NOT_FOUND,
                AdminError::Conflict(_) => StatusCode::CONFLICT,
                AdminError::Invalid(_) => StatusCode::BAD_REQUEST,
            };
            error(status, &e.to_string())
        }
    }
}

/// A JSON body; an empty body is `T::default()` where `T` has one.
pub(super) fn body_or_default<T: DeserializeOwned + Default>(body: &Bytes) -> Result<T, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    body_required(body)
}

pub(super) fn body_required<T: DeserializeOwned>(body: &Bytes) -> Result<T, Response> {
    serde_json::from_slice(body)
        .map_err(|e| error(StatusCode::BAD_REQUEST, &format!("invalid JSON body: {e}")))
}
