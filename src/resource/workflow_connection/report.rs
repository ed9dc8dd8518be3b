//! Turning verification outcomes and client errors into diagnostics that name the attribute
//! and say what to do. None points at `client_secret` or `client_secret_wo`: Terraform prints
//! the configuration line under the attribute a diagnostic names, and with a literal secret
//! that line is the secret.

use databricks_account_client::{CheckFailure, VerifyStatus};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::attributes::{Attr, Status};
use crate::protocol::diagnostics::Diagnostic;

mod client_error;
pub use client_error::client_error;

/// The attribute a failed check is about, and a one-line summary.
fn describe(status: VerifyStatus) -> (Attr, &'static str) {
    match status {
        VerifyStatus::Verified => (Attr::Status, "Connection verified"),
        // The secret is what was refused, but the client ID names the pair without showing it.
        VerifyStatus::CredentialsRejected => (
            Attr::ClientId,
            "Databricks refused the client ID and secret",
        ),
        VerifyStatus::ServicePrincipalNotFound => {
            (Attr::ServicePrincipalId, "Service principal not found")
        }
        VerifyStatus::ServicePrincipalInactive => {
            (Attr::ServicePrincipalId, "Service principal is deactivated")
        }
        VerifyStatus::ClientIdMismatch => (
            Attr::ClientId,
            "Client ID is not the service principal's application ID",
        ),
        VerifyStatus::NotAccountAdmin => (
            Attr::ServicePrincipalId,
            "Service principal is not an Account Admin",
        ),
        VerifyStatus::SecretNotFound => (Attr::SecretId, "OAuth secret not found"),
        VerifyStatus::SecretInactive => (Attr::SecretId, "OAuth secret is not active"),
        VerifyStatus::SecretExpired => (Attr::SecretId, "OAuth secret has expired"),
    }
}

/// One error per failed check, for create and update: nothing is recorded. `context` is a
/// sentence that says what happened to the record.
pub fn check_failed(failure: &CheckFailure, context: &str) -> Diagnostic {
    let (attribute, summary) = describe(failure.status);
    Diagnostic::error(summary, format!("{} {context}", sentence(&failure.reason)))
        .at(attribute.path())
}

/// Drift found by a refresh: one warning per connection that names its new `status` once and
/// lists every failed check.
pub fn drift(failures: &[CheckFailure], connection: &str) -> Option<Diagnostic> {
    let first = failures.first()?;
    let (attribute, summary) = describe(first.status);
    let reasons = match failures {
        [only] => sentence(&only.reason),
        all => format!(
            "Every failed check: {}",
            all.iter()
                .enumerate()
                .map(|(i, f)| format!("({}) {}", i + 1, sentence(&f.reason)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    };
    Some(
        Diagnostic::warning(
            format!("{summary} ({connection})"),
            format!(
                "{reasons} The connection's status is now \"{}\"; the next apply checks it again \
                 and fails until the cause is repaired.",
                Status::from(first.status)
            ),
        )
        .at(attribute.path()),
    )
}

/// Ends a reason with a full stop, so another sentence can follow.
pub fn sentence(reason: &str) -> String {
    let reason = reason.trim_end();
    if reason.ends_with(['.', '!', '?']) {
        reason.to_string()
    } else {
        format!("{reason}.")
    }
}

/// A warning when the secret expires within `days` (0 turns it off).
pub fn expiry_warning(
    expire_time: Option<&str>,
    days: i64,
    now: OffsetDateTime,
    connection: &str,
) -> Option<Diagnostic> {
    let raw = expire_time?;
    let expires = OffsetDateTime::parse(raw, &Rfc3339).ok()?;
    if days <= 0 || expires <= now {
        return None;
    }
    // `days` comes from state or configuration: a window past what a Duration holds covers
    // every expiry there is.
    let window = days
        .checked_mul(86_400)
        .map_or(time::Duration::MAX, time::Duration::seconds);
    let left = expires - now;
    if left > window {
        return None;
    }
    Some(
        Diagnostic::warning(
            format!("OAuth secret expires soon ({connection})"),
            format!(
                "The secret expires at {raw} ({}, within expiry_warning_days = {days}). Create \
                 a new OAuth secret for the service principal and give the connection its value \
                 and secret_id before then.",
                time_left(left)
            ),
        )
        .at(Attr::SecretId.path()),
    )
}

/// How far off `left` is, as a person would say it: `in 10 days` for a secret of a 10-day
/// lifetime created a moment ago, `in 5 hours`, `in less than an hour`.
fn time_left(left: time::Duration) -> String {
    let plural = |n: i64, unit: &str| format!("in {n} {unit}{}", if n == 1 { "" } else { "s" });
    let hours = left
        .saturating_add(time::Duration::minutes(30))
        .whole_hours();
    if hours < 1 {
        "in less than an hour".to_owned()
    } else if hours < 24 {
        plural(hours, "hour")
    } else {
        plural(
            left.saturating_add(time::Duration::hours(12)).whole_days(),
            "day",
        )
    }
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
    fn the_time_left_is_rounded_as_a_person_would_say_it() {
        use time::Duration;
        let secs = |s: i64| time_left(Duration::seconds(s));
        assert_eq!(secs(10 * 86_400 - 5), "in 10 days");
        assert_eq!(secs(86_400), "in 1 day");
        assert_eq!(secs(36 * 3_600 - 1), "in 1 day");
        assert_eq!(secs(36 * 3_600), "in 2 days");
        assert_eq!(secs(23 * 3_600 + 40 * 60), "in 1 day");
        assert_eq!(secs(5 * 3_600 + 10 * 60), "in 5 hours");
        assert_eq!(secs(3_600), "in 1 hour");
        assert_eq!(secs(20 * 60), "in less than an hour");
        let now = datetime!(2026-01-01 00:00 UTC);
        let w = expiry_warning(Some("2026-01-10T23:59:58Z"), 30, now, "c").unwrap();
        assert!(w.detail.contains("(in 10 days, within"), "{}", w.detail);
    }

    #[test]
    fn any_number_of_days_and_any_expiry_is_a_value_not_a_panic() {
        let now = datetime!(2026-01-01 00:00 UTC);
        for days in [i64::MAX, i64::MIN, 106_751_991_167_301, 1 << 62] {
            for expiry in [
                "9999-12-31T23:59:59-23:59",
                "0000-01-01T00:00:00+23:59",
                "2026-01-02T00:00:00Z",
                "garbage",
            ] {
                let _ = expiry_warning(Some(expiry), days, now, "c");
            }
        }
        assert!(expiry_warning(Some("9999-12-31T23:59:59-23:59"), i64::MAX, now, "c").is_some());
    }

    #[test]
    fn no_failure_points_at_a_secret_attribute() {
        for status in VerifyStatus::ALL {
            let (attribute, _) = describe(status);
            assert!(
                !matches!(attribute, Attr::ClientSecret | Attr::ClientSecretWo),
                "{status}"
            );
        }
        assert_eq!(
            describe(VerifyStatus::CredentialsRejected).0,
            Attr::ClientId
        );
        assert_eq!(
            describe(VerifyStatus::NotAccountAdmin).0,
            Attr::ServicePrincipalId
        );
        assert_eq!(describe(VerifyStatus::SecretExpired).0, Attr::SecretId);
    }

    #[test]
    fn one_drift_warning_names_one_status_and_lists_every_failure() {
        let failures = [
            CheckFailure {
                status: VerifyStatus::ServicePrincipalInactive,
                reason: "deactivated".into(),
            },
            CheckFailure {
                status: VerifyStatus::NotAccountAdmin,
                reason: "no admin role".into(),
            },
        ];
        let w = drift(&failures, "connection \"c\"").unwrap();
        assert!(
            w.detail.contains("(1) deactivated. (2) no admin role."),
            "{}",
            w.detail
        );
        assert_eq!(w.detail.matches("status is now").count(), 1);
        assert!(w.detail.contains("\"service_principal_inactive\""));
        assert!(drift(&[], "c").is_none());
    }
}
