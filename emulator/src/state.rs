//! The emulator's in-memory state and every operation on it. All of it sits behind one mutex
//! that is never held across an `.await`, so requests stay cheap and consistent.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::faults::{Fault, FaultRule, RandomFaults};
use crate::ids;
use crate::reqlog::{RequestLog, RequestRecord};
use crate::seed::{self, Account, Secret, Seed, ServicePrincipal, Settings};
use crate::timefmt;

/// Why an admin operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminError {
    /// The account, service principal or secret does not exist.
    NotFound(String),
    /// An id is already taken.
    Conflict(String),
    /// The input is not acceptable.
    Invalid(String),
}

impl fmt::Display for AdminError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdminError::NotFound(m) | AdminError::Conflict(m) | AdminError::Invalid(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for AdminError {}

/// Per-endpoint request counts. Every API request counts, including those answered by an
/// injected fault or delayed by latency; admin requests (`/_emulator/`) never count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallCounts {
    /// `POST /oidc/accounts/{a}/v1/token`
    pub token: u64,
    /// `GET …/scim/v2/ServicePrincipals/{id}`
    pub scim_get: u64,
    /// `GET …/scim/v2/ServicePrincipals`
    pub scim_list: u64,
    /// `GET …/servicePrincipals/{id}/credentials/secrets`
    pub secrets_list: u64,
    /// `POST …/servicePrincipals/{id}/credentials/secrets`
    pub secrets_create: u64,
    /// `DELETE …/servicePrincipals/{id}/credentials/secrets/{secret_id}`
    pub secrets_delete: u64,
    /// `POST …/scim/v2/ServicePrincipals`
    pub scim_create: u64,
    /// `PUT …/scim/v2/ServicePrincipals/{id}`
    pub scim_replace: u64,
    /// `PATCH …/scim/v2/ServicePrincipals/{id}`
    pub scim_patch: u64,
    /// `DELETE …/scim/v2/ServicePrincipals/{id}`
    pub scim_delete: u64,
    /// `GET /.well-known/databricks-config` and the OIDC discovery documents of an account.
    pub discovery: u64,
    /// Anything else outside `/_emulator/` (unknown paths and methods, `/login`).
    pub other: u64,
}

impl CallCounts {
    pub fn total(&self) -> u64 {
        self.token
            + self.scim_get
            + self.scim_list
            + self.secrets_list
            + self.secrets_create
            + self.secrets_delete
            + self.scim_create
            + self.scim_replace
            + self.scim_patch
            + self.scim_delete
            + self.discovery
            + self.other
    }
}

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

/// A scripted fault that is still waiting for requests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InjectedFault {
    pub id: u64,
    /// `count` is what is left (0 = until cleared).
    #[serde(flatten)]
    pub rule: FaultRule,
}

/// An issued bearer token.
pub(crate) struct Grant {
    pub account_key: String,
    pub sp_id: String,
    pub application_id: String,
    pub expires_at: Instant,
}

pub(crate) struct AccountState {
    pub account_id: String,
    pub service_principals: BTreeMap<String, ServicePrincipal>,
}

pub(crate) struct State {
    accounts: BTreeMap<String, AccountState>,
    tokens: HashMap<String, Grant>,
    prune_tokens_at: usize,
    pub settings: Settings,
    faults: Vec<InjectedFault>,
    next_fault_id: u64,
    pub calls: CallCounts,
    requests: RequestLog,
    pub rng: StdRng,
    fault_rng: StdRng,
}

/// Account ids are UUIDs; compare them case-insensitively.
pub(crate) fn account_key(account_id: &str) -> String {
    account_id.to_ascii_lowercase()
}

const TOKEN_PRUNE_MIN: usize = 10_000;

impl State {
    pub fn from_seed(seed: Seed) -> Result<State, AdminError> {
        if let Some(rf) = &seed.settings.random_faults {
            rf.validate().map_err(AdminError::Invalid)?;
        }
        let fault_seed = seed
            .settings
            .random_faults
            .as_ref()
            .map(|r| r.seed)
            .unwrap_or(0);
        let mut state = State {
            accounts: BTreeMap::new(),
            tokens: HashMap::new(),
            prune_tokens_at: TOKEN_PRUNE_MIN,
            settings: seed.settings,
            faults: Vec::new(),
            next_fault_id: 1,
            calls: CallCounts::default(),
            requests: RequestLog::default(),
            rng: rand::make_rng(),
            fault_rng: StdRng::seed_from_u64(fault_seed),
        };
        let now = timefmt::now();
        for account in seed.accounts {
            state.add_account(Some(account.account_id.clone()))?;
            for mut sp in account.service_principals {
                for secret in &mut sp.secrets {
                    resolve_seed_secret(secret, now)?;
                }
                state.insert_service_principal(&account.account_id, sp)?;
            }
        }
        Ok(state)
    }

    /// The state in seed format (secret values included, relative expiries resolved).
    pub fn snapshot(&self) -> Seed {
        Seed {
            settings: self.settings.clone(),
            accounts: self
                .accounts
                .values()
                .map(|a| Account {
                    account_id: a.account_id.clone(),
                    service_principals: a.service_principals.values().cloned().collect(),
                })
                .collect(),
        }
    }

    pub fn set_settings(&mut self, settings: Settings) -> Result<(), AdminError> {
        if let Some(rf) = &settings.random_faults {
            rf.validate().map_err(AdminError::Invalid)?;
            self.fault_rng = StdRng::seed_from_u64(rf.seed);
        }
        self.requests.truncate(settings.request_log_limit);
        self.settings = settings;
        Ok(())
    }

    pub fn set_random_faults(&mut self, rf: Option<RandomFaults>) -> Result<(), AdminError> {
        let mut settings = self.settings.clone();
        settings.random_faults = rf;
        self.set_settings(settings)
    }

    // ---- lookups -------------------------------------------------------------------------

    pub fn account(&self, account_id: &str) -> Option<&AccountState> {
        self.accounts.get(&account_key(account_id))
    }

    fn account_mut(&mut self, account_id: &str) -> Result<&mut AccountState, AdminError> {
        self.accounts
            .get_mut(&account_key(account_id))
            .ok_or_else(|| AdminError::NotFound(format!("account {account_id} does not exist")))
    }

    pub fn service_principal(
        &self,
        account_id: &str,
        sp_id: &str,
    ) -> Result<&ServicePrincipal, AdminError> {
        self.account(account_id)
            .ok_or_else(|| AdminError::NotFound(format!("account {account_id} does not exist")))?
            .service_principals
            .get(sp_id)
            .ok_or_else(|| sp_not_found(account_id, sp_id))
    }

    fn service_principal_mut(
        &mut self,
        account_id: &str,
        sp_id: &str,
    ) -> Result<&mut ServicePrincipal, AdminError> {
        self.account_mut(account_id)?
            .service_principals
            .get_mut(sp_id)
            .ok_or_else(|| sp_not_found(account_id, sp_id))
    }

    fn secret_mut(
        &mut self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
    ) -> Result<&mut Secret, AdminError> {
        self.service_principal_mut(account_id, sp_id)?
            .secrets
            .iter_mut()
            .find(|s| s.id == secret_id)
            .ok_or_else(|| {
                AdminError::NotFound(format!(
                    "secret {secret_id} of service principal {sp_id} does not exist"
                ))
            })
    }

    // ---- accounts and principals ------------------------------------------------------------

    /// Adds an empty account; a random UUID when `account_id` is `None`.
    pub fn add_account(&mut self, account_id: Option<String>) -> Result<String, AdminError> {
        let account_id = account_id.unwrap_or_else(|| ids::uuid(&mut self.rng));
        if account_id.trim().is_empty() {
            return Err(AdminError::Invalid("account_id must not be empty".into()));
        }
        let key = account_key(&account_id);
        if self.accounts.contains_key(&key) {
            return Err(AdminError::Conflict(format!(
                "account {account_id} already exists"
            )));
        }
        self.accounts.insert(
            key,
            AccountState {
                account_id: account_id.clone(),
                service_principals: BTreeMap::new(),
            },
        );
        Ok(account_id)
    }

    fn insert_service_principal(
        &mut self,
        account_id: &str,
        sp: ServicePrincipal,
    ) -> Result<ServicePrincipal, AdminError> {
        if sp.id.is_empty() || sp.application_id.is_empty() {
            return Err(AdminError::Invalid(
                "service principal id and application_id must not be empty".into(),
            ));
        }
        let account = self.account_mut(account_id)?;
        if account.service_principals.contains_key(&sp.id) {
            return Err(AdminError::Conflict(format!(
                "service principal {} already exists in account {account_id}",
                sp.id
            )));
        }
        if let Some(other) = account
            .service_principals
            .values()
            .find(|o| o.application_id.eq_ignore_ascii_case(&sp.application_id))
        {
            return Err(AdminError::Conflict(format!(
                "application id {} is already used by service principal {}",
                sp.application_id, other.id
            )));
        }
        let mut seen = std::collections::HashSet::new();
        for s in &sp.secrets {
            if s.id.is_empty() || !seen.insert(s.id.as_str()) {
                return Err(AdminError::Invalid(format!(
                    "service principal {}: secret ids must be non-empty and unique ({:?})",
                    sp.id, s.id
                )));
            }
        }
        account.service_principals.insert(sp.id.clone(), sp.clone());
        Ok(sp)
    }

    pub fn add_service_principal(
        &mut self,
        account_id: &str,
        new: NewServicePrincipal,
    ) -> Result<ServicePrincipal, AdminError> {
        // Fail before generating anything for an unknown account.
        self.account_mut(account_id)?;
        let id = new
            .id
            .unwrap_or_else(|| ids::service_principal_id(&mut self.rng));
        let application_id = new
            .application_id
            .unwrap_or_else(|| ids::uuid(&mut self.rng));
        let mut sp = ServicePrincipal {
            display_name: new.display_name.unwrap_or_else(|| format!("sp-{id}")),
            id,
            application_id,
            active: new.active.unwrap_or(true),
            external_id: new.external_id,
            roles: Vec::new(),
            secrets: Vec::new(),
        };
        for role in new.roles {
            sp = sp.with_role(role);
        }
        let now = timefmt::now();
        for s in new.secrets {
            let secret = self.build_secret(s, now);
            sp.secrets.push(secret);
        }
        self.insert_service_principal(account_id, sp)
    }

    pub fn update_service_principal(
        &mut self,
        account_id: &str,
        sp_id: &str,
        update: ServicePrincipalUpdate,
    ) -> Result<ServicePrincipal, AdminError> {
        if let Some(app) = &update.application_id {
            let taken = self
                .account(account_id)
                .into_iter()
                .flat_map(|a| a.service_principals.values())
                .any(|o| o.id != sp_id && o.application_id.eq_ignore_ascii_case(app));
            if taken || app.is_empty() {
                return Err(AdminError::Conflict(format!(
                    "application id {app:?} is empty or already used"
                )));
            }
        }
        let sp = self.service_principal_mut(account_id, sp_id)?;
        if let Some(v) = update.display_name {
            sp.display_name = v;
        }
        if let Some(v) = update.application_id {
            sp.application_id = v;
        }
        if let Some(v) = update.external_id {
            sp.external_id = Some(v);
        }
        Ok(sp.clone())
    }

    /// Replaces a principal (same id) with `sp`, e.g. after a SCIM PUT or PATCH was applied to a
    /// copy; the application id must stay unique in the account.
    pub fn store_service_principal(
        &mut self,
        account_id: &str,
        sp: ServicePrincipal,
    ) -> Result<(), AdminError> {
        let account = self.account_mut(account_id)?;
        if let Some(other) = account
            .service_principals
            .values()
            .find(|o| o.id != sp.id && o.application_id.eq_ignore_ascii_case(&sp.application_id))
        {
            return Err(AdminError::Conflict(format!(
                "application id {} is already used by service principal {}",
                sp.application_id, other.id
            )));
        }
        let slot = account
            .service_principals
            .get_mut(&sp.id)
            .ok_or_else(|| sp_not_found(account_id, &sp.id))?;
        *slot = sp;
        Ok(())
    }

    pub fn delete_service_principal(
        &mut self,
        account_id: &str,
        sp_id: &str,
    ) -> Result<ServicePrincipal, AdminError> {
        self.account_mut(account_id)?
            .service_principals
            .remove(sp_id)
            .ok_or_else(|| sp_not_found(account_id, sp_id))
    }

    pub fn set_service_principal_active(
        &mut self,
        account_id: &str,
        sp_id: &str,
        active: bool,
    ) -> Result<(), AdminError> {
        self.service_principal_mut(account_id, sp_id)?.active = active;
        Ok(())
    }

    pub fn add_role(
        &mut self,
        account_id: &str,
        sp_id: &str,
        role: &str,
    ) -> Result<(), AdminError> {
        if role.is_empty() {
            return Err(AdminError::Invalid("role must not be empty".into()));
        }
        let sp = self.service_principal_mut(account_id, sp_id)?;
        if !sp.has_role(role) {
            sp.roles.push(role.to_owned());
        }
        Ok(())
    }

    /// Removing a role the principal does not hold is not an error.
    pub fn remove_role(
        &mut self,
        account_id: &str,
        sp_id: &str,
        role: &str,
    ) -> Result<(), AdminError> {
        self.service_principal_mut(account_id, sp_id)?
            .roles
            .retain(|r| r != role);
        Ok(())
    }

    // ---- secrets -------------------------------------------------------------------------------

    fn build_secret(&mut self, new: NewSecret, now: OffsetDateTime) -> Secret {
        let create_time = new.create_time.unwrap_or(now);
        let expire_time = if new.never_expires {
            None
        } else if let Some(t) = new.expire_time {
            Some(t)
        } else {
            let lifetime = new
                .lifetime_seconds
                .unwrap_or(seed::MAX_LIFETIME_SECONDS as i64);
            Some(timefmt::after_seconds(now, lifetime))
        };
        let value = new
            .secret
            .unwrap_or_else(|| ids::secret_value(&mut self.rng));
        Secret {
            id: new.id.unwrap_or_else(|| ids::secret_id(&mut self.rng)),
            secret_hash: Some(ids::secret_hash(&value)),
            secret: value,
            status: new.status.unwrap_or_else(|| seed::STATUS_ACTIVE.to_owned()),
            create_time,
            update_time: Some(create_time),
            expire_time,
            expires_in_seconds: None,
        }
    }

    /// Adds a secret without the API's limits (admin API).
    pub fn add_secret(
        &mut self,
        account_id: &str,
        sp_id: &str,
        new: NewSecret,
    ) -> Result<Secret, AdminError> {
        self.service_principal(account_id, sp_id)?;
        let secret = self.build_secret(new, timefmt::now());
        let sp = self.service_principal_mut(account_id, sp_id)?;
        if secret.id.is_empty() || sp.secrets.iter().any(|s| s.id == secret.id) {
            return Err(AdminError::Conflict(format!(
                "secret id {:?} is empty or already used",
                secret.id
            )));
        }
        sp.secrets.push(secret.clone());
        Ok(secret)
    }

    pub fn delete_secret(
        &mut self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
    ) -> Result<Secret, AdminError> {
        let sp = self.service_principal_mut(account_id, sp_id)?;
        let pos = sp
            .secrets
            .iter()
            .position(|s| s.id == secret_id)
            .ok_or_else(|| {
                AdminError::NotFound(format!(
                    "secret {secret_id} of service principal {sp_id} does not exist"
                ))
            })?;
        Ok(sp.secrets.remove(pos))
    }

    /// Sets (or with `None` removes) the expiry of a secret.
    pub fn set_secret_expire_time(
        &mut self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
        expire_time: Option<OffsetDateTime>,
    ) -> Result<Secret, AdminError> {
        let s = self.secret_mut(account_id, sp_id, secret_id)?;
        s.expire_time = expire_time.map(timefmt::truncate_ms);
        s.update_time = Some(timefmt::now());
        Ok(s.clone())
    }

    pub fn set_secret_status(
        &mut self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
        status: &str,
    ) -> Result<Secret, AdminError> {
        if status.is_empty() {
            return Err(AdminError::Invalid("status must not be empty".into()));
        }
        let s = self.secret_mut(account_id, sp_id, secret_id)?;
        s.status = status.to_owned();
        s.update_time = Some(timefmt::now());
        Ok(s.clone())
    }

    // ---- tokens ----------------------------------------------------------------------------

    pub fn issue_token(&mut self, account_id: &str, sp: &ServicePrincipal) -> String {
        let now = Instant::now();
        if self.tokens.len() >= self.prune_tokens_at {
            self.tokens.retain(|_, g| g.expires_at > now);
            self.prune_tokens_at = (self.tokens.len() * 2).max(TOKEN_PRUNE_MIN);
        }
        let token = ids::access_token(&mut self.rng);
        let ttl = Duration::from_secs(self.settings.token_ttl_seconds);
        self.tokens.insert(
            token.clone(),
            Grant {
                account_key: account_key(account_id),
                sp_id: sp.id.clone(),
                application_id: sp.application_id.clone(),
                expires_at: now.checked_add(ttl).unwrap_or(now),
            },
        );
        token
    }

    /// The grant of an unexpired token.
    pub fn grant(&self, token: &str) -> Option<&Grant> {
        self.tokens
            .get(token)
            .filter(|g| g.expires_at > Instant::now())
    }

    /// Makes every issued token expired (clients must fetch a new one).
    pub fn expire_tokens(&mut self) {
        self.tokens.clear();
    }

    // ---- request log -----------------------------------------------------------------------

    pub fn record_request(&mut self, record: RequestRecord) {
        self.requests.push(record, self.settings.request_log_limit);
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.requests.list()
    }

    pub fn clear_requests(&mut self) {
        self.requests.clear();
    }

    // ---- faults, latency, calls ------------------------------------------------------------

    pub fn inject_fault(&mut self, rule: FaultRule) -> u64 {
        let id = self.next_fault_id;
        self.next_fault_id += 1;
        self.faults.push(InjectedFault { id, rule });
        id
    }

    pub fn faults(&self) -> Vec<InjectedFault> {
        self.faults.clone()
    }

    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// The fault for this request, if a scripted rule or the random mode picks it.
    pub fn take_fault(&mut self, method: &axum::http::Method, path: &str) -> Option<Fault> {
        if let Some(pos) = self
            .faults
            .iter()
            .position(|f| f.rule.matches(method, path))
        {
            let entry = self.faults.get_mut(pos)?;
            let fault = entry.rule.fault.clone();
            match entry.rule.count {
                0 => {}
                1 => {
                    self.faults.remove(pos);
                }
                _ => entry.rule.count -= 1,
            }
            return Some(fault);
        }
        let rf = self.settings.random_faults.as_ref()?;
        if rf
            .path_prefix
            .as_deref()
            .is_some_and(|p| !path.starts_with(p))
        {
            return None;
        }
        let roll: f64 = self.fault_rng.random();
        if roll >= rf.probability {
            return None;
        }
        let i = self.fault_rng.random_range(0..rf.kinds.len().max(1));
        rf.kinds.get(i).map(|k| k.to_fault())
    }

    /// This request's share of the configured latency.
    pub fn sample_latency(&mut self) -> Duration {
        match self.settings.latency {
            None => Duration::ZERO,
            Some(l) if l.min_ms >= l.max_ms => Duration::from_millis(l.min_ms),
            Some(l) => Duration::from_millis(self.rng.random_range(l.min_ms..=l.max_ms)),
        }
    }
}

fn sp_not_found(account_id: &str, sp_id: &str) -> AdminError {
    AdminError::NotFound(format!(
        "service principal {sp_id} does not exist in account {account_id}"
    ))
}

/// Turns a seed secret's conveniences into plain fields.
fn resolve_seed_secret(secret: &mut Secret, now: OffsetDateTime) -> Result<(), AdminError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::Fault;
    use axum::http::Method;

    #[test]
    fn scripted_faults_are_consumed_in_order() {
        let mut st = State::from_seed(Seed::canonical()).unwrap();
        st.inject_fault(FaultRule::new("/a", Fault::unavailable()).times(2));
        st.inject_fault(FaultRule::new("/", Fault::delay_ms(1)));
        assert_eq!(
            st.take_fault(&Method::GET, "/a"),
            Some(Fault::unavailable())
        );
        assert_eq!(st.take_fault(&Method::GET, "/b"), Some(Fault::delay_ms(1)));
        assert_eq!(
            st.take_fault(&Method::GET, "/a"),
            Some(Fault::unavailable())
        );
        assert_eq!(st.take_fault(&Method::GET, "/a"), None);
    }

    #[test]
    fn random_faults_are_reproducible() {
        let run = || {
            let mut st = State::from_seed(Seed::new()).unwrap();
            st.set_random_faults(Some(RandomFaults::new(0.3, 42)))
                .unwrap();
            (0..200)
                .map(|_| st.take_fault(&Method::GET, "/x").is_some())
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let hits = a.iter().filter(|x| **x).count();
        assert!((30..90).contains(&hits), "{hits}");
    }

    #[test]
    fn seed_duplicates_are_rejected() {
        let sp = ServicePrincipal::new("1", "a", "x");
        let seed = Seed::new().with_account(
            Account::new("acc")
                .with_service_principal(sp.clone())
                .with_service_principal(sp),
        );
        assert!(matches!(
            State::from_seed(seed),
            Err(AdminError::Conflict(_))
        ));
    }
}
