//! The `databricks_workflow_connection` resource: schema, validation and lifecycle, as plain
//! functions over decoded values.

pub mod apply;
pub mod attributes;
pub mod delete;
pub mod import;
pub mod model;
pub mod plan;
pub mod read;
pub mod report;
pub mod revoke;
pub mod schema;
pub mod upgrade;
pub mod validate;

use databricks_account_client::Client;
use tokio_util::sync::CancellationToken;

use crate::resource::Management;

use revoke::Ledger;

pub use attributes::{Attr, Status};
pub use schema::{TYPE_NAME, schema};
pub use validate::validate;

/// What an operation that talks to Databricks needs.
pub struct Context<'a> {
    pub client: &'a Client,
    pub management: Option<&'a Management>,
    /// The secrets this walk's connections keep and would revoke.
    pub ledger: &'a Ledger,
    /// Cancelled by StopProvider.
    pub cancel: CancellationToken,
}

impl Context<'_> {
    /// The management credentials, when they belong to this account.
    pub fn management_for(&self, account_id: &str) -> Option<&Management> {
        self.management.filter(|m| m.is_for(account_id))
    }
}
