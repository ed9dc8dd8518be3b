//! The `databricks_workflow_connection` resource: schema, validation and lifecycle, as plain
//! functions over decoded values.

pub(crate) mod apply;
mod attributes;
pub(crate) mod delete;
pub(crate) mod import;
pub(crate) mod model;
pub(crate) mod plan;
pub(crate) mod read;
pub(crate) mod report;
pub(crate) mod revoke;
mod schema;
pub(crate) mod upgrade;
mod validate;

use databricks_account_client::Client;
use tokio_util::sync::CancellationToken;

use crate::resource::Management;

use revoke::Ledger;

pub use attributes::{Attr, Role, Status};
pub use schema::{SCHEMA_VERSION, TYPE_NAME, schema};
pub use validate::validate;

/// The lifecycle functions, for the fuzz targets (`fuzz/`), which drive them with arbitrary
/// values and no Terraform; only with the `fuzzing` feature. Not part of the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub mod model {
        pub use super::super::model::*;
    }
    pub mod plan {
        pub use super::super::plan::{PlanContext, plan};
    }
    pub mod revoke {
        pub use super::super::revoke::{Decision, Ledger, decode, encode};
    }
    pub mod import {
        pub use super::super::import::import_without_lookup;
    }
    pub mod upgrade {
        pub use super::super::upgrade::upgrade;
    }
    pub mod report {
        pub use super::super::report::expiry_warning;
    }
}

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
