//! The types of a verification: what to check, with which credentials, and what was found.

use std::fmt;
use std::str::FromStr;

use crate::credentials::{ClientCredentials, CredentialSource};
use crate::host::Cloud;
use crate::secret::SecretString;

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

/// A text that is not the name of a [`VerifyStatus`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown verification status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for VerifyStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VerifyStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
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

/// What to verify. Build it with [`VerifyInput::new`]; the refresh hints default to "nothing
/// recorded yet".
#[derive(Clone, Debug)]
#[non_exhaustive]
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

impl VerifyInput {
    /// The connection `client_id` / `service_principal_id` / `secret_id` of `account_id` on
    /// `cloud`, checked with `credentials`.
    pub fn new(
        cloud: Cloud,
        account_id: impl Into<String>,
        client_id: Option<String>,
        service_principal_id: impl Into<String>,
        secret_id: impl Into<String>,
        credentials: VerifyWith,
    ) -> Self {
        Self {
            cloud,
            account_id: account_id.into(),
            client_id,
            service_principal_id: service_principal_id.into(),
            secret_id: secret_id.into(),
            credentials,
            recorded_secret_expire_time: None,
            secret_already_observed: false,
        }
    }

    /// The secret's expiry recorded by an earlier check (see the field).
    pub fn with_recorded_secret_expire_time(mut self, expire_time: Option<String>) -> Self {
        self.recorded_secret_expire_time = expire_time;
        self
    }

    /// Whether an earlier check recorded the secret's times (see the field).
    pub fn with_secret_already_observed(mut self, observed: bool) -> Self {
        self.secret_already_observed = observed;
        self
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            "Verified".parse::<VerifyStatus>(),
            Err(UnknownStatus("Verified".into()))
        );
    }
}
