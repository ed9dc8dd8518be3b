//! The health-checks example (`examples/health-checks/`): its `terraform test` file, which
//! asserts on `status` the right way (in runs that check), passes against the emulator, and
//! the postcondition and check block it shows fire on a broken connection.

use std::path::Path;

use crate::support::terraform::Workdir;
use databricks_account_emulator::{Emulator, Seed, canonical};

fn example(file: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/health-checks")
            .join(file),
    )
    .unwrap()
}

fn workdir(emu: &Emulator) -> Workdir {
    let mut work = Workdir::new(&example("main.tf"));
    std::fs::create_dir_all(work.path().join("tests")).unwrap();
    work.write(
        "tests/status.tftest.hcl",
        &example("tests/status.tftest.hcl"),
    );
    work.env("TF_VAR_host", &emu.url())
        .env("TF_VAR_client_secret", canonical::SECRET);
    work
}

#[test]
fn the_terraform_test_file_passes_against_the_emulator() {
    let emu = Emulator::start(Seed::canonical()).unwrap();
    let work = workdir(&emu);
    let out = work.run(&["test", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout.contains("Success! 2 passed, 0 failed."),
        "{}",
        out.combined()
    );
}

#[test]
fn the_postcondition_fires_in_a_drift_check_of_a_broken_connection() {
    let emu = Emulator::start(Seed::canonical()).unwrap();
    let work = workdir(&emu);
    let out = work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    emu.remove_role(
        canonical::ACCOUNT_ID,
        canonical::SERVICE_PRINCIPAL_ID,
        "account_admin",
    )
    .unwrap();
    let refresh = work.plan_refresh_only();
    assert_eq!(refresh.code, 2, "{}", refresh.combined());
    assert!(
        refresh
            .text()
            .contains("Warning: Resource postcondition failed"),
        "{}",
        refresh.combined()
    );
    assert!(
        refresh
            .text()
            .contains("failed its check: not_account_admin"),
        "{}",
        refresh.combined()
    );
}

#[test]
fn a_secret_that_never_expires_passes_the_expiry_check() {
    let emu = Emulator::start(Seed::canonical()).unwrap();
    emu.set_secret_expire_time(
        canonical::ACCOUNT_ID,
        canonical::SERVICE_PRINCIPAL_ID,
        canonical::SECRET_ID,
        None,
    )
    .unwrap();
    let work = workdir(&emu);
    let out = work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_eq!(
        work.instance("databricks_workflow_connection.analytics")["secret_expire_time"],
        serde_json::Value::Null
    );
    // A null expiry must neither fail the check nor make it an error (`||` is not
    // short-circuit in Terraform, so the example tests for null with a conditional).
    let refresh = work.plan_refresh_only();
    assert_eq!(refresh.code, 0, "{}", refresh.combined());
    for unwanted in [
        "Check block assertion",
        "Invalid function argument",
        "Error",
    ] {
        assert!(
            !refresh.text().contains(unwanted),
            "{unwanted}: {}",
            refresh.combined()
        );
    }
}
