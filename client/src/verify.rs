//! The connection check: token, service principal, secret — one function, one outcome.

use std::fmt;
use std::str::FromStr;

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};
use tracing::debug;

use crate::error::{Error, ErrorKind};
use crate::host::Cloud;
use crate::oauth::ClientCredentials;
use crate::scim::{ACCOUNT_ADMIN_ROLE, ServicePrincipal};
use crate::secret::SecretString;
use crate::secrets::SecretInfo;
use crate::session::Session;

/// The outcome of the last check of a connection. Order = check order: when several checks
/// fail, the status is the first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VerifyStatus {
    Verified,
    CredentialsRejected,
    ServicePrincipalNotFound,
    ServicePrincipalInactive,
    ClientIdMismatch,
    NotAccountAdmin,
    SecretNotFound,
    SecretInactive,
    SecretExpired,
}

impl VerifyStatus {
    pub const ALL: [VerifyStatus; 9] = [
        VerifyStatus::Verified,
        VerifyStatus::CredentialsRejected,
        VerifyStatus::ServicePrincipalNotFound,
        VerifyStatus::ServicePrincipalInactive,
        VerifyStatus::ClientIdMismatch,
        VerifyStatus::NotAccountAdmin,
        VerifyStatus::SecretNotFound,
        VerifyStatus::SecretInactive,
        VerifyStatus::SecretExpired,
    ];

    /// The value of the `status` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyStatus::Verified => "verified",
            VerifyStatus::CredentialsRejected => "credentials_rejected",
            VerifyStatus::ServicePrincipalNotFound => "service_principal_not_found",
            VerifyStatus::ServicePrincipalInactive => "service_principal_inactive",
            VerifyStatus::ClientIdMismatch => "client_id_mismatch",
            VerifyStatus::NotAccountAdmin => "not_account_admin",
            VerifyStatus::SecretNotFound => "secret_not_found",
            VerifyStatus::SecretInactive => "secret_inactive",
            VerifyStatus::SecretExpired => "secret_expired",
        }
    }
}

impl fmt::Display for VerifyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VerifyStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VerifyStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown verification status {s:?}"))
    }
}

/// Which credentials a verification uses.
#[derive(Clone, Debug)]
pub enum VerifyWith {
    /// The connection's own secret (with the connection's client ID): the token exchange is
    /// itself a check, and a refusal is an outcome.
    OwnSecret(SecretString),
    /// Account-admin management credentials of the same account: the principal and its secrets
    /// are observed directly; any failure of these credentials is an error.
    Management(ClientCredentials),
}

impl VerifyWith {
    pub(crate) fn client_credentials(&self, connection_client_id: &str) -> ClientCredentials {
        match self {
            VerifyWith::OwnSecret(secret) => ClientCredentials {
                client_id: connection_client_id.to_owned(),
                client_secret: secret.clone(),
            },
            VerifyWith::Management(creds) => creds.clone(),
        }
    }
}

/// What to verify.
#[derive(Clone, Debug)]
pub struct VerifyInput {
    pub cloud: Cloud,
    pub account_id: String,
    /// The connection's client ID (the principal's application ID). `None` only with
    /// management credentials, for a connection that does not know it yet (imported): the
    /// principal's `applicationId` is then observed instead of compared.
    pub client_id: Option<String>,
    /// The SCIM ID of the service principal.
    pub service_principal_id: String,
    pub secret_id: String,
    pub credentials: VerifyWith,
    /// The secret's expiry recorded at the last successful check (RFC 3339), if any. It turns a
    /// refused token, or a secret missing from the list, into `secret_expired` when it has
    /// passed. An unreadable value is ignored.
    pub recorded_secret_expire_time: Option<String>,
    /// The secret's times were recorded by an earlier check. A secret's expiry never changes,
    /// and a token issued for the connection's own secret proves that secret exists, is active
    /// and has not expired, so with [`VerifyWith::OwnSecret`] the secret list is then skipped
    /// (a refresh costs 2 calls instead of 3). Ignored with management credentials, which
    /// prove nothing about the connection's secret.
    pub secret_already_observed: bool,
}

/// The principal as observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservedPrincipal {
    pub id: String,
    pub display_name: Option<String>,
    pub application_id: Option<String>,
    pub active: bool,
    pub account_admin: bool,
}

/// The secret as observed in the list. Times are normalised RFC 3339 in UTC (`Z`, fractional
/// seconds only when not zero: `2025-01-01T00:00:00.000Z` becomes `2025-01-01T00:00:00Z`), so
/// a harmless change of format by the server is not drift. A time that cannot be shown in UTC
/// (beyond year 9999 once converted) is kept as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservedSecret {
    pub id: String,
    pub status: Option<String>,
    pub create_time: Option<String>,
    /// `None`: the secret never expires.
    pub expire_time: Option<String>,
}

/// One failed check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckFailure {
    pub status: VerifyStatus,
    /// What is wrong and what to do, naming the identifiers (never a secret).
    pub reason: String,
}

/// Which credentials produced an outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialSource {
    Own,
    Management,
}

/// The result of a verification that could run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOutcome {
    /// `Verified`, or the first failure in check order.
    pub status: VerifyStatus,
    /// Every failed check, in check order; empty when verified.
    pub failures: Vec<CheckFailure>,
    pub checked_with: CredentialSource,
    /// `None` when the principal could not be observed (token refused, 404, 403).
    pub service_principal: Option<ObservedPrincipal>,
    /// `None` when the secret was not observed (not listed, the list not reachable, or not
    /// asked for because the token proved it).
    pub secret: Option<ObservedSecret>,
}

impl VerifyOutcome {
    pub fn is_verified(&self) -> bool {
        self.status == VerifyStatus::Verified
    }

    pub fn service_principal_name(&self) -> Option<&str> {
        self.service_principal.as_ref()?.display_name.as_deref()
    }

    pub fn secret_create_time(&self) -> Option<&str> {
        self.secret.as_ref()?.create_time.as_deref()
    }

    pub fn secret_expire_time(&self) -> Option<&str> {
        self.secret.as_ref()?.expire_time.as_deref()
    }
}

/// The checks of DESIGN §4, in order: token (own credentials only) → service principal →
/// secrets list. Every check that can run does, so every reason is reported at once.
pub(crate) async fn run(
    session: &Session<'_>,
    input: &VerifyInput,
) -> Result<VerifyOutcome, Error> {
    let now = OffsetDateTime::now_utc();
    let recorded_expiry = input
        .recorded_secret_expire_time
        .as_deref()
        .and_then(parse_time);
    let client_id = input.client_id.as_deref().unwrap_or("(not known yet)");
    let (source, context) = match &input.credentials {
        VerifyWith::OwnSecret(_) => (
            CredentialSource::Own,
            format!(
                "verifying service principal {} with its own client ID {client_id}",
                input.service_principal_id
            ),
        ),
        VerifyWith::Management(m) => (
            CredentialSource::Management,
            format!(
                "verifying service principal {} with the management credentials (client ID {})",
                input.service_principal_id, m.client_id
            ),
        ),
    };
    let own = source == CredentialSource::Own;
    let mut outcome = VerifyOutcome {
        status: VerifyStatus::Verified,
        failures: Vec::new(),
        checked_with: source,
        service_principal: None,
        secret: None,
    };

    // 1. Token. With the connection's own secret a fresh exchange proves the secret; with
    //    management credentials a cached token is fine and a refusal is an error.
    match session.token(own).await {
        Ok(_) => {}
        Err(e) if own && e.kind() == ErrorKind::CredentialsRejected => {
            outcome
                .failures
                .push(token_refused(input, &e, recorded_expiry, now));
            return Ok(finish(outcome, input));
        }
        Err(e) => return Err(e.with_context(context)),
    }

    // 2. The service principal.
    let mut principal_found = false;
    let mut admin_denied = false;
    match session.service_principal(&input.service_principal_id).await {
        Ok(principal) => {
            principal_found = true;
            outcome.failures.extend(principal_failures(&principal, input));
            outcome.service_principal = Some(observe_principal(&principal));
        }
        Err(e) if e.kind() == ErrorKind::NotFound => outcome.failures.push(CheckFailure {
            status: VerifyStatus::ServicePrincipalNotFound,
            reason: format!(
                "service principal {} does not exist in account {} (the account SCIM API answered 404); check the service principal ID: it is the SCIM integer ID, not the application ID",
                input.service_principal_id, input.account_id
            ),
        }),
        Err(e) if own && e.kind() == ErrorKind::PermissionDenied => {
            admin_denied = true;
            outcome.failures.push(not_admin_403(input, "the account SCIM API", &e));
        }
        Err(e) => return Err(e.with_context(context)),
    }

    // 3. The secret (a missing principal has no secrets to look at). A token issued for the
    //    connection's own secret already proved it, once its times are on record.
    let proven_by_token = own && input.secret_already_observed;
    if (principal_found || admin_denied) && !proven_by_token {
        match session.secrets(&input.service_principal_id).await {
            Ok(secrets) => {
                let (failures, observed) = secret_checks(&secrets, input, recorded_expiry, now)
                    .map_err(|e| e.with_context(context.clone()))?;
                outcome.failures.extend(failures);
                outcome.secret = observed;
            }
            Err(e) if e.kind() == ErrorKind::NotFound => outcome.failures.push(CheckFailure {
                status: VerifyStatus::SecretNotFound,
                reason: format!(
                    "the secret list of service principal {} answered 404, so secret {} cannot be found; check the service principal ID and the secret ID",
                    input.service_principal_id, input.secret_id
                ),
            }),
            Err(e) if own && e.kind() == ErrorKind::PermissionDenied => {
                if !admin_denied {
                    outcome.failures.push(not_admin_403(input, "the secret list", &e));
                }
            }
            Err(e) => return Err(e.with_context(context)),
        }
    }
    Ok(finish(outcome, input))
}

fn finish(mut outcome: VerifyOutcome, input: &VerifyInput) -> VerifyOutcome {
    outcome.status = outcome
        .failures
        .first()
        .map_or(VerifyStatus::Verified, |f| f.status);
    debug!(
        service_principal_id = %input.service_principal_id,
        status = outcome.status.as_str(),
        failed_checks = outcome.failures.len(),
        "verification finished"
    );
    outcome
}

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

fn not_admin_403(input: &VerifyInput, what: &str, e: &Error) -> CheckFailure {
    CheckFailure {
        status: VerifyStatus::NotAccountAdmin,
        reason: format!(
            "the credentials are valid, but {what} refused service principal {} (HTTP 403{}): it lacks the Account Admin role; grant the role in the account console (Roles tab)",
            input.service_principal_id,
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

fn principal_failures(principal: &ServicePrincipal, input: &VerifyInput) -> Vec<CheckFailure> {
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

fn observe_principal(principal: &ServicePrincipal) -> ObservedPrincipal {
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

/// An RFC 3339 time as the API sends it (any offset, fractional digits, a leap second).
pub(crate) fn parse_time(raw: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(raw.trim(), &Rfc3339).ok()
}

/// The time in UTC when it parses and can be shown in UTC, else the text as sent.
pub(crate) fn normalise_time(raw: &str) -> String {
    match parse_time(raw).and_then(|t| t.checked_to_offset(UtcOffset::UTC)) {
        Some(utc) => utc.format(&Rfc3339).unwrap_or_else(|_| raw.to_owned()),
        None => raw.to_owned(),
    }
}

/// A parsed time for messages: in UTC where it can be (a time near the end of year 9999 with
/// a negative offset is past 9999 in UTC, which `time` cannot represent), else as it is.
pub(crate) fn format_time(t: OffsetDateTime) -> String {
    let shown = t.checked_to_offset(UtcOffset::UTC).unwrap_or(t);
    shown.format(&Rfc3339).unwrap_or_else(|_| shown.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn status_names_are_exact() {
        let names: Vec<_> = VerifyStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "verified",
                "credentials_rejected",
                "service_principal_not_found",
                "service_principal_inactive",
                "client_id_mismatch",
                "not_account_admin",
                "secret_not_found",
                "secret_inactive",
                "secret_expired"
            ]
        );
        for s in VerifyStatus::ALL {
            assert_eq!(s.as_str().parse::<VerifyStatus>(), Ok(s));
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
    fn times_keep_nonzero_fractions_and_convert_offsets_to_utc() {
        assert_eq!(
            normalise_time("2023-01-01T19:30:41.500+01:00"),
            "2023-01-01T18:30:41.5Z"
        );
        assert_eq!(normalise_time("garbage"), "garbage");
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
