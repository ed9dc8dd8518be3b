//! Acceptance: import, by `terraform import` and by an `import` block.
//!
//! An import knows only the identity in its ID: not `name`, not the secret. So the first
//! apply after an import is an in-place update that records the configured arguments and
//! verifies the connection with the configured secret; after that apply both a normal and a
//! refresh-only plan are empty.

use crate::support::connection::{Connection, Fixture};
use databricks_account_emulator::canonical;

const C: &str = "databricks_workflow_connection.c";

fn import_id() -> String {
    format!(
        "aws/{}/{}/{}",
        canonical::ACCOUNT_ID,
        canonical::SERVICE_PRINCIPAL_ID,
        canonical::SECRET_ID
    )
}

/// The plan after an import: the configured arguments update the record in place.
#[track_caller]
fn assert_first_plan_updates_in_place(fx: &Fixture) {
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(
        !plan.stdout.contains("must be replaced") && !plan.stdout.contains("forces replacement"),
        "an imported connection must not be replaced by its first apply:\n{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains(&format!("# {C} will be updated in-place")),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("+ name"), "{}", plan.stdout);
}

#[test]
fn import_by_id_then_apply_updates_in_place_and_plans_are_empty() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");

    let out = fx
        .work
        .run(&["import", "-input=false", "-no-color", C, &import_id()]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(out.stdout.contains("Import successful!"), "{}", out.stdout);
    // Without management credentials nothing can be looked up: one warning says what the next
    // plan does, and the read that follows the import does not repeat it.
    let text = out.text();
    for part in [
        "Warning: Imported connection not checked",
        "no management credentials for account",
        canonical::SERVICE_PRINCIPAL_ID,
        canonical::SECRET_ID,
        "The next plan shows an in-place update that verifies the client_id and client secret \
         of the configuration",
        "If they do not match",
        "that apply fails, changes nothing",
    ] {
        assert!(text.contains(part), "{part:?} in {}", out.combined());
    }
    assert!(!text.contains("was not re-checked"), "{}", out.combined());
    let c = fx.work.instance(C);
    assert_eq!(c["status"], "unchecked");
    assert_eq!(c["id"], import_id().as_str());
    assert_eq!(c["cloud_provider"], "aws");
    assert_eq!(c["secret_id"], canonical::SECRET_ID);
    assert!(c["name"].is_null() && c["client_secret"].is_null());
    assert_eq!(fx.emu.calls().total(), 0);

    assert_first_plan_updates_in_place(&fx);
    let out = fx.work.apply_clean();
    assert!(
        out.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    let c = fx.work.instance(C);
    assert_eq!(c["status"], "verified");
    assert_eq!(c["name"], "Databricks analytics");
    assert_eq!(c["client_id"], canonical::APPLICATION_ID);
    assert_eq!(c["service_principal_name"], canonical::DISPLAY_NAME);
    assert_eq!(c["id"], import_id().as_str());
}

#[test]
fn import_by_id_with_management_credentials_checks_the_connection_at_once() {
    let fx = Fixture::with_management();
    fx.configure(&[("c", &Connection::canonical())], "");

    let out = fx
        .work
        .run(&["import", "-input=false", "-no-color", C, &import_id()]);
    assert_eq!(out.code, 0, "{}", out.combined());
    // The read after the import sees the principal and its secret.
    let c = fx.work.instance(C);
    assert_eq!(c["status"], "verified");
    assert_eq!(c["client_id"], canonical::APPLICATION_ID);
    assert_eq!(c["service_principal_name"], canonical::DISPLAY_NAME);
    assert_eq!(c["secret_create_time"], "2025-01-01T00:00:00Z");
    assert!(
        c["verified_at"].is_null(),
        "verified_at is set by create/update only"
    );

    assert_first_plan_updates_in_place(&fx);
    fx.work.apply_clean();
    let c = fx.work.instance(C);
    assert_eq!(c["status"], "verified");
    assert!(c["verified_at"].is_string());
}

#[test]
fn an_import_block_plans_an_import_with_an_in_place_update_and_then_plans_are_empty() {
    let fx = Fixture::with_management();
    let import_block = format!("\nimport {{\n  to = {C}\n  id = \"{}\"\n}}\n", import_id());
    fx.configure(&[("c", &Connection::canonical())], &import_block);

    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 1 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    assert!(
        fx.work
            .instances("databricks_workflow_connection")
            .is_empty()
    );

    let out = fx.work.apply_clean();
    assert!(
        out.stdout
            .contains("1 imported, 0 added, 1 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    let c = fx.work.instance(C);
    assert_eq!(c["status"], "verified");
    assert_eq!(c["name"], "Databricks analytics");
    assert_eq!(c["id"], import_id().as_str());
}

#[test]
fn an_import_block_without_management_credentials_updates_in_place() {
    let fx = Fixture::new();
    let import_block = format!("\nimport {{\n  to = {C}\n  id = \"{}\"\n}}\n", import_id());
    fx.configure(&[("c", &Connection::canonical())], &import_block);
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 1 to change, 0 to destroy"),
        "an imported connection must not be replaced by its first apply:\n{}",
        plan.stdout
    );
    fx.work.apply_clean();
    assert_eq!(fx.work.instance(C)["status"], "verified");
}

/// `terraform import` of `id`, which must fail: returns the whole output.
fn import_fails(fx: &Fixture, id: &str) -> String {
    let out = fx.work.run(&["import", "-input=false", "-no-color", C, id]);
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(
        fx.work
            .instances("databricks_workflow_connection")
            .is_empty(),
        "nothing is recorded: {}",
        fx.work.state_text()
    );
    out.text()
}

#[test]
fn with_management_credentials_an_unknown_principal_cannot_be_imported() {
    let fx = Fixture::with_management();
    fx.configure(&[("c", &Connection::canonical())], "");
    let unknown = "1234567890123456";
    let text = import_fails(
        &fx,
        &format!(
            "aws/{}/{unknown}/{}",
            canonical::ACCOUNT_ID,
            canonical::SECRET_ID
        ),
    );
    for part in [
        "Error: Cannot import non-existent remote object",
        &format!(
            "Account {} has no service principal with the ID {unknown}",
            canonical::ACCOUNT_ID
        ),
        "looked up with the provider's management credentials",
        "Nothing was imported.",
    ] {
        assert!(text.contains(part), "{part:?} in {text}");
    }
}

#[test]
fn with_management_credentials_a_secret_not_in_the_list_cannot_be_imported() {
    let fx = Fixture::with_management();
    fx.configure(&[("c", &Connection::canonical())], "");
    let unknown = "f".repeat(64);
    let text = import_fails(
        &fx,
        &format!(
            "aws/{}/{}/{unknown}",
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID
        ),
    );
    for part in [
        "Error: Cannot import non-existent remote object",
        &format!(
            "Service principal {} of account {} has no OAuth secret with the ID {unknown}",
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::ACCOUNT_ID
        ),
        "its secret list (1 secret) does not include it",
    ] {
        assert!(text.contains(part), "{part:?} in {text}");
    }
}

#[test]
fn a_principal_id_with_leading_zeros_is_the_same_principal_and_nothing_is_replaced() {
    let fx = Fixture::with_management();
    let padded = format!("00{}", canonical::SERVICE_PRINCIPAL_ID);
    let conn = Connection {
        service_principal_id: padded.clone(),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &conn)], "");
    let out = fx.work.run(&[
        "import",
        "-input=false",
        "-no-color",
        C,
        &format!(
            "aws/{}/000{}/{}",
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID
        ),
    ]);
    assert_eq!(out.code, 0, "{}", out.combined());
    // Recorded as Databricks knows it, and the read after the import found it.
    let c = fx.work.instance(C);
    assert_eq!(c["service_principal_id"], canonical::SERVICE_PRINCIPAL_ID);
    assert_eq!(c["id"], import_id().as_str());
    assert_eq!(c["status"], "verified");

    assert_first_plan_updates_in_place(&fx);
    fx.work.apply_clean();
    let c = fx.work.instance(C);
    assert_eq!(c["status"], "verified");
    assert_eq!(c["service_principal_id"], padded.as_str());
    assert_eq!(
        c["id"],
        format!(
            "aws/{}/{padded}/{}",
            canonical::ACCOUNT_ID,
            canonical::SECRET_ID
        )
    );
}

#[test]
fn an_invalid_import_id_fails_and_shows_the_format() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");
    let out = fx.work.run(&[
        "import",
        "-input=false",
        "-no-color",
        C,
        &format!(
            "{}/{}",
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID
        ),
    ]);
    assert_eq!(out.code, 1, "{}", out.combined());
    let text = out.text();
    assert!(text.contains("Invalid import ID"), "{text}");
    assert!(
        text.contains("<cloud_provider>/<account_id>/<service_principal_id>/<secret_id>"),
        "{text}"
    );
    assert!(
        fx.work
            .instances("databricks_workflow_connection")
            .is_empty()
    );
    // Counts agree in number.
    let text = import_fails(&fx, canonical::SECRET_ID);
    assert!(text.contains("it is 1 part, not 4"), "{text}");
    assert!(!text.contains("1 parts"), "{text}");
}
