//! The pure checks of a verification: what a refused token, a service principal and a secret
//! list say about the connection.

use time::OffsetDateTime;

use super::times::{format_time, normalise_time, parse_time};
use super::types::{CheckFailure, ObservedPrincipal, ObservedSecret, VerifyInput, VerifyStatus};
use crate::error::{Error, ErrorKind};
use crate::scim::{ACCOUNT_ADMIN_ROLE, ServicePrincipal};
use crate::secrets::SecretInfo;

pub(crate) fn token_refused(
    input: &VerifyInput,
    e: &Error,
    recorded_expiry: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> CheckFailure {
    let why = match (e.status(), e.code()) {
        (Some(s), Some(c)) => format!("HTTP {s}, {c}"),
        (Some(s), None) => format!("HTTP {s}"),
        _ => "refused".to_owned(),
    };
    let client_id = input.client_id.as_deref().unwrap_or_default();
    match recorded_expiry {
        Some(expiry) if expiry <= now => CheckFailure {
            status: VerifyStatus::SecretExpired,
            reason: format!(
                "Databricks refused the client secret of client ID {client_id} ({why}), and the secret's recorded expiry {} has passed; create a new OAuth secret for service principal {} and use it with its secret ID",
                format_time(expiry),
                input.service_principal_id
            ),
        },
        _ => CheckFailure {
            status: VerifyStatus::CredentialsRejected,
            reason: format!(
                "Databricks refused client ID {client_id} with this client secret for account {} ({why}); check the client ID, the client secret and the account ID — the secret may have been deleted or expired, or the service principal deactivated or deleted",
                input.account_id
            ),
        },
    }
}

/// A 403 for the connection's own token: the principal refused is the one the client ID signs
/// in as, which is the connection's principal only if the client ID is its application ID (the
/// 403 keeps that from being compared).
pub(super) fn not_admin_403(input: &VerifyInput, what: &str, e: &Error) -> CheckFailure {
    let client_id = input.client_id.as_deref().unwrap_or_default();
    let sp = &input.service_principal_id;
    CheckFailure {
        status: VerifyStatus::NotAccountAdmin,
        reason: format!(
            "the credentials are valid, but {what} refused the call for service principal {sp} made as client ID {client_id} (HTTP 403{}): the service principal that client ID {client_id} belongs to lacks the Account Admin role; grant that principal the role in the account console (Roles tab). If client ID {client_id} is not service principal {sp}'s application ID, the client ID belongs to another principal: check client_id",
            e.code().map(|c| format!(", {c}")).unwrap_or_default()
        ),
    }
}

fn describe(principal: &ServicePrincipal, input: &VerifyInput) -> String {
    match principal.display_name.as_deref() {
        Some(name) if !name.is_empty() => {
            format!(
                "service principal {} ({name:?})",
                input.service_principal_id
            )
        }
        _ => format!("service principal {}", input.service_principal_id),
    }
}

pub(super) fn principal_failures(
    principal: &ServicePrincipal,
    input: &VerifyInput,
) -> Vec<CheckFailure> {
    let who = describe(principal, input);
    let mut failures = Vec::new();
    if !principal.is_active() {
        failures.push(CheckFailure {
            status: VerifyStatus::ServicePrincipalInactive,
            reason: format!(
                "{who} is deactivated; activate it in the account console or use an active service principal"
            ),
        });
    }
    // Compared only when the connection knows its client ID; an imported one learns it here.
    if let Some(client_id) = input.client_id.as_deref()
        && !principal.application_id_matches(client_id)
    {
        failures.push(CheckFailure {
            status: VerifyStatus::ClientIdMismatch,
            reason: format!(
                "{who} has application ID {}, not client ID {client_id}: the client ID and the service principal ID belong to different service principals",
                principal.application_id
            ),
        });
    }
    if !principal.has_role(ACCOUNT_ADMIN_ROLE) {
        failures.push(CheckFailure {
            status: VerifyStatus::NotAccountAdmin,
            reason: format!(
                "{who} does not hold the Account Admin role ({ACCOUNT_ADMIN_ROLE}); grant it in the account console (Roles tab)"
            ),
        });
    }
    failures
}

pub(super) fn observe_principal(principal: &ServicePrincipal) -> ObservedPrincipal {
    ObservedPrincipal {
        id: principal.id.clone(),
        display_name: principal.display_name.clone(),
        application_id: Some(principal.application_id.clone()),
        active: principal.is_active(),
        account_admin: principal.has_role(ACCOUNT_ADMIN_ROLE),
    }
}

/// Presence, status and expiry of the secret; an `expire_time` that cannot be read is an error
/// (its expiry cannot be checked, and guessing would be failing open).
pub(crate) fn secret_checks(
    secrets: &[SecretInfo],
    input: &VerifyInput,
    recorded_expiry: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<(Vec<CheckFailure>, Option<ObservedSecret>), Error> {
    let wanted = input.secret_id.trim();
    let Some(secret) = secrets
        .iter()
        .find(|s| s.id.trim().eq_ignore_ascii_case(wanted))
    else {
        // The API leaves expired secrets out of the list, so a recorded expiry that has passed
        // explains the absence.
        let failure = match recorded_expiry {
            Some(expiry) if expiry <= now => CheckFailure {
                status: VerifyStatus::SecretExpired,
                reason: format!(
                    "secret {wanted} is no longer listed for service principal {} and its recorded expiry {} has passed; create a new OAuth secret",
                    input.service_principal_id,
                    format_time(expiry)
                ),
            },
            _ => CheckFailure {
                status: VerifyStatus::SecretNotFound,
                reason: format!(
                    "secret {wanted} is not among the {} OAuth secret(s) of service principal {}: it was deleted (or expired); check the secret ID or create a new secret",
                    secrets.len(),
                    input.service_principal_id
                ),
            },
        };
        return Ok((vec![failure], None));
    };

    // The check needs the status, and every listed secret has a creation time: an entry
    // without them is not the account API's answer, and guessing would make it drift.
    let (Some(status), Some(_)) = (secret.status.as_deref(), secret.create_time.as_deref()) else {
        let missing = match (&secret.status, &secret.create_time) {
            (None, None) => "`status` and `create_time`",
            (None, Some(_)) => "`status`",
            _ => "`create_time`",
        };
        return Err(Error::new(
            ErrorKind::InvalidResponse,
            format!("the secret list's entry for secret {wanted} has no {missing}"),
        ));
    };
    let mut failures = Vec::new();
    if !status.eq_ignore_ascii_case("ACTIVE") {
        failures.push(CheckFailure {
            status: VerifyStatus::SecretInactive,
            reason: format!(
                "secret {wanted} has status {status} instead of ACTIVE; create a new OAuth secret"
            ),
        });
    }
    let expiry = match secret.expire_time.as_deref() {
        None => None,
        Some(raw) => Some(parse_time(raw).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidResponse,
                format!("secret {wanted} has an expire_time that is not RFC 3339: {raw:?}"),
            )
        })?),
    };
    if let Some(expiry) = expiry
        && expiry <= now
    {
        failures.push(CheckFailure {
            status: VerifyStatus::SecretExpired,
            reason: format!(
                "secret {wanted} expired at {}; create a new OAuth secret",
                format_time(expiry)
            ),
        });
    }
    let observed = ObservedSecret {
        id: secret.id.clone(),
        status: secret.status.clone(),
        create_time: secret.create_time.as_deref().map(normalise_time),
        expire_time: secret.expire_time.as_deref().map(normalise_time),
    };
    Ok((failures, Some(observed)))
}

#[cfg(test)]
mod tests {
    use time::format_description::well_known::Rfc3339;

    use super::*;
    use crate::host::Cloud;
    use crate::secret::SecretString;
    use crate::verify::types::VerifyWith;

    fn input() -> VerifyInput {
        VerifyInput {
            cloud: Cloud::Aws,
            account_id: "acc".into(),
            client_id: Some("6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b".into()),
            service_principal_id: "2323502488275632".into(),
            secret_id: "abc".into(),
            credentials: VerifyWith::OwnSecret(SecretString::new("dose")),
            recorded_secret_expire_time: None,
            secret_already_observed: false,
        }
    }

    fn t(s: &str) -> OffsetDateTime {
        OffsetDateTime::parse(s, &Rfc3339).unwrap()
    }

    fn secret(id: &str, status: &str, expire: Option<&str>) -> SecretInfo {
        SecretInfo {
            id: id.into(),
            status: Some(status.into()),
            create_time: Some("2025-01-01T00:00:00.000Z".into()),
            update_time: None,
            expire_time: expire.map(str::to_owned),
        }
    }

    #[test]
    fn a_principal_can_fail_several_checks_at_once_in_check_order() {
        let p = ServicePrincipal {
            id: "2323502488275632".into(),
            application_id: "other".into(),
            display_name: Some("conn".into()),
            active: false,
            roles: Some(vec![]),
        };
        let f = principal_failures(&p, &input());
        let statuses: Vec<_> = f.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            [
                VerifyStatus::ServicePrincipalInactive,
                VerifyStatus::ClientIdMismatch,
                VerifyStatus::NotAccountAdmin
            ]
        );
        assert!(
            f[1].reason.contains("application ID other"),
            "{}",
            f[1].reason
        );
    }

    #[test]
    fn secret_missing_is_not_found_unless_the_recorded_expiry_has_passed() {
        let now = t("2026-06-01T00:00:00Z");
        let list = [secret("other", "ACTIVE", None)];
        let (f, observed) = secret_checks(&list, &input(), None, now).unwrap();
        assert_eq!(f[0].status, VerifyStatus::SecretNotFound);
        assert!(observed.is_none());
        let (f, _) = secret_checks(&list, &input(), Some(t("2026-01-01T00:00:00Z")), now).unwrap();
        assert_eq!(f[0].status, VerifyStatus::SecretExpired);
        let (f, _) = secret_checks(&list, &input(), Some(t("2027-01-01T00:00:00Z")), now).unwrap();
        assert_eq!(f[0].status, VerifyStatus::SecretNotFound);
    }

    #[test]
    fn secret_inactive_and_expired_are_both_reported_and_times_normalised() {
        let now = t("2026-06-01T00:00:00Z");
        let list = [secret("ABC", "REVOKED", Some("2026-01-01T00:00:00.000Z"))];
        let (f, observed) = secret_checks(&list, &input(), None, now).unwrap();
        let statuses: Vec<_> = f.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            [VerifyStatus::SecretInactive, VerifyStatus::SecretExpired]
        );
        let observed = observed.unwrap();
        assert_eq!(
            observed.create_time.as_deref(),
            Some("2025-01-01T00:00:00Z")
        );
        assert_eq!(
            observed.expire_time.as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
    }

    #[test]
    fn a_listed_secret_without_status_or_creation_time_is_an_invalid_answer() {
        let now = t("2026-06-01T00:00:00Z");
        let mut no_status = secret("abc", "ACTIVE", None);
        no_status.status = None;
        let mut no_created = secret("abc", "ACTIVE", None);
        no_created.create_time = None;
        for s in [no_status, no_created] {
            let err = secret_checks(&[s], &input(), None, now).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidResponse);
        }
    }

    #[test]
    fn secret_without_expiry_never_expires() {
        let now = t("2099-06-01T00:00:00Z");
        let (f, observed) =
            secret_checks(&[secret("abc", "ACTIVE", None)], &input(), None, now).unwrap();
        assert!(f.is_empty());
        assert_eq!(observed.unwrap().expire_time, None);
    }

    #[test]
    fn unreadable_expire_time_is_an_error_not_a_pass() {
        let now = t("2026-06-01T00:00:00Z");
        let err = secret_checks(
            &[secret("abc", "ACTIVE", Some("next year"))],
            &input(),
            None,
            now,
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    }

    #[test]
    fn no_timestamp_the_api_may_send_panics_and_each_is_a_value_or_an_error() {
        let now = t("2026-06-01T00:00:00Z");
        let cases = [
            // Past year 9999 once in UTC: kept as sent, and far in the future.
            (
                "9999-12-31T23:59:59-23:59",
                Some("9999-12-31T23:59:59-23:59"),
            ),
            ("9999-12-31T23:59:59Z", Some("9999-12-31T23:59:59Z")),
            // Before year 0 in UTC: RFC 3339 cannot write it, so it is kept as sent.
            (
                "0000-01-01T00:00:00+23:59",
                Some("0000-01-01T00:00:00+23:59"),
            ),
            ("0000-01-01T00:00:00Z", Some("0000-01-01T00:00:00Z")),
            ("2016-12-31T23:59:60Z", None),
            ("2027-01-01T00:00:00.123456789123Z", None),
            ("2027-01-01T00:00:00,5Z", None),
            ("2027-13-01T00:00:00Z", None),
            ("", None),
            ("\u{0}", None),
        ];
        for (raw, normalised) in cases {
            let list = [secret("abc", "ACTIVE", Some(raw))];
            match secret_checks(&list, &input(), None, now) {
                Ok((_, observed)) => {
                    let shown = observed.unwrap().expire_time.unwrap();
                    if let Some(expected) = normalised {
                        assert_eq!(shown, expected, "{raw}");
                    }
                }
                Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{raw}"),
            }
        }
        let far = [secret("abc", "ACTIVE", Some("9999-12-31T23:59:59-23:59"))];
        let (failures, _) = secret_checks(&far, &input(), None, now).unwrap();
        assert!(failures.is_empty(), "a far-future expiry has not passed");
        assert_eq!(
            format_time(t("9999-12-31T23:59:59-23:59")),
            "9999-12-31T23:59:59-23:59"
        );
        let mut late = input();
        late.recorded_secret_expire_time = Some("9999-12-31T23:59:59-23:59".into());
        let refused = token_refused(
            &late,
            &Error::new(ErrorKind::CredentialsRejected, "no"),
            Some(t("9999-12-31T23:59:59-23:59")),
            now,
        );
        assert_eq!(refused.status, VerifyStatus::CredentialsRejected);
    }

    #[test]
    fn the_client_id_is_compared_only_when_the_connection_knows_it() {
        let p = ServicePrincipal {
            id: "2323502488275632".into(),
            application_id: "learned".into(),
            display_name: None,
            active: true,
            roles: Some(vec![crate::scim::Role {
                value: Some(ACCOUNT_ADMIN_ROLE.into()),
            }]),
        };
        let mut imported = input();
        imported.client_id = None;
        assert!(principal_failures(&p, &imported).is_empty());
        assert_eq!(
            principal_failures(&p, &input())[0].status,
            VerifyStatus::ClientIdMismatch
        );
        assert_eq!(
            observe_principal(&p).application_id.as_deref(),
            Some("learned")
        );
    }
}
