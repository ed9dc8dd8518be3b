//! The `databricks_workflow_connection` resource.

pub mod schema;
pub mod validate;

pub use schema::{TYPE_NAME, schema};
pub use validate::validate;
