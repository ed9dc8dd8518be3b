//! Shared helpers for the integration and acceptance tests.
#![allow(dead_code)]

pub mod connection;
pub mod process;
pub mod provider_block;
pub mod reflect;
pub mod robust;
pub mod sdk;
pub mod terraform;
pub mod unreachable;
