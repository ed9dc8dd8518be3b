//! How many requests each endpoint of the account API has answered.

use serde::{Deserialize, Serialize};

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
