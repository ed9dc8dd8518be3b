//! Tests of the provider block: the canonical connection under a provider body of the test's
//! choosing, and how to tell which credentials a refresh used.

use databricks_account_emulator::canonical;

use super::connection::{Connection, Fixture, quote};
use super::terraform::{Output, Workdir, required_providers};

/// main.tf: the canonical connection, with the given lines as the provider block's body.
pub fn configure(fx: &Fixture, provider_lines: &[String]) {
    let tf = format!(
        "{}\nprovider \"databricks\" {{\n{}\n}}\n\n{}",
        required_providers(),
        provider_lines.join("\n"),
        Connection::canonical().block("c")
    );
    fx.work.write("main.tf", &tf);
}

/// `host = "<the emulator>"`, a line of a provider body.
pub fn host_line(fx: &Fixture) -> String {
    format!("  host = {}", quote(&fx.emu.url()))
}

/// `terraform apply -json` succeeds and both plans are then empty; returns the apply.
#[track_caller]
pub fn apply_ok(work: &Workdir) -> Output {
    let out = work.apply_json();
    assert_eq!(out.code, 0, "apply failed:\n{}", out.combined());
    work.assert_no_changes();
    out
}

/// What a refresh reports for a deleted secret with management credentials: they see the
/// secret list.
pub const WITH_MANAGEMENT: &str = "secret_not_found";
/// ...and with only the connection's own secret, which Databricks then refuses.
pub const OWN_SECRET_ONLY: &str = "credentials_rejected";

/// Deletes the canonical connection's secret and returns the status a refresh-only plan then
/// shows for it: [`WITH_MANAGEMENT`] or [`OWN_SECRET_ONLY`] tells which credentials it used.
#[track_caller]
pub fn status_after_secret_deleted(fx: &Fixture) -> String {
    fx.emu
        .delete_secret(
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID,
        )
        .unwrap();
    let refresh = fx.work.plan_refresh_only();
    assert_eq!(refresh.code, 2, "drift expected:\n{}", refresh.combined());
    refresh
        .stdout
        .lines()
        .map(str::trim_start)
        .find_map(|l| l.strip_prefix("~ status"))
        .and_then(|l| l.rsplit("-> ").next())
        .map(|s| s.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("no status change in:\n{}", refresh.combined()))
}
