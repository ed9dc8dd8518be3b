//! Turning verification outcomes and client errors into diagnostics that name the attribute
//! and say what to do.

use databricks_account_client::{CheckFailure, Error as ClientError, ErrorKind, VerifyStatus};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::protocol::diagnostics::Diagnostic;
use crate::protocol::path::AttributePath;

/// The attribute a failed check is about, and a one-line summary.
fn describe(status: VerifyStatus, secret_attribute: &'static str) -> (&'static str, &'static str) {
    match status {
        VerifyStatus::Verified => ("status", "Connection verified"),
        VerifyStatus::CredentialsRejected => (
            secret_attribute,
            "Databricks refused the client ID and secret",
        ),
        VerifyStatus::ServicePrincipalNotFound => {
            ("service_principal_id", "Service principal not found")
        }
        VerifyStatus::ServicePrincipalInactive => {
            ("service_principal_id", "Service principal is deactivated")
        }
        VerifyStatus::ClientIdMismatch => (
            "client_id",
            "Client ID is not the service principal's application ID",
        ),
        VerifyStatus::NotAccountAdmin => (
            "service_principal_id",
            "Service principal is not an Account Admin",
        ),
        VerifyStatus::SecretNotFound => ("secret_id", "OAuth secret not found"),
        VerifyStatus::SecretInactive => ("secret_id", "OAuth secret is not active"),
        VerifyStatus::SecretExpired => ("secret_id", "OAuth secret has expired"),
    }
}

/// One error per failed check, for create and update: nothing is recorded.
pub fn check_failed(
    failure: &CheckFailure,
    secret_attribute: &'static str,
    context: &str,
) -> Diagnostic {
    let (attribute, summary) = describe(failure.status, secret_attribute);
    Diagnostic::error(summary, format!("{} {context}", sentence(&failure.reason)))
        .at(AttributePath::attr(attribute))
}

/// Drift found by a refresh: a warning that explains the new `status`.
pub fn drift(failure: &CheckFailure, connection: &str) -> Diagnostic {
    let (attribute, summary) = describe(failure.status, "client_secret");
    Diagnostic::warning(
        format!("{summary} ({connection})"),
        format!(
            "{} The connection's status is now \"{}\"; the next apply re-checks it and fails \
             until the cause is repaired.",
            sentence(&failure.reason),
            failure.status.as_str()
        ),
    )
    .at(AttributePath::attr(attribute))
}

/// Ends a reason with a full stop, so another sentence can follow.
fn sentence(reason: &str) -> String {
    let reason = reason.trim_end();
    if reason.ends_with(['.', '!', '?']) {
        reason.to_string()
    } else {
        format!("{reason}.")
    }
}

/// A call that could not complete: network, retries exhausted, management credentials.
pub fn client_error(operation: &str, error: &ClientError) -> Diagnostic {
    let summary = match error.kind() {
        ErrorKind::Cancelled => format!("{operation} was cancelled"),
        _ => format!("{operation} failed"),
    };
    Diagnostic::error(summary, error.to_string())
}

/// A warning when the secret expires within `days` (0 turns it off).
pub fn expiry_warning(
    expire_time: Option<&str>,
    days: i64,
    now: OffsetDateTime,
    connection: &str,
) -> Option<Diagnostic> {
    let expires = OffsetDateTime::parse(expire_time?, &Rfc3339).ok()?;
    if days <= 0 || expires <= now {
        return None;
    }
    let left = expires - now;
    if left > time::Duration::days(days) {
        return None;
    }
    Some(
        Diagnostic::warning(
            format!("OAuth secret expires soon ({connection})"),
            format!(
                "The secret expires at {} (in {} days, within expiry_warning_days = {days}). \
                 Create a new OAuth secret for the service principal and update client_secret \
                 and secret_id before then.",
                expire_time.unwrap_or_default(),
                left.whole_days()
            ),
        )
        .at(AttributePath::attr("secret_id")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn expiry_warning_only_inside_the_window() {
        let now = datetime!(2026-01-01 00:00 UTC);
        let soon = Some("2026-01-20T00:00:00Z");
        let later = Some("2026-03-01T00:00:00Z");
        assert!(expiry_warning(soon, 30, now, "c").is_some());
        assert!(expiry_warning(later, 30, now, "c").is_none());
        assert!(
            expiry_warning(soon, 0, now, "c").is_none(),
            "0 turns the warning off"
        );
        assert!(
            expiry_warning(None, 30, now, "c").is_none(),
            "never expires"
        );
        assert!(
            expiry_warning(Some("2025-12-01T00:00:00Z"), 30, now, "c").is_none(),
            "already expired is a status"
        );
    }

    #[test]
    fn each_failure_points_at_the_attribute_to_fix() {
        let attr = |status| describe(status, "client_secret_wo").0;
        assert_eq!(attr(VerifyStatus::CredentialsRejected), "client_secret_wo");
        assert_eq!(attr(VerifyStatus::ClientIdMismatch), "client_id");
        assert_eq!(attr(VerifyStatus::NotAccountAdmin), "service_principal_id");
        assert_eq!(attr(VerifyStatus::SecretExpired), "secret_id");
    }
}
