//! The seed file: accounts → service principals → secrets, plus settings.
//!
//! The same types describe the emulator's state when it is exported (`GET /_emulator/state`,
//! [`crate::Emulator::snapshot`]) and the records the admin API returns, so there is one
//! vocabulary for tests, seed files and admin answers.

use std::path::Path;
use std::{fs, io};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::faults::RandomFaults;
use crate::timefmt;

/// The canonical identifiers of the contract vectors (API.md, "Contract vectors") and of the
/// quickstart seed, plus a second, non-admin principal.
pub mod canonical {
    /// `ACC`
    pub const ACCOUNT_ID: &str = "0d2a7b1c-1234-4abc-9def-0123456789ab";
    /// `SP`: the SCIM id of the account-admin principal.
    pub const SERVICE_PRINCIPAL_ID: &str = "2323502488275632";
    /// `APP`: its application (client) id.
    pub const APPLICATION_ID: &str = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
    /// `SEC`: the id of its OAuth secret.
    pub const SECRET_ID: &str = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110";
    /// `SECRET`: the secret value.
    pub const SECRET: &str = "dose1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e";
    /// Display name of the admin principal.
    pub const DISPLAY_NAME: &str = "okta-workflows-connector";

    /// A second principal that is active but holds no role (the 403 cases, T11).
    pub const SERVICE_PRINCIPAL_ID_2: &str = "4105731968203517";
    pub const APPLICATION_ID_2: &str = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    pub const SECRET_ID_2: &str =
        "5b1e0c7d2a9f4e3b8c6d1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807";
    pub const SECRET_2: &str = "dose9z8y7x6w5v4u3t2s1r0q9p8o7n6m5l4k3j";
    pub const DISPLAY_NAME_2: &str = "reporting-bot";
}

/// Lifetime of a secret whose seed gives neither `expire_time` nor `expires_in_seconds` is
/// unlimited; this is the API's maximum and default lifetime for *created* secrets (730 days).
pub const MAX_LIFETIME_SECONDS: u64 = 63_072_000;

/// The secret status the API documents. Deactivated secrets get [`STATUS_INACTIVE`].
pub const STATUS_ACTIVE: &str = "ACTIVE";
/// \[U\] The API documents only `ACTIVE`; the emulator's "deactivate secret" uses this value.
pub const STATUS_INACTIVE: &str = "INACTIVE";

/// The only role the provider cares about.
pub const ACCOUNT_ADMIN: &str = "account_admin";

/// A whole seed file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    #[serde(default)]
    pub settings: Settings,
    #[serde(default)]
    pub accounts: Vec<Account>,
}

/// Behaviour switches, most of them for points where the real answer is unknown (\[U\]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Lifetime of issued bearer tokens, also the `expires_in` of the token response.
    pub token_ttl_seconds: u64,
    /// `true` (default): the secrets list leaves out expired secrets, as the real API appears
    /// to. `false`: they are listed with their past `expire_time` (T14 switch).
    pub list_omits_expired_secrets: bool,
    /// `true`: a SCIM GET without `attributes` leaves out `roles`, so clients must ask with
    /// `?attributes=roles` (the T8 fallback). Default `false`.
    pub scim_get_omits_roles: bool,
    /// At most this many (unexpired) secrets per principal; the next create gets
    /// 400 `QUOTA_EXCEEDED`. Default 5.
    pub max_secrets_per_service_principal: usize,
    /// Added to every API request (not the admin API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
    /// Random 429/503 answers for load tests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub random_faults: Option<RandomFaults>,
    /// The request log keeps at most this many records, the newest (0 = no log). Default 10,000.
    pub request_log_limit: usize,
}

/// Enough for a long acceptance run; a record is a few hundred bytes.
pub const DEFAULT_REQUEST_LOG_LIMIT: usize = 10_000;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token_ttl_seconds: 3600,
            list_omits_expired_secrets: true,
            scim_get_omits_roles: false,
            max_secrets_per_service_principal: 5,
            latency: None,
            random_faults: None,
            request_log_limit: DEFAULT_REQUEST_LOG_LIMIT,
        }
    }
}

/// Extra latency: fixed (`{"fixed_ms":50}`) or uniform in a range (`{"min_ms":10,"max_ms":50}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LatencyRepr", into = "LatencyRepr")]
pub struct Latency {
    pub min_ms: u64,
    pub max_ms: u64,
}

impl Latency {
    pub fn fixed(ms: u64) -> Self {
        Latency {
            min_ms: ms,
            max_ms: ms,
        }
    }

    /// A uniform range; the bounds are swapped if given the wrong way round.
    pub fn range(min_ms: u64, max_ms: u64) -> Self {
        Latency {
            min_ms: min_ms.min(max_ms),
            max_ms: min_ms.max(max_ms),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LatencyRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fixed_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_ms: Option<u64>,
}

impl TryFrom<LatencyRepr> for Latency {
    type Error = String;
    fn try_from(r: LatencyRepr) -> Result<Self, String> {
        match (r.fixed_ms, r.min_ms, r.max_ms) {
            (Some(f), None, None) => Ok(Latency::fixed(f)),
            (None, Some(a), Some(b)) => Ok(Latency::range(a, b)),
            (None, Some(a), None) => Ok(Latency::fixed(a)),
            _ => Err("latency is {\"fixed_ms\":N} or {\"min_ms\":A,\"max_ms\":B}".into()),
        }
    }
}

impl From<Latency> for LatencyRepr {
    fn from(l: Latency) -> Self {
        if l.min_ms == l.max_ms {
            LatencyRepr {
                fixed_ms: Some(l.min_ms),
                min_ms: None,
                max_ms: None,
            }
        } else {
            LatencyRepr {
                fixed_ms: None,
                min_ms: Some(l.min_ms),
                max_ms: Some(l.max_ms),
            }
        }
    }
}

/// One Databricks account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub account_id: String,
    #[serde(default)]
    pub service_principals: Vec<ServicePrincipal>,
}

impl Account {
    pub fn new(account_id: impl Into<String>) -> Self {
        Account {
            account_id: account_id.into(),
            service_principals: Vec::new(),
        }
    }

    pub fn with_service_principal(mut self, sp: ServicePrincipal) -> Self {
        self.service_principals.push(sp);
        self
    }
}

/// A service principal as the account SCIM API sees it, with its OAuth secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePrincipal {
    /// SCIM id: 16 decimal digits in the real API.
    pub id: String,
    /// The OAuth client id (a UUID).
    pub application_id: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Role values, e.g. `["account_admin"]`. Default: none.
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub secrets: Vec<Secret>,
}

fn yes() -> bool {
    true
}

impl ServicePrincipal {
    /// An active principal without roles or secrets.
    pub fn new(
        id: impl Into<String>,
        application_id: impl Into<String>,
        display_name: impl Into<String>,
    ) -> Self {
        ServicePrincipal {
            id: id.into(),
            application_id: application_id.into(),
            display_name: display_name.into(),
            active: true,
            external_id: None,
            roles: Vec::new(),
            secrets: Vec::new(),
        }
    }

    /// Grants `account_admin`.
    pub fn account_admin(self) -> Self {
        self.with_role(ACCOUNT_ADMIN)
    }

    pub fn with_role(mut self, role: impl Into<String>) -> Self {
        let role = role.into();
        if !self.roles.contains(&role) {
            self.roles.push(role);
        }
        self
    }

    pub fn inactive(mut self) -> Self {
        self.active = false;
        self
    }

    pub fn with_secret(mut self, secret: Secret) -> Self {
        self.secrets.push(secret);
        self
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// An OAuth secret of a service principal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    /// 64 hex digits in the real API.
    pub id: String,
    /// The secret value (`dose…`), which only the create response reveals.
    pub secret: String,
    /// `ACTIVE` (default) or e.g. `INACTIVE`.
    #[serde(default = "active_status")]
    pub status: String,
    /// Default: when the seed is loaded.
    #[serde(default = "timefmt::now", with = "timefmt::serde_ms")]
    pub create_time: OffsetDateTime,
    /// Default: `create_time`.
    #[serde(
        default,
        with = "timefmt::serde_ms_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub update_time: Option<OffsetDateTime>,
    /// Absent: the secret never expires.
    #[serde(
        default,
        with = "timefmt::serde_ms_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub expire_time: Option<OffsetDateTime>,
    /// Seed convenience: expiry relative to the moment the seed is loaded (negative = already
    /// expired). Resolved into `expire_time` at load; never set in exported state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_seconds: Option<i64>,
    /// Opaque; derived from the value when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

fn active_status() -> String {
    STATUS_ACTIVE.to_owned()
}

impl Secret {
    /// An active, never-expiring secret created now.
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Secret {
            id: id.into(),
            secret: secret.into(),
            status: active_status(),
            create_time: timefmt::now(),
            update_time: None,
            expire_time: None,
            expires_in_seconds: None,
            secret_hash: None,
        }
    }

    pub fn expiring_at(mut self, t: OffsetDateTime) -> Self {
        self.expire_time = Some(timefmt::truncate_ms(t));
        self.expires_in_seconds = None;
        self
    }

    /// Expires `seconds` after the seed is loaded (negative: already expired).
    pub fn expiring_in_seconds(mut self, seconds: i64) -> Self {
        self.expires_in_seconds = Some(seconds);
        self.expire_time = None;
        self
    }

    pub fn created_at(mut self, t: OffsetDateTime) -> Self {
        self.create_time = timefmt::truncate_ms(t);
        self
    }

    pub fn with_status(mut self, status: impl Into<String>) -> Self {
        self.status = status.into();
        self
    }

    /// Expired at `now` (an expiry exactly at `now` counts as expired).
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expire_time.is_some_and(|t| t <= now)
    }

    pub fn is_active(&self) -> bool {
        self.status == STATUS_ACTIVE
    }
}

impl Seed {
    pub fn new() -> Self {
        Seed::default()
    }

    pub fn with_account(mut self, account: Account) -> Self {
        self.accounts.push(account);
        self
    }

    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// Parses a seed from JSON text.
    pub fn from_json(text: &str) -> io::Result<Seed> {
        serde_json::from_str(text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("seed: {e}")))
    }

    /// Reads a seed file.
    pub fn load(path: impl AsRef<Path>) -> io::Result<Seed> {
        let path = path.as_ref();
        let text = fs::read_to_string(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        Seed::from_json(&text)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    }

    /// The quickstart seed (`seeds/quickstart.json`) built in code: the canonical account-admin
    /// principal with one secret valid for 730 days from start, and a second principal without
    /// roles.
    pub fn canonical() -> Seed {
        use canonical::*;
        let created = time::macros::datetime!(2025-01-01 00:00:00 UTC);
        Seed::new().with_account(
            Account::new(ACCOUNT_ID)
                .with_service_principal(
                    ServicePrincipal::new(SERVICE_PRINCIPAL_ID, APPLICATION_ID, DISPLAY_NAME)
                        .account_admin()
                        .with_secret(
                            Secret::new(SECRET_ID, SECRET)
                                .created_at(created)
                                .expiring_in_seconds(MAX_LIFETIME_SECONDS as i64),
                        ),
                )
                .with_service_principal(
                    ServicePrincipal::new(SERVICE_PRINCIPAL_ID_2, APPLICATION_ID_2, DISPLAY_NAME_2)
                        .with_secret(Secret::new(SECRET_ID_2, SECRET_2).created_at(created)),
                ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quickstart_file_is_the_canonical_seed() {
        let text = include_str!("../seeds/quickstart.json");
        let seed = Seed::from_json(text).unwrap();
        assert_eq!(seed, Seed::canonical());
    }

    #[test]
    fn latency_forms() {
        let l: Latency = serde_json::from_str(r#"{"fixed_ms":5}"#).unwrap();
        assert_eq!(l, Latency::fixed(5));
        let l: Latency = serde_json::from_str(r#"{"min_ms":9,"max_ms":3}"#).unwrap();
        assert_eq!(l, Latency::range(3, 9));
        assert_eq!(
            serde_json::to_string(&Latency::range(1, 2)).unwrap(),
            r#"{"min_ms":1,"max_ms":2}"#
        );
        assert!(serde_json::from_str::<Latency>(r#"{"fixed_ms":1,"min_ms":2}"#).is_err());
    }

    #[test]
    fn unknown_fields_are_rejected() {
        assert!(Seed::from_json(r#"{"acounts":[]}"#).is_err());
    }
}
