//! `POST /oidc/accounts/{account_id}/v1/token` (contract vectors T1–T4).

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::basic_auth::basic_credentials;
use crate::errors;
use crate::form::parse_form;
use crate::ids;
use crate::state::State;

#[derive(Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    scope: String,
}

/// Checks, in order: the account exists (else 400 `invalid_request` "Invalid account", T4); the
/// body is a form (400 `invalid_request`); `grant_type=client_credentials` (400
/// `unsupported_grant_type`, T3); the Basic client credentials (401 `invalid_client`, T2).
///
/// \[U\] An expired, deleted or inactive secret and an inactive principal all give the same 401
/// `invalid_client` as a wrong secret. \[U\] Credentials in the form body (`client_secret_post`)
/// are not accepted: the SDKs never send them that way.
pub(crate) fn handle(
    st: &mut State,
    account_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    if st.directory.account(account_id).is_none() {
        return errors::oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Invalid account",
            None,
        );
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    if !is_form {
        return errors::oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Content-Type must be application/x-www-form-urlencoded",
            None,
        );
    }
    let form = parse_form(&String::from_utf8_lossy(body));
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    match field("grant_type") {
        Some("client_credentials") => {}
        Some(other) => {
            return errors::oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                &format!("Unsupported grant type: {other}"),
                None,
            );
        }
        None => {
            return errors::oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Missing grant_type",
                None,
            );
        }
    }
    let scope = field("scope")
        .filter(|s| !s.trim().is_empty())
        .unwrap_or("all-apis")
        .to_owned();

    let Some((client_id, client_secret)) = basic_credentials(headers) else {
        return invalid_client(st);
    };
    let now = crate::timefmt::now();
    let principal = st.directory.account(account_id).and_then(|a| {
        a.service_principals
            .values()
            .find(|sp| sp.application_id.eq_ignore_ascii_case(&client_id))
    });
    let Some(sp) = principal else {
        return invalid_client(st);
    };
    let secret_ok = sp
        .secrets
        .iter()
        .any(|s| s.secret == client_secret && s.is_active() && !s.is_expired(now));
    if !sp.active || !secret_ok {
        return invalid_client(st);
    }
    let sp = sp.clone();
    let access_token = st.issue_token(account_id, &sp);
    let mut resp = Json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: st.settings.token_ttl_seconds,
        scope,
    })
    .into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    resp
}

fn invalid_client(st: &mut State) -> Response {
    let error_id = ids::uuid(&mut st.rng);
    errors::oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Client authentication failed",
        Some(error_id),
    )
}
