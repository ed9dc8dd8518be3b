//! The emulator over HTTP, in process and as a binary: the contract vectors, the admin API,
//! faults, discovery, the request log, SCIM lifecycles and TLS. Part of the quick test path.
//! The official SDK's contract suite needs Python and is a binary of its own
//! (`emulator/tests/sdk_contract.rs`), outside the quick path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod admin;
mod binary;
mod contract;
mod discovery;
mod faults;
mod request_log;
mod scim_lifecycle;
mod tls;
