//! The provider binary at its gRPC and go-plugin edge, without Terraform: handshake, AutoMTLS,
//! signals and shutdown, the TCP transport, StopProvider, and malformed input on every RPC.
//! Part of the quick test path (`scripts/test.sh --quick`): it needs nothing but the build.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod robustness;
mod stop_provider;
mod tcp;
mod transport;
