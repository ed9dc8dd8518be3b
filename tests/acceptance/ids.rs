//! Acceptance: the `id` Terraform shows is the import ID, and states written by release 0.1.0
//! (whose `id` lacked the cloud provider) keep working.

use crate::support::connection::{Connection, Fixture};
use databricks_account_emulator::canonical;

const C: &str = "databricks_workflow_connection.c";

/// The `id = "…"` line of `terraform state show`.
fn shown_id(fx: &Fixture) -> String {
    let out = fx.work.run(&["state", "show", "-no-color", C]);
    assert_eq!(out.code, 0, "{}", out.combined());
    out.stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("id "))
        .and_then(|rest| rest.trim().strip_prefix("= "))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("no id in:\n{}", out.stdout))
}

#[test]
fn the_id_state_show_prints_imports_the_connection_and_round_trips() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();
    let id = shown_id(&fx);
    assert_eq!(
        id,
        format!(
            "aws/{}/{}/{}",
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID
        )
    );

    let out = fx.work.run(&["state", "rm", "-no-color", C]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let out = fx.work.run(&["import", "-no-color", C, &id]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_eq!(shown_id(&fx), id, "the imported id is the one imported");
    // The import cannot know the secret: the next apply records it, then all is quiet.
    fx.work.apply_clean();
    assert_eq!(shown_id(&fx), id);
}

#[test]
fn an_old_three_part_id_fails_saying_how_to_write_the_new_one() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");
    let old = format!(
        "{}/{}/{}",
        canonical::ACCOUNT_ID,
        canonical::SERVICE_PRINCIPAL_ID,
        canonical::SECRET_ID
    );
    let out = fx.work.run(&["import", "-no-color", C, &old]);
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        out.text().contains(&format!("aws/{old}")),
        "{}",
        out.combined()
    );
}

#[test]
fn a_state_written_by_release_0_1_0_is_upgraded_without_a_diff() {
    let fx = Fixture::new();
    // The label of the resource in that state.
    fx.configure(&[("analytics", &Connection::canonical())], "");
    let fixture = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/state-v0.1.0.json"),
    )
    .unwrap();
    assert!(fixture.contains("\"schema_version\": 0"));
    fx.work.write("terraform.tfstate", &fixture);

    fx.work.assert_no_changes();
    let out = fx
        .work
        .run(&["apply", "-refresh-only", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let state = fx.work.state();
    let instance = &state["resources"][0]["instances"][0];
    assert_eq!(instance["schema_version"], 1, "{state:#}");
    assert_eq!(
        instance["attributes"]["id"],
        format!(
            "aws/{}/{}/{}",
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID
        )
    );
    assert_eq!(instance["attributes"]["status"], "verified");
    fx.work.assert_no_changes();
}
