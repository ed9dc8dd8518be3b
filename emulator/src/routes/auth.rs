//! Bearer-token checks shared by the SCIM and secrets endpoints.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use crate::errors;
use crate::seed::{ACCOUNT_ADMIN, ServicePrincipal};
use crate::state::{State, account_key};

/// The message the real service gives non-admin callers of account APIs.
pub(crate) const NOT_ADMIN: &str = "API is disabled for users without account admin status";

fn unauthenticated(message: &str) -> Response {
    errors::api_error(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message)
}

/// The calling principal, if the request carries a live token for this account whose principal
/// still exists, is active and holds `account_admin`.
///
/// \[U\] Whether a token outlives the deletion or deactivation of its principal is unknown; the
/// emulator treats such tokens as revoked (401), like an unknown token. \[U\] Every account API
/// here, including a principal listing its own secrets, requires `account_admin` (403).
pub(crate) fn authorize<'a>(
    st: &'a State,
    headers: &HeaderMap,
    account_id: &str,
) -> Result<&'a ServicePrincipal, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return Err(unauthenticated(
            "Credential was not sent or was of an unsupported type for this API.",
        ));
    };
    let Some(grant) = st.tokens.grant(token) else {
        return Err(unauthenticated("Invalid access token."));
    };
    if grant.account_key != account_key(account_id) {
        return Err(unauthenticated(
            "Invalid access token: the token was not issued for this account.",
        ));
    }
    let sp = match st.directory.service_principal(account_id, &grant.sp_id) {
        Ok(sp)
            if sp.active
                && sp
                    .application_id
                    .eq_ignore_ascii_case(&grant.application_id) =>
        {
            sp
        }
        _ => return Err(unauthenticated("Invalid access token.")),
    };
    if !sp.has_role(ACCOUNT_ADMIN) {
        return Err(errors::api_error(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            NOT_ADMIN,
        ));
    }
    Ok(sp)
}
