//! Shared helpers for the integration and acceptance tests.
#![allow(dead_code)]

pub mod process;
pub mod terraform;
