//! Acceptance: a wrong host fails the command at once and says what to do, instead of
//! retrying for the whole retry budget (300 s by default). A TLS handshake that fails for
//! protocol, version or certificate reasons, a plain-HTTP answer on an `https://` URL and a
//! name that does not resolve are not retried; a refused connection is retried for 15 s at
//! most. Each message names the host and the port; every retry is logged at WARN with its
//! reason. A management principal without Account Admin is named, by its client ID, as the
//! one that needs the role.

use std::time::{Duration, Instant};

use crate::support::connection::{
    Connection, Fixture, Management, add_admin_principal, assert_nothing_recorded, diagnostic,
    quote,
};
use crate::support::terraform::{Output, Workdir, required_providers};
use crate::support::unreachable::{free_port, tls_version_mismatch_server};
use databricks_account_emulator::{ACCOUNT_ADMIN, canonical};

/// Far below the default retry budget of 300 s: the command ended because the failure was
/// final, not because the budget ran out.
const LONG_BEFORE_THE_BUDGET: Duration = Duration::from_secs(60);

/// The canonical connection with the provider's `host` set to `host` (and nothing else set).
fn workdir_with_host(host: &str) -> Workdir {
    let work = Workdir::new("");
    work.write(
        "main.tf",
        &format!(
            "{}\nprovider \"databricks\" {{\n  host = {}\n}}\n\n{}",
            required_providers(),
            quote(host),
            Connection::canonical().block("c")
        ),
    );
    work
}

/// `terraform apply -json` and how long it took.
fn timed_apply(work: &Workdir) -> (Output, Duration) {
    let started = Instant::now();
    let out = work.apply_json();
    (out, started.elapsed())
}

/// The apply failed with "Verifying the connection failed", fast, recorded nothing, and the
/// detail mentions every one of `parts`; returns the detail.
#[track_caller]
fn assert_failed_fast(work: &Workdir, out: &Output, took: Duration, parts: &[&str]) -> String {
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        took < LONG_BEFORE_THE_BUDGET,
        "the apply took {took:?}: {}",
        out.combined()
    );
    assert_nothing_recorded(work);
    let d = diagnostic(out, "error", "Verifying the connection failed");
    let detail = d["detail"].as_str().unwrap().to_owned();
    for part in parts {
        assert!(detail.contains(part), "{part:?} in {detail}");
    }
    detail
}

#[test]
fn a_port_where_nothing_listens_fails_within_seconds_saying_nothing_accepts_connections_there() {
    let port = free_port();
    let mut work = workdir_with_host(&format!("http://127.0.0.1:{port}"));
    let log = work.path().join("terraform.log");
    work.env("TF_LOG", "warn")
        .env("TF_LOG_PATH", log.to_str().unwrap());
    let (out, took) = timed_apply(&work);
    assert_failed_fast(
        &work,
        &out,
        took,
        &[
            &format!("could not connect to http://127.0.0.1:{port}: the connection was refused"),
            "a refused connection is retried for at most 15 s",
            &format!("Nothing accepts connections on 127.0.0.1 port {port}"),
            "check the port and the scheme (http:// or https://) of the provider's host",
            "The connection was not recorded.",
        ],
    );
    // What the provider waited for, at WARN: each retry with its reason.
    let log = std::fs::read_to_string(&log).unwrap();
    let retries: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("[WARN]") && l.contains("retrying account API call"))
        .collect();
    assert!(!retries.is_empty(), "no WARN line for a retry in:\n{log}");
    for line in &retries {
        assert!(
            line.contains("transport=connection_refused") && line.contains("wait_ms="),
            "{line}"
        );
    }
}

#[test]
fn https_to_a_plain_http_server_fails_at_once_suggesting_http_for_a_local_emulator() {
    let fx = Fixture::new();
    // No scheme means https://, but the emulator speaks plain HTTP.
    let address = fx.emu.url().trim_start_matches("http://").to_owned();
    let work = workdir_with_host(&address);
    let (out, took) = timed_apply(&work);
    let detail = assert_failed_fast(
        &work,
        &out,
        took,
        &[
            &format!("https://{address} did not answer in TLS"),
            "most likely plain HTTP",
            &format!("set the provider's host to \"http://{address}\""),
            "Not retried.",
        ],
    );
    assert!(!detail.contains("gave up after"), "not retried: {detail}");
    assert_eq!(fx.emu.calls().total(), 0, "no request reached the API");
}

#[test]
fn a_tls_server_without_a_common_protocol_version_fails_at_once() {
    let port = tls_version_mismatch_server();
    let work = workdir_with_host(&format!("https://127.0.0.1:{port}"));
    let (out, took) = timed_apply(&work);
    let detail = assert_failed_fast(
        &work,
        &out,
        took,
        &[
            &format!("https://127.0.0.1:{port} refused the TLS handshake"),
            &format!("The server on 127.0.0.1 port {port} accepts only TLS versions"),
            "it speaks TLS 1.2 and 1.3",
            "Not retried.",
        ],
    );
    assert!(!detail.contains("gave up after"), "not retried: {detail}");
}

#[test]
fn a_host_name_that_does_not_resolve_fails_at_once_naming_the_name_and_port() {
    let work = workdir_with_host("https://nonexistent.invalid");
    let (out, took) = timed_apply(&work);
    let detail = assert_failed_fast(
        &work,
        &out,
        took,
        &[
            "could not connect to https://nonexistent.invalid (port 443)",
            "the host name nonexistent.invalid does not resolve",
            "Check the provider's host (or DATABRICKS_HOST, or the profile's host) for a typo",
            "Not retried",
        ],
    );
    assert!(!detail.contains("gave up after"), "not retried: {detail}");
}

#[test]
fn a_management_principal_without_account_admin_is_named_by_its_client_id_as_the_one_that_needs_it()
{
    let mut fx = Fixture::new();
    let principal = add_admin_principal(&fx.emu, "terraform-management", 1);
    let management = Management {
        account_id: canonical::ACCOUNT_ID.into(),
        client_id: principal.application_id.clone(),
        client_secret: principal.secrets[0].secret.clone(),
    };
    fx.management = Some(management.clone());
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();

    fx.emu
        .remove_role(canonical::ACCOUNT_ID, &principal.id, ACCOUNT_ADMIN)
        .unwrap();
    let plan = fx.work.run(&["plan", "-json"]);
    assert_eq!(plan.code, 1, "{}", plan.combined());
    let d = diagnostic(
        &plan,
        "error",
        "Re-checking connection \"Databricks analytics\" failed",
    );
    let detail = d["detail"].as_str().unwrap();
    for part in [
        format!(
            "The management service principal, client ID {} (the provider's client_id), lacks the Account Admin role in account {}",
            management.client_id,
            canonical::ACCOUNT_ID
        ),
        format!(
            "Service principal {} in the request is the one being checked, not the one that needs the role.",
            canonical::SERVICE_PRINCIPAL_ID
        ),
        "Nothing was changed.".to_owned(),
    ] {
        assert!(detail.contains(&part), "{part:?} in {detail}");
    }
    assert!(
        !detail.contains("The service principal lacks a permission"),
        "the advice must not point at the connection's principal: {detail}"
    );
}
