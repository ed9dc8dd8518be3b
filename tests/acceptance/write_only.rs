//! Acceptance: `client_secret_wo` + `client_secret_wo_version` (Terraform 1.11 write-only
//! arguments): the secret never reaches the state, a version bump re-verifies in place, and
//! without management credentials a refresh has nothing to check with, so it leaves the
//! record as it is with a warning — never a perpetual diff.

use crate::support::connection::{
    Connection, Fixture, Management, SecretArg, assert_status_change, rfc3339,
};
use databricks_account_emulator::canonical;

const C: &str = "databricks_workflow_connection.c";

/// The secret comes from an ephemeral variable set through the environment, so it is in
/// neither the configuration nor (being write-only) the plan or the state.
const VARIABLE: &str = "\nvariable \"secret\" {\n  type      = string\n  ephemeral = true\n}\n";

fn write_only(version: u32) -> Connection {
    Connection {
        secret: SecretArg::WriteOnly {
            expression: "var.secret".into(),
            version,
        },
        ..Connection::canonical()
    }
}

fn fixture() -> Fixture {
    let mut fx = Fixture::new();
    fx.work.env("TF_VAR_secret", canonical::SECRET);
    fx
}

const NOT_CHECKED: &str = "Warning: connection \"Databricks analytics\" was not re-checked";

#[test]
fn a_write_only_secret_appears_nowhere_in_the_state() {
    let fx = fixture();
    fx.configure(&[("c", &write_only(1))], VARIABLE);
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_eq!(fx.emu.calls().token, 1, "the create verified the secret");
    let (plan, refresh) = fx.work.assert_no_changes();

    let state = fx.work.state_text();
    assert!(!state.is_empty());
    assert!(
        !state.contains(canonical::SECRET),
        "the write-only secret leaked into terraform.tfstate:\n{state}"
    );
    for out in [&out, &plan, &refresh] {
        assert!(
            !out.combined().contains(canonical::SECRET),
            "{}",
            out.combined()
        );
    }
    let show = fx.work.run(&["show", "-json"]);
    assert_eq!(show.code, 0, "{}", show.combined());
    assert!(!show.stdout.contains(canonical::SECRET));

    let c = fx.work.instance(C);
    assert!(c["client_secret"].is_null());
    assert!(c["client_secret_wo"].is_null());
    assert_eq!(c["client_secret_wo_version"], 1);
    assert_eq!(c["status"], "verified");
}

#[test]
fn bumping_the_write_only_version_re_verifies_in_place() {
    let fx = fixture();
    fx.configure(&[("c", &write_only(1))], VARIABLE);
    fx.work.apply_clean();
    let before = fx.work.instance(C);

    fx.configure(&[("c", &write_only(2))], VARIABLE);
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(
        plan.stdout
            .contains(&format!("# {C} will be updated in-place")),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("~ client_secret_wo_version = 1 -> 2"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);

    fx.emu.reset_calls();
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    // No token for the refresh (nothing to check with), one for the re-verification.
    assert_eq!(fx.emu.calls().token, 1, "{:?}", fx.emu.calls());
    fx.work.assert_no_changes();

    let after = fx.work.instance(C);
    assert_eq!(after["client_secret_wo_version"], 2);
    assert_eq!(after["status"], "verified");
    assert_eq!(after["id"], before["id"]);
    assert!(rfc3339(&after["verified_at"]) >= rfc3339(&before["verified_at"]));
    assert!(!fx.work.state_text().contains(canonical::SECRET));
}

#[test]
fn without_management_credentials_a_write_only_connection_is_left_as_recorded_with_a_warning() {
    let mut fx = fixture();
    fx.configure(&[("c", &write_only(1))], VARIABLE);
    fx.work.apply_clean();

    // Even a deleted secret cannot be seen: there is nothing to check with. The refresh
    // calls nothing, changes nothing and says so; the plans stay empty (no perpetual diff).
    fx.emu
        .delete_secret(
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID,
        )
        .unwrap();
    fx.emu.reset_calls();
    let (plan, refresh) = fx.work.assert_no_changes();
    for out in [&plan, &refresh] {
        assert!(out.text().contains(NOT_CHECKED), "{}", out.combined());
        assert!(
            out.text()
                .contains("no management credentials for this account"),
            "the warning says how to get drift detection:\n{}",
            out.stdout
        );
    }
    assert_eq!(fx.emu.calls().total(), 0, "{:?}", fx.emu.calls());
    assert_eq!(fx.work.instance(C)["status"], "verified");

    // With management credentials, the same refresh sees the deleted secret.
    fx.management = Some(Management::add(&fx.emu));
    fx.configure(&[("c", &write_only(1))], VARIABLE);
    let refresh = fx.work.plan_refresh_only();
    assert_eq!(refresh.code, 2, "{}", refresh.combined());
    assert_status_change(&refresh, "verified", "secret_not_found");
    assert!(!refresh.text().contains(NOT_CHECKED), "{}", refresh.stdout);
}
