//! What the admin operations take, and how a new or seeded secret becomes a full record.

use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::error::AdminError;
use crate::ids;
use crate::seed::{self, Secret};
use crate::timefmt;

/// Input of [`crate::Emulator::add_service_principal`]; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewServicePrincipal {
    /// Default: a random 16-digit id.
    pub id: Option<String>,
    /// Default: a random UUID.
    pub application_id: Option<String>,
    /// Default: `sp-<id>`.
    pub display_name: Option<String>,
    /// Default: true.
    pub active: Option<bool>,
    pub external_id: Option<String>,
    /// e.g. `["account_admin"]`
    pub roles: Vec<String>,
    pub secrets: Vec<NewSecret>,
}

/// Input of [`crate::Emulator::add_secret`]; every field is optional. The 5-secret limit of
/// the API does not apply to the admin API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewSecret {
    /// Default: 64 random hex digits.
    pub id: Option<String>,
    /// Default: `dose` + 36 random alphanumerics.
    pub secret: Option<String>,
    /// Default: `ACTIVE`.
    pub status: Option<String>,
    /// Default: now.
    #[serde(with = "timefmt::serde_ms_option")]
    pub create_time: Option<OffsetDateTime>,
    /// Absolute expiry; wins over `lifetime_seconds`.
    #[serde(with = "timefmt::serde_ms_option")]
    pub expire_time: Option<OffsetDateTime>,
    /// Expiry relative to now; default 730 days like the API. Negative: already expired.
    pub lifetime_seconds: Option<i64>,
    /// No `expire_time` at all (a secret from before lifetimes existed).
    pub never_expires: bool,
}

/// Input of [`crate::Emulator::update_service_principal`]: the fields to change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServicePrincipalUpdate {
    pub display_name: Option<String>,
    pub application_id: Option<String>,
    pub external_id: Option<String>,
}

impl NewSecret {
    /// The secret record, with generated ids and values where none were given.
    pub(crate) fn into_secret(self, now: OffsetDateTime, rng: &mut StdRng) -> Secret {
        let create_time = self.create_time.unwrap_or(now);
        let expire_time = if self.never_expires {
            None
        } else if let Some(t) = self.expire_time {
            Some(t)
        } else {
            let lifetime = self
                .lifetime_seconds
                .unwrap_or(seed::MAX_LIFETIME_SECONDS as i64);
            Some(timefmt::after_seconds(now, lifetime))
        };
        let value = self.secret.unwrap_or_else(|| ids::secret_value(rng));
        Secret {
            id: self.id.unwrap_or_else(|| ids::secret_id(rng)),
            secret_hash: Some(ids::secret_hash(&value)),
            secret: value,
            status: self
                .status
                .unwrap_or_else(|| seed::STATUS_ACTIVE.to_owned()),
            create_time,
            update_time: Some(create_time),
            expire_time,
            expires_in_seconds: None,
        }
    }
}

/// Turns a seed secret's conveniences into plain fields.
pub(crate) fn resolve_seed_secret(
    secret: &mut Secret,
    now: OffsetDateTime,
) -> Result<(), AdminError> {
    if let Some(secs) = secret.expires_in_seconds.take() {
        if secret.expire_time.is_some() {
            return Err(AdminError::Invalid(format!(
                "secret {}: give expire_time or expires_in_seconds, not both",
                secret.id
            )));
        }
        secret.expire_time = Some(timefmt::after_seconds(now, secs));
    }
    if secret.update_time.is_none() {
        secret.update_time = Some(secret.create_time);
    }
    if secret.secret_hash.is_none() {
        secret.secret_hash = Some(ids::secret_hash(&secret.secret));
    }
    Ok(())
}
