//! Acceptance: the plan and the status tell the truth. A plan never claims an outcome it has
//! not checked, so `check` blocks and postconditions on `status` fire on a broken connection
//! and cannot pass on an unchecked plan; malformed answers and failed lookups are errors,
//! never statuses; one refresh gives one status and at most one warning per connection;
//! retries keep the promises their messages make; an unknown provider configuration keeps
//! every record; shared reads never outlive a Terraform command.

use crate::support::connection::{Connection, Fixture, Management, SecretArg, diagnostic};
use crate::support::process::DebugProvider;
use databricks_account_emulator::{ACCOUNT_ADMIN, Fault, FaultRule, canonical};

const C: &str = "databricks_workflow_connection.c";
const ACC: &str = canonical::ACCOUNT_ID;
const SP: &str = canonical::SERVICE_PRINCIPAL_ID;
const SEC: &str = canonical::SECRET_ID;
const SCIM: &str = "/api/2.0/accounts/0d2a7b1c-1234-4abc-9def-0123456789ab/scim/v2/";

const HEALTH_CHECKS: &str = r#"
check "connection_healthy" {
  assert {
    condition     = databricks_workflow_connection.c.status == "verified"
    error_message = "check: the connection is not verified"
  }
}
"#;

fn with_postcondition(conn: Connection) -> Connection {
    let mut conn = conn;
    conn.blocks.push(
        "lifecycle {\n    postcondition {\n      condition     = self.status == \"verified\"\n      error_message = \"postcondition: the connection is not verified\"\n    }\n  }"
            .into(),
    );
    conn
}

#[test]
fn check_blocks_and_postconditions_fire_on_drift_and_cannot_pass_unchecked() {
    let fx = Fixture::new();
    fx.configure(
        &[("c", &with_postcondition(Connection::canonical()))],
        HEALTH_CHECKS,
    );
    // A create claims nothing: the check cannot be evaluated before the apply.
    let plan = fx.work.run(&["plan", "-json"]);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    assert!(
        plan.provider_warnings()
            .contains(&"Check block assertion known after apply".to_string()),
        "{}",
        plan.combined()
    );
    fx.work.apply_clean();

    fx.emu.delete_secret(ACC, SP, SEC).unwrap();
    // The scheduled drift check: both the check block and the postcondition fire.
    let refresh = fx
        .work
        .run(&["plan", "-refresh-only", "-detailed-exitcode", "-json"]);
    assert_eq!(refresh.code, 2, "{}", refresh.combined());
    let w = refresh.provider_warnings();
    assert!(
        w.contains(&"Check block assertion failed".to_string()),
        "{w:?}"
    );
    assert!(
        w.contains(&"Resource postcondition failed".to_string()),
        "{w:?}"
    );

    // A normal plan proposes a check and does not claim its outcome: the assertion cannot
    // pass on it.
    let plan = fx.work.run(&["plan", "-detailed-exitcode", "-json"]);
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(
        plan.provider_warnings()
            .contains(&"Check block assertion known after apply".to_string()),
        "{}",
        plan.combined()
    );
}

#[test]
fn a_plan_with_a_wrong_secret_does_not_claim_verified() {
    let fx = Fixture::new();
    let conn = Connection {
        secret: SecretArg::Literal("dosewrongwrongwrongwrongwrongwrong00".into()),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &conn)], "");
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(
        plan.stdout
            .lines()
            .any(|l| l.trim() == "+ status                   = (known after apply)"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("\"verified\""), "{}", plan.stdout);
}

/// A 200 answer of the account SCIM API with this body, for every read.
fn scim_answers(fx: &Fixture, body: &str) {
    fx.emu.inject_fault(
        FaultRule::new(
            SCIM,
            Fault::Response {
                status: 200,
                body: body.into(),
                content_type: "application/json".into(),
                headers: Default::default(),
            },
        )
        .method("GET")
        .times(0),
    );
}

#[test]
fn a_malformed_200_answer_is_an_error_naming_the_request_not_drift() {
    for body in ["{}", "[]", r#"{"id":"2323502488275632","active":"maybe"}"#] {
        for management in [false, true] {
            let fx = if management {
                Fixture::with_management()
            } else {
                Fixture::new()
            };
            fx.configure(&[("c", &Connection::canonical())], "");
            fx.work.apply_clean();
            scim_answers(&fx, body);
            let refresh = fx
                .work
                .run(&["plan", "-refresh-only", "-detailed-exitcode", "-json"]);
            assert_eq!(
                refresh.code,
                1,
                "{body} management={management}: an error, not drift:\n{}",
                refresh.combined()
            );
            let d = diagnostic(
                &refresh,
                "error",
                "Re-checking connection \"Databricks analytics\" failed",
            );
            let detail = d["detail"].as_str().unwrap();
            assert!(detail.contains("is not a service principal"), "{detail}");
            assert!(
                detail.contains(&format!("GET {}{SCIM}ServicePrincipals/{SP}", fx.emu.url())),
                "the request is named: {detail}"
            );
            assert!(
                refresh.provider_warnings().is_empty(),
                "{:?}",
                refresh.provider_warnings()
            );
        }
    }
}

#[test]
fn a_double_cause_is_one_status_and_one_warning_listing_both() {
    let fx = Fixture::with_management();
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();
    fx.emu.deactivate_service_principal(ACC, SP).unwrap();
    fx.emu.remove_role(ACC, SP, ACCOUNT_ADMIN).unwrap();
    let refresh = fx
        .work
        .run(&["plan", "-refresh-only", "-detailed-exitcode", "-json"]);
    assert_eq!(refresh.code, 2, "{}", refresh.combined());
    let w = refresh.provider_warnings();
    assert_eq!(
        w,
        ["Service principal is deactivated (connection \"Databricks analytics\")"],
        "one warning per connection"
    );
    let d = diagnostic(&refresh, "warning", &w[0]);
    let detail = d["detail"].as_str().unwrap();
    assert!(detail.contains("is deactivated"), "{detail}");
    assert!(detail.contains("Account Admin role"), "{detail}");
    assert_eq!(detail.matches("status is now").count(), 1, "{detail}");
    assert!(
        detail.contains("\"service_principal_inactive\""),
        "{detail}"
    );
}

#[test]
fn one_transient_500_of_the_token_endpoint_does_not_fail_a_drift_check() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();
    fx.emu.reset_calls();
    fx.emu.inject_fault(FaultRule::new(
        "/oidc/",
        Fault::server_error(500, "INTERNAL_ERROR"),
    ));
    let refresh = fx.work.plan_refresh_only();
    assert_eq!(refresh.code, 0, "{}", refresh.combined());
    assert_eq!(fx.emu.calls().token, 2, "the 500 was retried");
}

#[test]
fn a_gave_up_message_names_the_host_the_attempts_and_the_budget_that_applied() {
    let mut fx = Fixture::new();
    fx.provider_extra.push("  retry_timeout_seconds = 2".into());
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.emu
        .inject_fault(FaultRule::new("/oidc/", Fault::unavailable()).times(0));
    let out = fx.work.apply_json();
    assert_eq!(out.code, 1, "{}", out.combined());
    let d = diagnostic(&out, "error", "Verifying the connection failed");
    let detail = d["detail"].as_str().unwrap();
    for part in [
        &format!("POST {}/oidc/accounts/{ACC}/v1/token", fx.emu.url()),
        "gave up after",
        "attempts",
        "of the 2 s retry budget (retry_timeout_seconds)",
        "try again later, or raise retry_timeout_seconds",
        "The connection was not recorded.",
    ] {
        assert!(detail.contains(part), "{part:?} in {detail}");
    }
}

#[test]
fn an_unknown_provider_host_keeps_every_record_with_one_warning() {
    let fx = Fixture::new();
    let other = Connection {
        name: "second".into(),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &Connection::canonical()), ("d", &other)], "");
    fx.work.apply_clean();

    // The host now comes from a resource that does not exist yet.
    let main = std::fs::read_to_string(fx.work.path().join("main.tf")).unwrap();
    let host_line = format!("host = \"{}\"", fx.emu.url());
    assert!(main.contains(&host_line));
    let main = main.replace(&host_line, "host = terraform_data.host.output")
        + &format!(
            "\nresource \"terraform_data\" \"host\" {{\n  input = \"{}\"\n}}\n",
            fx.emu.url()
        );
    fx.work.write("main.tf", &main);
    fx.emu.reset_calls();
    let plan = fx.work.run(&["plan", "-json"]);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    assert_eq!(
        plan.provider_warnings(),
        ["Provider configuration not known yet"],
        "one warning, not one per connection"
    );
    assert_eq!(
        fx.emu.calls().token,
        0,
        "no call to a default host or anywhere"
    );
    let plan = fx.work.plan();
    assert!(
        plan.stdout.contains("1 to add, 0 to change, 0 to destroy"),
        "only the host resource changes:\n{}",
        plan.stdout
    );
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    fx.work.assert_no_changes();
    for address in [C, "databricks_workflow_connection.d"] {
        assert_eq!(fx.work.instance(address)["status"], "verified");
    }
}

#[test]
fn a_failed_principal_lookup_after_an_import_is_an_error_not_client_id_mismatch() {
    let mut fx = Fixture::new();
    fx.management = Some(Management::add(&fx.emu));
    fx.provider_extra.push("  retry_timeout_seconds = 1".into());
    fx.configure(&[("c", &Connection::canonical())], "");
    // A gateway in front of the API answers the principal read with its own 404 page.
    fx.emu.inject_fault(
        FaultRule::new(
            SCIM,
            Fault::Response {
                status: 404,
                body: "<html><head><title>404 Not Found</title></head></html>".into(),
                content_type: "text/html".into(),
                headers: Default::default(),
            },
        )
        .times(0),
    );
    let id = format!("aws/{ACC}/{SP}/{SEC}");
    let out = fx.work.run(&["import", "-no-color", C, &id]);
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(out.text().contains("HTML page"), "{}", out.combined());
    assert!(
        !out.text().contains("client_id_mismatch"),
        "{}",
        out.combined()
    );

    // Once the gateway behaves, the import learns the client ID and records no drift.
    fx.emu.clear_faults();
    let out = fx.work.run(&["import", "-no-color", C, &id]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let c = fx.work.instance(C);
    assert_eq!(c["client_id"], canonical::APPLICATION_ID);
    assert_eq!(c["status"], "verified");
}

#[test]
fn shared_reads_never_outlive_a_command_of_a_long_lived_provider() {
    // One provider process serves every command (debug mode, as when attached to a debugger).
    let mut fx = Fixture::with_management();
    let provider = DebugProvider::start(&fx.work.path().join("provider.log"));
    fx.work.env("TF_REATTACH_PROVIDERS", &provider.reattach);
    fx.configure(&[("c", &Connection::canonical())], "");
    let out = fx.work.apply();
    let refresh = fx.work.plan_refresh_only();
    // Seconds later, well inside the reuse window of one refresh, the secret is deleted.
    fx.emu.delete_secret(ACC, SP, SEC).unwrap();
    let drift = fx.work.plan_refresh_only();
    drop(provider);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_eq!(refresh.code, 0, "{}", refresh.combined());
    assert_eq!(
        drift.code,
        2,
        "the next command sees the deletion:\n{}",
        drift.combined()
    );
    crate::support::connection::assert_status_change(&drift, "verified", "secret_not_found");
}

#[test]
fn a_secret_list_entry_without_status_or_creation_time_is_an_error_not_drift() {
    let fx = Fixture::with_management();
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();
    for entry in [
        format!(r#"{{"id":"{SEC}","create_time":"2025-01-01T00:00:00.000Z"}}"#),
        format!(r#"{{"id":"{SEC}","status":"ACTIVE"}}"#),
    ] {
        fx.emu.clear_faults();
        fx.emu.inject_fault(
            FaultRule::new(
                "/api/2.0/accounts/0d2a7b1c-1234-4abc-9def-0123456789ab/servicePrincipals/",
                Fault::Response {
                    status: 200,
                    body: format!(r#"{{"secrets":[{entry}]}}"#),
                    content_type: "application/json".into(),
                    headers: Default::default(),
                },
            )
            .times(0),
        );
        let refresh = fx
            .work
            .run(&["plan", "-refresh-only", "-detailed-exitcode", "-json"]);
        assert_eq!(refresh.code, 1, "{entry}:\n{}", refresh.combined());
        let d = diagnostic(
            &refresh,
            "error",
            "Re-checking connection \"Databricks analytics\" failed",
        );
        assert!(
            d["detail"].as_str().unwrap().contains("entry for secret"),
            "{d:#}"
        );
    }
}
