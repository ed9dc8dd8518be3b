//! The names of the connection's attributes and of its `status` values: the one place they
//! are spelled. Everything else names them with [`Attr`] and [`Status`], so a misspelling does
//! not compile, and the schema, the identity, record-only and observed sets and the status list
//! of the docs all come from here.

use std::fmt;

use databricks_account_client::VerifyStatus;

use crate::protocol::path::AttributePath;
use crate::validation::AttributeName;

/// An attribute of `databricks_workflow_connection`, in schema order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attr {
    Name,
    Description,
    CloudProvider,
    AccountId,
    ClientId,
    ClientSecret,
    ClientSecretWo,
    ClientSecretWoVersion,
    ServicePrincipalId,
    SecretId,
    ExpiryWarningDays,
    RevokeSecretOnDestroy,
    Id,
    ServicePrincipalName,
    SecretCreateTime,
    SecretExpireTime,
    VerifiedAt,
    Status,
}

/// What an attribute is to the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// An argument that names a remote object: changing it replaces the connection.
    Identity,
    /// An argument whose change is checked against Databricks before it is recorded.
    Checked,
    /// An argument that governs the provider, not Databricks: changing only these records the
    /// change without a check, so it works with a dead secret.
    RecordOnly,
    /// Computed from the identity (`id`).
    Derived,
    /// What a check observes; unknown in the plan of anything that checks.
    Observed,
}

impl Attr {
    pub const ALL: [Attr; 18] = [
        Attr::Name,
        Attr::Description,
        Attr::CloudProvider,
        Attr::AccountId,
        Attr::ClientId,
        Attr::ClientSecret,
        Attr::ClientSecretWo,
        Attr::ClientSecretWoVersion,
        Attr::ServicePrincipalId,
        Attr::SecretId,
        Attr::ExpiryWarningDays,
        Attr::RevokeSecretOnDestroy,
        Attr::Id,
        Attr::ServicePrincipalName,
        Attr::SecretCreateTime,
        Attr::SecretExpireTime,
        Attr::VerifiedAt,
        Attr::Status,
    ];

    /// The attribute's name in configurations and state.
    pub const fn name(self) -> &'static str {
        match self {
            Attr::Name => "name",
            Attr::Description => "description",
            Attr::CloudProvider => "cloud_provider",
            Attr::AccountId => "account_id",
            Attr::ClientId => "client_id",
            Attr::ClientSecret => "client_secret",
            Attr::ClientSecretWo => "client_secret_wo",
            Attr::ClientSecretWoVersion => "client_secret_wo_version",
            Attr::ServicePrincipalId => "service_principal_id",
            Attr::SecretId => "secret_id",
            Attr::ExpiryWarningDays => "expiry_warning_days",
            Attr::RevokeSecretOnDestroy => "revoke_secret_on_destroy",
            Attr::Id => "id",
            Attr::ServicePrincipalName => "service_principal_name",
            Attr::SecretCreateTime => "secret_create_time",
            Attr::SecretExpireTime => "secret_expire_time",
            Attr::VerifiedAt => "verified_at",
            Attr::Status => "status",
        }
    }

    /// Where a diagnostic about the attribute points.
    pub fn path(self) -> AttributePath {
        AttributePath::attr(self.name())
    }

    pub const fn role(self) -> Role {
        match self {
            Attr::CloudProvider
            | Attr::AccountId
            | Attr::ClientId
            | Attr::ServicePrincipalId
            | Attr::SecretId => Role::Identity,
            Attr::Name
            | Attr::Description
            | Attr::ClientSecret
            | Attr::ClientSecretWo
            | Attr::ClientSecretWoVersion => Role::Checked,
            Attr::ExpiryWarningDays | Attr::RevokeSecretOnDestroy => Role::RecordOnly,
            Attr::Id => Role::Derived,
            Attr::ServicePrincipalName
            | Attr::SecretCreateTime
            | Attr::SecretExpireTime
            | Attr::VerifiedAt
            | Attr::Status => Role::Observed,
        }
    }

    /// Whether the configuration sets it (else the provider computes it).
    pub const fn is_argument(self) -> bool {
        matches!(
            self.role(),
            Role::Identity | Role::Checked | Role::RecordOnly
        )
    }

    /// The attributes of `role`, in schema order.
    pub fn with_role(role: Role) -> impl Iterator<Item = Attr> {
        Attr::ALL.into_iter().filter(move |a| a.role() == role)
    }

    /// The arguments, in schema order.
    pub fn arguments() -> impl Iterator<Item = Attr> {
        Attr::ALL.into_iter().filter(|a| a.is_argument())
    }

    /// The identity attributes: changing one replaces the connection.
    pub fn identity() -> impl Iterator<Item = Attr> {
        Attr::with_role(Role::Identity)
    }

    /// What a check observes.
    pub fn observed() -> impl Iterator<Item = Attr> {
        Attr::with_role(Role::Observed)
    }
}

impl AttributeName for Attr {
    fn name(self) -> &'static str {
        Attr::name(self)
    }
}

impl fmt::Display for Attr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The value of `status`: the outcome of the last check, or `unchecked` for a record no check
/// has run on (an import without management credentials).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Verified,
    CredentialsRejected,
    ServicePrincipalNotFound,
    ServicePrincipalInactive,
    NotAccountAdmin,
    ClientIdMismatch,
    SecretNotFound,
    SecretInactive,
    SecretExpired,
    Unchecked,
}

impl Status {
    /// In the order of the checks (the client's `VerifyStatus::ALL`), which is the order the
    /// docs list them in: when several fail, the first names the status.
    pub const ALL: [Status; 10] = [
        Status::Verified,
        Status::CredentialsRejected,
        Status::ServicePrincipalNotFound,
        Status::ServicePrincipalInactive,
        Status::ClientIdMismatch,
        Status::NotAccountAdmin,
        Status::SecretNotFound,
        Status::SecretInactive,
        Status::SecretExpired,
        Status::Unchecked,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::CredentialsRejected => "credentials_rejected",
            Status::ServicePrincipalNotFound => "service_principal_not_found",
            Status::ServicePrincipalInactive => "service_principal_inactive",
            Status::NotAccountAdmin => "not_account_admin",
            Status::ClientIdMismatch => "client_id_mismatch",
            Status::SecretNotFound => "secret_not_found",
            Status::SecretInactive => "secret_inactive",
            Status::SecretExpired => "secret_expired",
            Status::Unchecked => "unchecked",
        }
    }

    /// The status a recorded value names; `None` for anything else.
    pub fn parse(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Needs no action: the connection is fine, or was never checkable.
    pub const fn is_healthy(self) -> bool {
        matches!(self, Status::Verified | Status::Unchecked)
    }
}

impl From<VerifyStatus> for Status {
    fn from(status: VerifyStatus) -> Self {
        match status {
            VerifyStatus::Verified => Status::Verified,
            VerifyStatus::CredentialsRejected => Status::CredentialsRejected,
            VerifyStatus::ServicePrincipalNotFound => Status::ServicePrincipalNotFound,
            VerifyStatus::ServicePrincipalInactive => Status::ServicePrincipalInactive,
            VerifyStatus::ClientIdMismatch => Status::ClientIdMismatch,
            VerifyStatus::NotAccountAdmin => Status::NotAccountAdmin,
            VerifyStatus::SecretNotFound => Status::SecretNotFound,
            VerifyStatus::SecretInactive => Status::SecretInactive,
            VerifyStatus::SecretExpired => Status::SecretExpired,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_distinct_and_in_snake_case() {
        let mut names: Vec<&str> = Attr::ALL.iter().map(|a| a.name()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Attr::ALL.len());
    }

    #[test]
    fn every_status_round_trips_and_every_outcome_of_a_check_is_a_status() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert_eq!(Status::parse("Verified"), None);
        for outcome in VerifyStatus::ALL {
            assert_ne!(Status::from(outcome), Status::Unchecked);
        }
    }

    #[test]
    fn statuses_are_listed_in_the_order_of_the_checks() {
        let checked: Vec<Status> = VerifyStatus::ALL.into_iter().map(Status::from).collect();
        assert_eq!(Status::ALL[..checked.len()], checked[..]);
        assert_eq!(Status::ALL.last(), Some(&Status::Unchecked));
    }

    #[test]
    fn only_verified_and_unchecked_are_healthy() {
        let healthy: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_healthy()).collect();
        assert_eq!(healthy, [Status::Verified, Status::Unchecked]);
    }
}
