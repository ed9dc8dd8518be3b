//! The bearer tokens the token endpoint issued, and what each one grants.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;

use super::directory::account_key;
use crate::ids;
use crate::seed::ServicePrincipal;

/// Issued tokens are pruned of expired ones once there are this many (and then at twice the
/// live count), so a long run that issues many tokens keeps a bounded map.
const TOKEN_PRUNE_MIN: usize = 10_000;

/// An issued bearer token.
pub(crate) struct Grant {
    pub account_key: String,
    pub sp_id: String,
    pub application_id: String,
    pub expires_at: Instant,
}

pub(crate) struct Tokens {
    grants: HashMap<String, Grant>,
    prune_at: usize,
    rng: StdRng,
}

impl Tokens {
    pub fn new() -> Self {
        Tokens {
            grants: HashMap::new(),
            prune_at: TOKEN_PRUNE_MIN,
            rng: rand::make_rng(),
        }
    }

    /// A new token for `sp` in `account_id`, valid for `ttl`.
    pub fn issue(&mut self, account_id: &str, sp: &ServicePrincipal, ttl: Duration) -> String {
        let now = Instant::now();
        if self.grants.len() >= self.prune_at {
            self.grants.retain(|_, g| g.expires_at > now);
            self.prune_at = (self.grants.len() * 2).max(TOKEN_PRUNE_MIN);
        }
        let token = ids::access_token(&mut self.rng);
        self.grants.insert(
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
        self.grants
            .get(token)
            .filter(|g| g.expires_at > Instant::now())
    }

    /// Makes every issued token expired (clients must fetch a new one).
    pub fn expire_all(&mut self) {
        self.grants.clear();
    }
}
