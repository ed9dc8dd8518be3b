//! Managed resource types, and what they need from the provider that serves them.

pub mod workflow_connection;

use databricks_account_client::{ClientCredentials, SecretString};

/// Account-admin credentials the provider was configured with, for one account: refresh,
/// import and revoke of that account's connections use them instead of each connection's
/// own secret.
#[derive(Clone, Debug)]
pub struct Management {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: SecretString,
}

impl Management {
    pub fn credentials(&self) -> ClientCredentials {
        ClientCredentials::new(self.client_id.clone(), self.client_secret.clone())
    }

    /// Whether these credentials belong to `account_id` (UUIDs compare case-insensitively).
    pub fn is_for(&self, account_id: &str) -> bool {
        self.account_id.eq_ignore_ascii_case(account_id)
    }
}
