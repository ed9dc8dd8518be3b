//! The real `terraform` over go-plugin's TCP transport (the one Windows needs), on Linux
//! through the switch `TF_PROVIDER_DATABRICKS_TRANSPORT=tcp`: apply, a clean plan, drift and
//! destroy, and debug mode's reattach value. The handshake and port range without Terraform
//! are in the gRPC tests (`tests/grpc/tcp.rs`).

use crate::support::connection::{
    Connection, Fixture, assert_nothing_recorded, assert_status_change,
};
use crate::support::process::{DebugProvider, provider_binary};
use crate::support::tcp::TRANSPORT_VARIABLE;
use databricks_account_emulator::canonical;

const C: &str = "databricks_workflow_connection.c";

/// apply, a clean plan, drift in `plan -refresh-only -detailed-exitcode` and destroy, with
/// Terraform starting the provider on TCP for every command and stopping it with Shutdown.
#[test]
fn terraform_applies_plans_detects_drift_and_destroys_over_tcp() {
    let mut fx = Fixture::new();
    fx.work.env(TRANSPORT_VARIABLE, "tcp");
    let log = fx.work.path().join("terraform.log");
    fx.work
        .env("TF_LOG", "trace")
        .env("TF_LOG_PATH", log.to_str().unwrap());
    fx.configure(&[("c", &Connection::canonical())], "");

    fx.work.apply_clean();
    assert_eq!(fx.work.instance(C)["status"], "verified");

    fx.emu
        .delete_secret(
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID,
        )
        .unwrap();
    let drift = fx.work.plan_refresh_only();
    assert_eq!(drift.code, 2, "drift is exit 2:\n{}", drift.combined());
    assert_status_change(&drift, "verified", "credentials_rejected");

    let destroy = fx
        .work
        .run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(destroy.code, 0, "{}", destroy.combined());
    assert_nothing_recorded(&fx.work);

    // Every provider Terraform started served on TCP and left when Shutdown asked it to.
    let log = std::fs::read_to_string(&log).unwrap();
    let served: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("provider.terraform-provider-databricks") && l.contains("serving:"))
        .collect();
    assert!(
        !served.is_empty(),
        "the provider's own log is in Terraform's:\n{log}"
    );
    assert!(
        served
            .iter()
            .all(|l| l.contains("network=tcp") && l.contains("address=127.0.0.1:")),
        "{served:#?}"
    );
    let shutdowns = log.matches("shutdown requested by Terraform").count();
    let exits = log.matches("plugin exited").count();
    assert!(
        shutdowns >= served.len() && exits >= served.len(),
        "{} providers served, {shutdowns} Shutdown calls, {exits} exits:\n{log}",
        served.len()
    );
    assert!(
        !log.contains("plugin failed to exit gracefully"),
        "a provider had to be killed:\n{log}"
    );
}

/// `--debug` over TCP prints a reattach value that says `tcp`, and Terraform attaches to it.
#[test]
fn debug_mode_over_tcp_reattaches_terraform_through_a_tcp_address() {
    let mut fx = Fixture::new();
    let provider = DebugProvider::start_binary(
        &provider_binary(),
        &fx.work.path().join("provider.log"),
        &[(TRANSPORT_VARIABLE, "tcp")],
    );
    let value: serde_json::Value = serde_json::from_str(&provider.reattach).unwrap();
    let addr = &value["terraform.local/okta-workflows/databricks"]["Addr"];
    assert_eq!(addr["Network"], "tcp", "{value}");
    let address: std::net::SocketAddr = addr["String"].as_str().unwrap().parse().unwrap();
    assert!(address.ip().is_loopback(), "{address}");

    fx.work.env("TF_REATTACH_PROVIDERS", &provider.reattach);
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();
    assert_eq!(fx.work.instance(C)["status"], "verified");
    let destroy = fx
        .work
        .run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(destroy.code, 0, "{}", destroy.combined());
}
