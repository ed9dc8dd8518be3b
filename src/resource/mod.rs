//! Managed resource types.

pub mod workflow_connection;
