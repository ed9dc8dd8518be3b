//! Acceptance tests: the real `terraform` (`TF_ACC_TERRAFORM_PATH`, else PATH) drives the
//! freshly built provider against the account API emulator, through `dev_overrides` or an
//! installed copy. One module per area. `sdk` also needs the official Databricks SDK for
//! Python (`target/sdk-venv`, made by `scripts/lib/sdk-venv.sh`). Not part of the quick test
//! path (`scripts/test.sh --quick`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod client_messages;
mod create_failures;
mod drift;
mod examples;
mod fail_fast;
mod faults;
mod honest;
mod ids;
mod import;
mod install;
mod leaks;
mod lifecycle;
mod logs;
mod management;
mod messages;
mod profiles;
mod provider_config;
mod proxy;
mod revoke;
mod rotation;
mod schema;
mod sdk;
mod secrets;
mod tcp;
mod tls;
mod validate;
mod write_only;
