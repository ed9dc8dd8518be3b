//! Acceptance: the provider's logs reach Terraform's log at the right levels, with module
//! names, HTTP method/path/status/latency and retry decisions.

use crate::support::connection::{Connection, Fixture};
use databricks_account_emulator::{Fault, FaultRule};

const PROVIDER: &str = "provider.terraform-provider-databricks";

/// Runs an apply with the given log variables and returns Terraform's log lines written by
/// the provider.
fn provider_log_lines(vars: &[(&str, &str)]) -> Vec<String> {
    let mut fx = Fixture::new();
    // One rate-limited token request: the retry decision must show in the log.
    fx.emu
        .inject_fault(FaultRule::new("/oidc/", Fault::too_many_requests(0)).times(1));
    fx.configure(&[("c", &Connection::canonical())], "");
    let log = fx.work.path().join("terraform.log");
    fx.work.env("TF_LOG_PATH", log.to_str().unwrap());
    for (k, v) in vars {
        fx.work.env(k, v);
    }
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter(|l| l.contains(PROVIDER))
        .map(str::to_string)
        .collect()
}

fn find<'a>(lines: &'a [String], parts: &[&str]) -> Option<&'a String> {
    lines.iter().find(|l| parts.iter().all(|p| l.contains(p)))
}

#[test]
fn provider_debug_logs_show_http_calls_and_retries_with_levels_and_modules() {
    let lines = provider_log_lines(&[("TF_LOG_PROVIDER", "debug")]);
    let call = find(
        &lines,
        &[
            "[DEBUG]",
            "account API call:",
            "@module=databricks.client",
            "method=GET",
            "path=/api/2.0/accounts/",
            "status=200",
            "latency_ms=",
        ],
    );
    assert!(
        call.is_some(),
        "no DEBUG line for a successful account API call in:\n{}",
        lines.join("\n")
    );
    // A retry is a WARN: `TF_LOG=warn` shows what the provider waits for.
    let retry = find(
        &lines,
        &[
            "[WARN]",
            "retrying account API call",
            "reason=rate_limited",
            "status=429",
            "wait_ms=",
        ],
    );
    assert!(
        retry.is_some(),
        "no retry decision in:\n{}",
        lines.join("\n")
    );
    assert!(
        find(
            &lines,
            &[
                "[DEBUG]",
                "configure provider",
                "@module=databricks.protocol"
            ]
        )
        .is_some(),
        "no protocol-layer line in:\n{}",
        lines.join("\n")
    );
    // The level is honoured: trace lines (response bodies) stay out of a debug log.
    assert!(
        find(&lines, &["[TRACE]"]).is_none(),
        "trace lines in a debug log"
    );
}

#[test]
fn tf_log_trace_also_brings_the_providers_trace_lines() {
    let lines = provider_log_lines(&[("TF_LOG", "trace")]);
    assert!(
        find(
            &lines,
            &["[TRACE]", "account API answer", "@module=databricks.client"]
        )
        .is_some(),
        "no TRACE line from the provider in:\n{}",
        lines.join("\n")
    );
    assert!(find(&lines, &["[DEBUG]", "account API call:"]).is_some());
}

/// The `@module` of a Terraform log line written by the provider, e.g. `databricks.client`.
fn module_of(line: &str) -> Option<&str> {
    let start = line.find("@module=")? + "@module=".len();
    line[start..].split_whitespace().next()
}

/// Crates below the provider whose frame-by-frame logs drown a support ticket.
const WIRE_MODULES: [&str; 7] = [
    "h2",
    "hyper",
    "hyper-util",
    "tonic",
    "tower",
    "rustls",
    "reqwest",
];

#[test]
fn trace_logs_hold_the_providers_lines_without_transport_frames() {
    let lines = provider_log_lines(&[("TF_LOG", "trace")]);
    let wire: Vec<&String> = lines
        .iter()
        .filter(|l| module_of(l).is_some_and(|m| WIRE_MODULES.contains(&m)))
        .collect();
    assert!(
        wire.is_empty(),
        "{} transport frame lines in a TF_LOG=trace log, e.g.:\n{}",
        wire.len(),
        wire.iter()
            .take(5)
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    for module in [
        "databricks.client",
        "databricks.protocol",
        "databricks.provider",
    ] {
        assert!(
            lines.iter().any(|l| module_of(l) == Some(module)),
            "no line from {module} in:\n{}",
            lines.join("\n")
        );
    }
}

#[test]
fn the_wire_switch_brings_the_transport_frames_back() {
    let lines = provider_log_lines(&[
        ("TF_LOG", "trace"),
        ("TF_LOG_PROVIDER_DATABRICKS_WIRE", "trace"),
    ]);
    assert!(
        lines
            .iter()
            .any(|l| module_of(l).is_some_and(|m| WIRE_MODULES.contains(&m))),
        "TF_LOG_PROVIDER_DATABRICKS_WIRE=trace brought no h2/hyper/tonic line"
    );
    assert!(
        lines
            .iter()
            .any(|l| module_of(l) == Some("databricks.client"))
    );
}
