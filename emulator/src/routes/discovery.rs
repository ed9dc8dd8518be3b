//! Discovery, as the SDKs use it to find the token endpoint of an account host:
//!
//! 1. `GET /.well-known/databricks-config` (host metadata): `oidc_endpoint` is
//!    `{host}/oidc/accounts/{account_id}` with the placeholder left in (an account host serves
//!    every account; sdk-go `config/host_metadata.go` and sdk-py `oauth.HostMetadata` substitute
//!    the configured account id), `host_type` is `account`.
//! 2. `GET /oidc/accounts/{account_id}/.well-known/oauth-authorization-server` (RFC 8414; what
//!    sdk-py appends to `oidc_endpoint`) and `…/.well-known/openid-configuration`: the
//!    account's endpoints, of which the SDKs read `token_endpoint` and `authorization_endpoint`.
//!    \[U\] The same document also answers `GET /oidc/accounts/{account_id}` itself, which some
//!    sdk-go versions fetch as the discovery URL.
//!
//! The URLs name the host the client used (its `Host` header) and the emulator's scheme, so a
//! client that reached the emulator as `https://localhost:PORT` is sent back there.

use std::net::SocketAddr;

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::errors;
use crate::loopback::loopback_if_unspecified;
use crate::state::State;

#[derive(Serialize)]
struct HostMetadata {
    oidc_endpoint: String,
    host_type: &'static str,
}

/// RFC 8414 fields, limited to what the emulator does: client credentials, Basic client
/// authentication, the `all-apis` scope. It issues no ID tokens, so there is no `jwks_uri`.
#[derive(Serialize)]
struct AuthorizationServer {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    response_types_supported: [&'static str; 1],
    grant_types_supported: [&'static str; 1],
    token_endpoint_auth_methods_supported: [&'static str; 1],
    scopes_supported: [&'static str; 1],
}

/// `{scheme}://{host}` for the documents: the request's `Host` when it is a plain
/// `host[:port]`, else the bound address (loopback for an unspecified bind address).
pub(crate) fn base_url(scheme: &str, headers: &HeaderMap, bound: Option<SocketAddr>) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|h| is_plain_authority(h))
        .map(str::to_owned)
        .or_else(|| bound.map(|a| loopback_if_unspecified(a).to_string()))
        .unwrap_or_else(|| "127.0.0.1".to_owned());
    format!("{scheme}://{host}")
}

/// Letters, digits, `.`, `-`, `:` and IPv6 brackets only: nothing that could change the
/// meaning of the URLs built from it.
fn is_plain_authority(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// `GET /.well-known/databricks-config`
pub(crate) fn host_metadata(base: &str) -> Response {
    Json(HostMetadata {
        oidc_endpoint: format!("{base}/oidc/accounts/{{account_id}}"),
        host_type: "account",
    })
    .into_response()
}

/// The discovery document of one account; 404 for an account the emulator does not hold.
/// \[U\] The real answer for an unknown account is not known.
pub(crate) fn authorization_server(st: &State, base: &str, account_id: &str) -> Response {
    let Some(account) = st.directory.account(account_id) else {
        return errors::api_error(
            StatusCode::NOT_FOUND,
            "RESOURCE_DOES_NOT_EXIST",
            format!("Account {account_id} does not exist."),
        );
    };
    let issuer = format!("{base}/oidc/accounts/{}", account.account_id);
    Json(AuthorizationServer {
        authorization_endpoint: format!("{issuer}/v1/authorize"),
        token_endpoint: format!("{issuer}/v1/token"),
        issuer,
        response_types_supported: ["code"],
        grant_types_supported: ["client_credentials"],
        token_endpoint_auth_methods_supported: ["client_secret_basic"],
        scopes_supported: ["all-apis"],
    })
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn host(h: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(header::HOST, HeaderValue::from_str(h).unwrap());
        m
    }

    #[test]
    fn base_url_follows_the_host_header() {
        let bound = Some(SocketAddr::from(([127, 0, 0, 1], 9)));
        assert_eq!(
            base_url("https", &host("localhost:8443"), bound),
            "https://localhost:8443"
        );
        assert_eq!(
            base_url("http", &host("[::1]:80"), bound),
            "http://[::1]:80"
        );
    }

    #[test]
    fn base_url_ignores_odd_host_headers() {
        let bound = Some(SocketAddr::from(([0, 0, 0, 0], 9)));
        for odd in ["evil.example/path", "a b", "x@y", ""] {
            assert_eq!(
                base_url("http", &host(odd), bound),
                "http://127.0.0.1:9",
                "{odd}"
            );
        }
        assert_eq!(
            base_url("http", &HeaderMap::new(), bound),
            "http://127.0.0.1:9"
        );
    }
}
