//! HTTP routing: the real API paths are matched by hand (so that counting, faults and error
//! shapes are under our control for every input), the admin API is an axum router.

// Handlers return `Result<_, Response>` to answer early with an error envelope; a response is
// produced once per request, so boxing it would buy nothing.
#![allow(clippy::result_large_err)]

mod admin;
mod auth;
mod discovery;
mod scim;
mod secrets;
mod token;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxumState};
use axum::http::{Method, StatusCode, header, request::Parts};
use axum::response::Response;

use crate::errors;
use crate::faults::{self, Fault};
use crate::form::decode_path_segment;
use crate::reqlog::Pending;
use crate::shared::Shared;
use crate::state::CallCounts;

/// Largest request body read (token form or secret-create JSON).
const MAX_BODY_BYTES: usize = 1 << 20;

pub(crate) use admin::HostRule;

/// The account API, and the admin API under `/_emulator/` for the hosts `admin_hosts` allows.
pub(crate) fn router(shared: Arc<Shared>, admin_hosts: HostRule) -> Router {
    Router::new()
        .nest("/_emulator", admin::router(admin_hosts))
        .fallback(api)
        .with_state(shared)
}

/// The real API's endpoints, parsed from method and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Token {
        account_id: String,
    },
    ScimGet {
        account_id: String,
        sp_id: String,
    },
    ScimList {
        account_id: String,
    },
    SecretsList {
        account_id: String,
        sp_id: String,
    },
    SecretsCreate {
        account_id: String,
        sp_id: String,
    },
    SecretsDelete {
        account_id: String,
        sp_id: String,
        secret_id: String,
    },
    ScimCreate {
        account_id: String,
    },
    ScimReplace {
        account_id: String,
        sp_id: String,
    },
    ScimPatch {
        account_id: String,
        sp_id: String,
    },
    ScimDelete {
        account_id: String,
        sp_id: String,
    },
    /// `GET /.well-known/databricks-config`
    HostMetadata,
    /// The OAuth / OIDC discovery document of an account.
    OidcDiscovery {
        account_id: String,
    },
    /// Where the login redirect fault points; never faulted itself.
    Login,
    Other,
}

impl Endpoint {
    pub fn classify(method: &Method, path: &str) -> Endpoint {
        let Some(rest) = path.strip_prefix('/') else {
            return Endpoint::Other;
        };
        let segs: Vec<String> = rest.split('/').map(decode_path_segment).collect();
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let m = method.clone();
        match (m, segs.as_slice()) {
            (Method::POST, ["oidc", "accounts", acc, "v1", "token"]) => Endpoint::Token {
                account_id: (*acc).to_owned(),
            },
            (
                m,
                [
                    "api",
                    "2.0",
                    "accounts",
                    acc,
                    "scim",
                    "v2",
                    "ServicePrincipals",
                    id,
                ],
            ) => {
                let (account_id, sp_id) = ((*acc).to_owned(), (*id).to_owned());
                match m {
                    Method::GET => Endpoint::ScimGet { account_id, sp_id },
                    Method::PUT => Endpoint::ScimReplace { account_id, sp_id },
                    Method::PATCH => Endpoint::ScimPatch { account_id, sp_id },
                    Method::DELETE => Endpoint::ScimDelete { account_id, sp_id },
                    _ => Endpoint::Other,
                }
            }
            (
                m @ (Method::GET | Method::POST),
                [
                    "api",
                    "2.0",
                    "accounts",
                    acc,
                    "scim",
                    "v2",
                    "ServicePrincipals",
                ],
            ) => {
                let account_id = (*acc).to_owned();
                if m == Method::GET {
                    Endpoint::ScimList { account_id }
                } else {
                    Endpoint::ScimCreate { account_id }
                }
            }
            (Method::GET, [".well-known", "databricks-config"]) => Endpoint::HostMetadata,
            (
                Method::GET,
                [
                    "oidc",
                    "accounts",
                    acc,
                    ".well-known",
                    "oauth-authorization-server" | "openid-configuration",
                ],
            )
            | (Method::GET, ["oidc", "accounts", acc]) => Endpoint::OidcDiscovery {
                account_id: (*acc).to_owned(),
            },
            (
                m @ (Method::GET | Method::POST),
                [
                    "api",
                    "2.0",
                    "accounts",
                    acc,
                    "servicePrincipals",
                    sp,
                    "credentials",
                    "secrets",
                ],
            ) => {
                let (account_id, sp_id) = ((*acc).to_owned(), (*sp).to_owned());
                if m == Method::GET {
                    Endpoint::SecretsList { account_id, sp_id }
                } else {
                    Endpoint::SecretsCreate { account_id, sp_id }
                }
            }
            (
                Method::DELETE,
                [
                    "api",
                    "2.0",
                    "accounts",
                    acc,
                    "servicePrincipals",
                    sp,
                    "credentials",
                    "secrets",
                    sid,
                ],
            ) => Endpoint::SecretsDelete {
                account_id: (*acc).to_owned(),
                sp_id: (*sp).to_owned(),
                secret_id: (*sid).to_owned(),
            },
            (Method::GET, ["login"]) => Endpoint::Login,
            _ => Endpoint::Other,
        }
    }

    fn count(&self, calls: &mut CallCounts) {
        let c = match self {
            Endpoint::Token { .. } => &mut calls.token,
            Endpoint::ScimGet { .. } => &mut calls.scim_get,
            Endpoint::ScimList { .. } => &mut calls.scim_list,
            Endpoint::SecretsList { .. } => &mut calls.secrets_list,
            Endpoint::SecretsCreate { .. } => &mut calls.secrets_create,
            Endpoint::SecretsDelete { .. } => &mut calls.secrets_delete,
            Endpoint::ScimCreate { .. } => &mut calls.scim_create,
            Endpoint::ScimReplace { .. } => &mut calls.scim_replace,
            Endpoint::ScimPatch { .. } => &mut calls.scim_patch,
            Endpoint::ScimDelete { .. } => &mut calls.scim_delete,
            Endpoint::HostMetadata | Endpoint::OidcDiscovery { .. } => &mut calls.discovery,
            Endpoint::Login | Endpoint::Other => &mut calls.other,
        };
        *c += 1;
    }
}

/// Every request outside `/_emulator/`: count it, apply latency and faults, answer, and log it.
async fn api(AxumState(shared): AxumState<Arc<Shared>>, req: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let pending = Pending::new(
        parts.method.as_str(),
        &path,
        parts.uri.query(),
        &parts.headers,
    );
    let endpoint = Endpoint::classify(&parts.method, &path);
    let (fault, latency) = {
        let mut st = shared.lock();
        endpoint.count(&mut st.calls);
        if endpoint == Endpoint::Login {
            (None, Duration::ZERO)
        } else {
            (st.take_fault(&parts.method, &path), st.sample_latency())
        }
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let fault_kind = fault.as_ref().map_or("-", Fault::kind);
    let dropped = matches!(fault, Some(Fault::DropConnection));
    let resp = match fault {
        None => answer(&shared, endpoint, &parts, body).await,
        Some(Fault::Delay { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            answer(&shared, endpoint, &parts, body).await
        }
        Some(Fault::TruncatedJson) => truncate(answer(&shared, endpoint, &parts, body).await).await,
        Some(f) => {
            let pq = parts
                .uri
                .path_and_query()
                .map_or(path.as_str(), |p| p.as_str());
            faults::respond(&f, pq)
        }
    };
    let status = if dropped { 0 } else { resp.status().as_u16() };
    tracing::info!(
        method = %parts.method,
        path = %path,
        status,
        fault = fault_kind,
        "request"
    );
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    shared
        .lock()
        .record_request(pending.finish(status, latency_ms));
    resp
}

async fn answer(shared: &Shared, endpoint: Endpoint, parts: &Parts, body: Body) -> Response {
    let headers = &parts.headers;
    let query = parts.uri.query();
    match endpoint {
        Endpoint::Token { account_id } => match read_body(body).await {
            Ok(bytes) => token::handle(&mut shared.lock(), &account_id, headers, &bytes),
            Err(resp) => resp,
        },
        Endpoint::ScimGet { account_id, sp_id } => {
            scim::get(&shared.lock(), &account_id, &sp_id, headers, query)
        }
        Endpoint::ScimList { account_id } => {
            scim::list(&shared.lock(), &account_id, headers, query)
        }
        Endpoint::ScimCreate { account_id } => match read_body(body).await {
            Ok(bytes) => scim::create(&mut shared.lock(), &account_id, headers, &bytes),
            Err(resp) => resp,
        },
        Endpoint::ScimReplace { account_id, sp_id } => match read_body(body).await {
            Ok(bytes) => scim::replace(&mut shared.lock(), &account_id, &sp_id, headers, &bytes),
            Err(resp) => resp,
        },
        Endpoint::ScimPatch { account_id, sp_id } => match read_body(body).await {
            Ok(bytes) => scim::patch(&mut shared.lock(), &account_id, &sp_id, headers, &bytes),
            Err(resp) => resp,
        },
        Endpoint::ScimDelete { account_id, sp_id } => {
            scim::delete(&mut shared.lock(), &account_id, &sp_id, headers)
        }
        Endpoint::HostMetadata => discovery::host_metadata(&base_url(shared, headers)),
        Endpoint::OidcDiscovery { account_id } => {
            let base = base_url(shared, headers);
            discovery::authorization_server(&shared.lock(), &base, &account_id)
        }
        Endpoint::SecretsList { account_id, sp_id } => {
            secrets::list(&shared.lock(), &account_id, &sp_id, headers, query)
        }
        Endpoint::SecretsCreate { account_id, sp_id } => match read_body(body).await {
            Ok(bytes) => secrets::create(&mut shared.lock(), &account_id, &sp_id, headers, &bytes),
            Err(resp) => resp,
        },
        Endpoint::SecretsDelete {
            account_id,
            sp_id,
            secret_id,
        } => secrets::delete(&mut shared.lock(), &account_id, &sp_id, &secret_id, headers),
        Endpoint::Login => faults::login_page(),
        Endpoint::Other => errors::no_api(parts.method.as_str(), parts.uri.path()),
    }
}

/// `{scheme}://{host}` as the client addressed the emulator.
fn base_url(shared: &Shared, headers: &axum::http::HeaderMap) -> String {
    discovery::base_url(shared.scheme(), headers, shared.bound())
}

async fn read_body(body: Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            errors::api_error(
                StatusCode::BAD_REQUEST,
                "MALFORMED_REQUEST",
                "Request body could not be read or is too large",
            )
        })
}

/// The `truncated_json` fault: same status and headers, half the body.
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let keep = (bytes.len() / 2).max(1).min(bytes.len());
    let cut = if bytes.is_empty() {
        Bytes::from_static(b"{")
    } else {
        bytes.slice(..keep)
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(cut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_real_paths() {
        assert_eq!(
            Endpoint::classify(&Method::POST, "/oidc/accounts/a/v1/token"),
            Endpoint::Token {
                account_id: "a".into()
            }
        );
        assert_eq!(
            Endpoint::classify(&Method::GET, "/oidc/accounts/a/v1/token"),
            Endpoint::Other
        );
        assert_eq!(
            Endpoint::classify(
                &Method::DELETE,
                "/api/2.0/accounts/a/servicePrincipals/1/credentials/secrets/%61b"
            ),
            Endpoint::SecretsDelete {
                account_id: "a".into(),
                sp_id: "1".into(),
                secret_id: "ab".into()
            }
        );
        assert_eq!(
            Endpoint::classify(
                &Method::GET,
                "/api/2.0/accounts/a/scim/v2/ServicePrincipals/1/"
            ),
            Endpoint::Other
        );
    }
}
