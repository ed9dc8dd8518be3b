//! Shared helpers for the integration and acceptance tests.
#![allow(dead_code)]

pub mod chroot;
pub mod connection;
pub mod platforms;
pub mod process;
pub mod provider_block;
pub mod reflect;
pub mod robust;
pub mod sdk;
pub mod tcp;
pub mod terraform;
pub mod unreachable;
