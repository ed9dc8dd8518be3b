//! Service-principal OAuth secrets (contract vectors T12–T16, T21–T24).

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::auth::authorize;
use crate::errors;
use crate::form::query_param;
use crate::ids;
use crate::seed::{MAX_LIFETIME_SECONDS, Secret};
use crate::state::{NewSecret, State};
use crate::timefmt;

const DEFAULT_PAGE_SIZE: usize = 100;

#[derive(Serialize)]
struct SecretInfo {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    secret_hash: String,
    create_time: String,
    update_time: String,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_time: Option<String>,
}

impl SecretInfo {
    fn new(s: &Secret, reveal: bool) -> Self {
        SecretInfo {
            id: s.id.clone(),
            secret: reveal.then(|| s.secret.clone()),
            secret_hash: s
                .secret_hash
                .clone()
                .unwrap_or_else(|| ids::secret_hash(&s.secret)),
            create_time: timefmt::format(s.create_time),
            update_time: timefmt::format(s.update_time.unwrap_or(s.create_time)),
            status: s.status.clone(),
            expire_time: s.expire_time.map(timefmt::format),
        }
    }
}

#[derive(Serialize)]
struct ListResponse {
    /// Left out when empty, as the service's `omitempty` does.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    secrets: Vec<SecretInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page_token: Option<String>,
}

fn invalid(message: impl Into<String>) -> Response {
    errors::api_error(StatusCode::BAD_REQUEST, "INVALID_PARAMETER_VALUE", message)
}

fn sp_missing(sp_id: &str, account_id: &str) -> Response {
    errors::api_error(
        StatusCode::NOT_FOUND,
        "RESOURCE_DOES_NOT_EXIST",
        format!("Service principal {sp_id} does not exist in account {account_id}."),
    )
}

/// `GET …/servicePrincipals/{id}/credentials/secrets?page_size=&page_token=`
///
/// Page tokens are opaque (`p<offset>`). \[U\] `page_size` above 100 is capped at 100; 0 or
/// absent means 100.
pub(crate) fn list(
    st: &State,
    account_id: &str,
    sp_id: &str,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Response {
    if let Err(resp) = authorize(st, headers, account_id) {
        return resp;
    }
    let Ok(sp) = st.directory.service_principal(account_id, sp_id) else {
        return sp_missing(sp_id, account_id);
    };
    let page_size = match query_param(query, "page_size").filter(|v| !v.is_empty()) {
        None => DEFAULT_PAGE_SIZE,
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n < 0 => return invalid(format!("page_size must not be negative: {n}")),
            Ok(0) => DEFAULT_PAGE_SIZE,
            Ok(n) => usize::try_from(n)
                .unwrap_or(DEFAULT_PAGE_SIZE)
                .min(DEFAULT_PAGE_SIZE),
            Err(_) => return invalid(format!("Invalid page_size: {v}")),
        },
    };
    let offset = match query_param(query, "page_token").filter(|v| !v.is_empty()) {
        None => 0,
        Some(t) => match t.strip_prefix('p').and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => n,
            None => return invalid(format!("Invalid page_token: {t}")),
        },
    };
    let now = timefmt::now();
    let omit_expired = st.settings.list_omits_expired_secrets;
    let visible: Vec<&Secret> = sp
        .secrets
        .iter()
        .filter(|s| !(omit_expired && s.is_expired(now)))
        .collect();
    let page: Vec<SecretInfo> = visible
        .iter()
        .skip(offset)
        .take(page_size)
        .map(|s| SecretInfo::new(s, false))
        .collect();
    let next = offset.saturating_add(page_size);
    let next_page_token = (next < visible.len()).then(|| format!("p{next}"));
    Json(ListResponse {
        secrets: page,
        next_page_token,
    })
    .into_response()
}

/// `"<N>s"` (protobuf Duration JSON; a fraction is accepted and dropped). \[U\] A bare number
/// such as `"86400"` is rejected, as a protobuf JSON parser would.
fn parse_lifetime(text: &str) -> Option<u64> {
    let digits = text.strip_suffix('s')?;
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || frac.len() > 9 {
        return None;
    }
    whole.parse().ok()
}

/// `POST …/servicePrincipals/{id}/credentials/secrets` with `{"lifetime":"<N>s"}` (optional,
/// default 730 days, at most 63072000s).
///
/// \[U\] The 6th secret: 400 `QUOTA_EXCEEDED` (a non-retryable code; only unexpired secrets
/// count towards the limit of `max_secrets_per_service_principal`).
pub(crate) fn create(
    st: &mut State,
    account_id: &str,
    sp_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    if let Err(resp) = authorize(st, headers, account_id) {
        return resp;
    }
    let Ok(sp) = st.directory.service_principal(account_id, sp_id) else {
        return sp_missing(sp_id, account_id);
    };
    let request: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(serde_json::Map::new())
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => {
                return errors::api_error(
                    StatusCode::BAD_REQUEST,
                    "MALFORMED_REQUEST",
                    format!("Could not parse request object: {e}"),
                );
            }
        }
    };
    let Some(request) = request.as_object() else {
        return errors::api_error(
            StatusCode::BAD_REQUEST,
            "MALFORMED_REQUEST",
            "Could not parse request object: expected a JSON object",
        );
    };
    let lifetime = match request.get("lifetime") {
        None | Some(serde_json::Value::Null) => MAX_LIFETIME_SECONDS,
        Some(serde_json::Value::String(s)) => match parse_lifetime(s) {
            Some(0) | None => {
                return invalid(format!(
                    "Invalid lifetime {s:?}: expected a positive number of seconds such as \"31536000s\""
                ));
            }
            Some(n) if n > MAX_LIFETIME_SECONDS => {
                return invalid(format!(
                    "Invalid lifetime {s:?}: the maximum lifetime is {MAX_LIFETIME_SECONDS}s (730 days)"
                ));
            }
            Some(n) => n,
        },
        Some(other) => return invalid(format!("Invalid lifetime {other}: expected a string")),
    };
    let now = timefmt::now();
    let live = sp.secrets.iter().filter(|s| !s.is_expired(now)).count();
    let max = st.settings.max_secrets_per_service_principal;
    if live >= max {
        return errors::api_error(
            StatusCode::BAD_REQUEST,
            "QUOTA_EXCEEDED",
            format!("Service principal {sp_id} already has the maximum number of secrets ({max})."),
        );
    }
    let new = NewSecret {
        lifetime_seconds: Some(i64::try_from(lifetime).unwrap_or(i64::MAX)),
        ..NewSecret::default()
    };
    match st.directory.add_secret(account_id, sp_id, new) {
        Ok(secret) => Json(SecretInfo::new(&secret, true)).into_response(),
        Err(e) => errors::api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_ERROR",
            e.to_string(),
        ),
    }
}

/// `DELETE …/servicePrincipals/{id}/credentials/secrets/{secret_id}` → 200 `{}`.
pub(crate) fn delete(
    st: &mut State,
    account_id: &str,
    sp_id: &str,
    secret_id: &str,
    headers: &HeaderMap,
) -> Response {
    if let Err(resp) = authorize(st, headers, account_id) {
        return resp;
    }
    if st.directory.service_principal(account_id, sp_id).is_err() {
        return sp_missing(sp_id, account_id);
    }
    match st.directory.delete_secret(account_id, sp_id, secret_id) {
        Ok(_) => Json(serde_json::Map::new()).into_response(),
        Err(_) => errors::api_error(
            StatusCode::NOT_FOUND,
            "RESOURCE_DOES_NOT_EXIST",
            format!("Secret {secret_id} does not exist for service principal {sp_id}."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes() {
        assert_eq!(parse_lifetime("63072000s"), Some(63_072_000));
        assert_eq!(parse_lifetime("1.5s"), Some(1));
        assert_eq!(parse_lifetime("86400"), None);
        assert_eq!(parse_lifetime("s"), None);
        assert_eq!(parse_lifetime("-1s"), None);
        assert_eq!(parse_lifetime("730d"), None);
        assert_eq!(parse_lifetime("99999999999999999999999s"), None);
    }
}
