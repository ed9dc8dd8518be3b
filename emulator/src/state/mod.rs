//! The emulator's in-memory state: the directory of accounts, principals and secrets, the
//! issued tokens, the waiting faults, the request log, the call counts and the settings. All of
//! it sits behind one mutex that is never held across an `.await`, so requests stay cheap and
//! consistent. This module ties the parts together where a change touches more than one.

mod calls;
mod directory;
mod error;
mod fault_queue;
mod inputs;
mod tokens;

use std::time::Duration;

use axum::http::Method;
use rand::RngExt;
use rand::rngs::StdRng;

use crate::faults::{Fault, FaultRule, RandomFaults};
use crate::reqlog::{RequestLog, RequestRecord};
use crate::seed::{Account, Seed, ServicePrincipal, Settings};
use crate::timefmt;

pub use calls::CallCounts;
pub(crate) use directory::{Directory, account_key};
pub use error::AdminError;
use fault_queue::FaultQueue;
pub use fault_queue::InjectedFault;
pub use inputs::{NewSecret, NewServicePrincipal, ServicePrincipalUpdate};
use tokens::Tokens;

pub(crate) struct State {
    pub directory: Directory,
    pub tokens: Tokens,
    pub settings: Settings,
    pub calls: CallCounts,
    faults: FaultQueue,
    requests: RequestLog,
    /// Latency jitter and error ids.
    pub rng: StdRng,
}

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
        let mut directory = Directory::new();
        let now = timefmt::now();
        for account in seed.accounts {
            directory.add_account(Some(account.account_id.clone()))?;
            for mut sp in account.service_principals {
                for secret in &mut sp.secrets {
                    inputs::resolve_seed_secret(secret, now)?;
                }
                directory.insert_service_principal(&account.account_id, sp)?;
            }
        }
        Ok(State {
            directory,
            tokens: Tokens::new(),
            settings: seed.settings,
            calls: CallCounts::default(),
            faults: FaultQueue::new(fault_seed),
            requests: RequestLog::default(),
            rng: rand::make_rng(),
        })
    }

    /// The state in seed format (secret values included, relative expiries resolved).
    pub fn snapshot(&self) -> Seed {
        Seed {
            settings: self.settings.clone(),
            accounts: self
                .directory
                .accounts()
                .map(|a| Account {
                    account_id: a.account_id.clone(),
                    service_principals: a.service_principals.values().cloned().collect(),
                })
                .collect(),
        }
    }

    // ---- settings --------------------------------------------------------------------------

    /// Setting random faults re-seeds their RNG; a lower request log limit trims the log.
    pub fn set_settings(&mut self, settings: Settings) -> Result<(), AdminError> {
        if let Some(rf) = &settings.random_faults {
            rf.validate().map_err(AdminError::Invalid)?;
            self.faults.reseed(rf.seed);
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

    /// This request's share of the configured latency.
    pub fn sample_latency(&mut self) -> Duration {
        match self.settings.latency {
            None => Duration::ZERO,
            Some(l) if l.min_ms >= l.max_ms => Duration::from_millis(l.min_ms),
            Some(l) => Duration::from_millis(self.rng.random_range(l.min_ms..=l.max_ms)),
        }
    }

    // ---- tokens ----------------------------------------------------------------------------

    /// A token for `sp`, valid for the configured lifetime.
    pub fn issue_token(&mut self, account_id: &str, sp: &ServicePrincipal) -> String {
        let ttl = Duration::from_secs(self.settings.token_ttl_seconds);
        self.tokens.issue(account_id, sp, ttl)
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

    // ---- faults ----------------------------------------------------------------------------

    pub fn inject_fault(&mut self, rule: FaultRule) -> u64 {
        self.faults.inject(rule)
    }

    pub fn faults(&self) -> Vec<InjectedFault> {
        self.faults.list()
    }

    pub fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// The fault for this request, if a scripted rule or the random mode picks it.
    pub fn take_fault(&mut self, method: &Method, path: &str) -> Option<Fault> {
        self.faults
            .take(method, path, self.settings.random_faults.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
