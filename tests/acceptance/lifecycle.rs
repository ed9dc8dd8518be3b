//! Acceptance: the connection lifecycle against the account API emulator — create (one and
//! several), in-place updates, replacement, destroy with and without revoking the secret, a
//! secret unknown at plan time, and the expiry warning. After every successful apply both a
//! normal plan and a refresh-only plan must be empty.

use crate::support::connection::{
    Connection, Fixture, SecretArg, TYPE, add_admin_principal, add_secret, from_now, rfc3339,
};
use databricks_account_emulator::canonical;

const C: &str = "databricks_workflow_connection.c";

#[test]
fn creating_one_connection_verifies_it_with_one_check_and_records_what_databricks_reports() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");

    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout.contains("1 added, 0 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    // The scale budget of a create: 1 token + 1 SCIM GET + one page of secrets.
    let calls = fx.emu.calls();
    assert_eq!(
        (calls.token, calls.scim_get, calls.secrets_list),
        (1, 1, 1),
        "{calls:?}"
    );
    fx.work.assert_no_changes();

    let c = fx.work.instance(C);
    let expected_id = format!(
        "aws/{}/{}/{}",
        canonical::ACCOUNT_ID,
        canonical::SERVICE_PRINCIPAL_ID,
        canonical::SECRET_ID
    );
    assert_eq!(c["id"], expected_id.as_str());
    assert_eq!(c["status"], "verified");
    assert_eq!(c["service_principal_name"], canonical::DISPLAY_NAME);
    assert_eq!(c["secret_create_time"], "2025-01-01T00:00:00Z");
    let expiry = fx
        .secret_expire_time(canonical::SERVICE_PRINCIPAL_ID, canonical::SECRET_ID)
        .unwrap();
    assert_eq!(rfc3339(&c["secret_expire_time"]), expiry);
    let verified_at = rfc3339(&c["verified_at"]);
    assert!(
        (from_now(-120)..=from_now(1)).contains(&verified_at),
        "verified_at {verified_at} is not the time of the apply"
    );
    assert_eq!(c["expiry_warning_days"], 30);
    assert_eq!(c["revoke_secret_on_destroy"], false);
    assert!(c["client_secret_wo"].is_null());
}

#[test]
fn creating_three_connections_records_three_verified_connections() {
    let fx = Fixture::new();
    // Two secrets of the seed's admin principal, and a principal added for this test.
    let second = add_secret(&fx.emu, canonical::SERVICE_PRINCIPAL_ID);
    let other = add_admin_principal(&fx.emu, "ingest-bot", 1);
    let a = Connection::canonical();
    let b = Connection {
        name: "second secret".into(),
        ..Connection::canonical().with_secret(&second)
    };
    let c = Connection::of(&other, 0);
    fx.configure(&[("a", &a), ("b", &b), ("c", &c)], "");

    let out = fx.work.apply_clean();
    assert!(
        out.stdout.contains("3 added, 0 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    assert_eq!(
        fx.emu.calls().token,
        3 + 2 * 3,
        "3 creates, then 3 refreshes per plan"
    );

    let recorded = fx.work.instances(TYPE);
    assert_eq!(recorded.len(), 3, "{recorded:#?}");
    for (address, conn) in [("a", &a), ("b", &b), ("c", &c)] {
        let attrs = &recorded[&format!("{TYPE}.{address}")];
        assert_eq!(attrs["status"], "verified", "{address}");
        assert_eq!(attrs["name"], conn.name.as_str(), "{address}");
        assert_eq!(
            attrs["id"],
            format!(
                "aws/{}/{}/{}",
                conn.account_id, conn.service_principal_id, conn.secret_id
            )
            .as_str(),
            "{address}"
        );
    }
    assert_eq!(
        recorded[&format!("{TYPE}.c")]["service_principal_name"],
        "ingest-bot"
    );
}

#[test]
fn changing_name_and_description_updates_in_place_and_re_verifies() {
    let fx = Fixture::new();
    let before = Connection::canonical();
    fx.configure(&[("c", &before)], "");
    fx.work.apply_clean();
    let old = fx.work.instance(C);

    let after = Connection {
        name: "Databricks reporting".into(),
        description: Some("Flows of the reporting team".into()),
        ..before
    };
    fx.configure(&[("c", &after)], "");
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(
        plan.stdout
            .contains(&format!("# {C} will be updated in-place")),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains(
            "~ name                     = \"Databricks analytics\" -> \"Databricks reporting\""
        ),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("+ description"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );

    fx.emu.reset_calls();
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    // One token for the refresh, one for the update's own verification.
    assert_eq!(fx.emu.calls().token, 2, "{:?}", fx.emu.calls());
    fx.work.assert_no_changes();

    let new = fx.work.instance(C);
    assert_eq!(new["name"], "Databricks reporting");
    assert_eq!(new["description"], "Flows of the reporting team");
    assert_eq!(new["id"], old["id"], "an update keeps the ID");
    assert_eq!(new["status"], "verified");
    assert!(rfc3339(&new["verified_at"]) >= rfc3339(&old["verified_at"]));
}

#[test]
fn changing_secret_id_to_another_valid_secret_replaces_the_connection() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();

    let rotated = add_secret(&fx.emu, canonical::SERVICE_PRINCIPAL_ID);
    fx.configure(&[("c", &Connection::canonical().with_secret(&rotated))], "");
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(
        plan.stdout.contains(&format!("# {C} must be replaced")),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.lines().any(|l| l.contains("~ secret_id")
            && l.contains(&rotated.id)
            && l.ends_with("# forces replacement")),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("1 to add, 0 to change, 1 to destroy"),
        "{}",
        plan.stdout
    );

    let out = fx.work.apply_clean();
    assert!(
        out.stdout.contains("1 added, 0 changed, 1 destroyed"),
        "{}",
        out.stdout
    );
    let c = fx.work.instance(C);
    assert_eq!(c["secret_id"], rotated.id.as_str());
    assert!(c["id"].as_str().unwrap().ends_with(&rotated.id));
    assert_eq!(c["status"], "verified");
    // Replacing without revoke_secret_on_destroy only forgets the old secret.
    assert!(
        fx.secret(canonical::SERVICE_PRINCIPAL_ID, canonical::SECRET_ID)
            .is_some()
    );
}

#[test]
fn destroy_with_revoke_secret_on_destroy_deletes_the_oauth_secret() {
    let fx = Fixture::new();
    let conn = Connection::canonical().arg("revoke_secret_on_destroy", "true");
    fx.configure(&[("c", &conn)], "");
    fx.work.apply_clean();
    assert_eq!(fx.work.instance(C)["revoke_secret_on_destroy"], true);

    fx.emu.reset_calls();
    let out = fx
        .work
        .run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_eq!(fx.emu.calls().secrets_delete, 1, "{:?}", fx.emu.calls());
    assert!(
        fx.secret(canonical::SERVICE_PRINCIPAL_ID, canonical::SECRET_ID)
            .is_none(),
        "the OAuth secret should be gone from Databricks"
    );
    assert!(
        fx.work.instances(TYPE).is_empty(),
        "{}",
        fx.work.state_text()
    );
}

#[test]
fn a_default_destroy_forgets_the_connection_and_keeps_the_oauth_secret() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();

    fx.emu.reset_calls();
    let out = fx
        .work
        .run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_eq!(fx.emu.calls().secrets_delete, 0, "{:?}", fx.emu.calls());
    assert!(
        fx.secret(canonical::SERVICE_PRINCIPAL_ID, canonical::SECRET_ID)
            .is_some(),
        "a default destroy must leave the OAuth secret in Databricks"
    );
    assert!(
        fx.work.instances(TYPE).is_empty(),
        "{}",
        fx.work.state_text()
    );
}

#[test]
fn a_secret_unknown_at_plan_time_is_planned_as_unknown_and_verified_at_apply() {
    let fx = Fixture::new();
    let conn = Connection {
        secret: SecretArg::Expression("terraform_data.secret.output".into()),
        ..Connection::canonical()
    };
    let secret_source = format!(
        "\nresource \"terraform_data\" \"secret\" {{\n  input = \"{}\"\n}}\n",
        canonical::SECRET
    );
    fx.configure(&[("c", &conn)], &secret_source);

    let plan = fx
        .work
        .run(&["plan", "-input=false", "-no-color", "-out=tfplan"]);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    let show = fx.work.run(&["show", "-json", "tfplan"]);
    assert_eq!(show.code, 0, "{}", show.combined());
    let json: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    let change = json["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == C)
        .unwrap_or_else(|| panic!("{C} not in the plan: {json:#}"));
    assert_eq!(change["change"]["actions"], serde_json::json!(["create"]));
    assert_eq!(
        change["change"]["after_unknown"]["client_secret"], true,
        "client_secret is known only after apply: {change:#}"
    );
    assert_eq!(
        change["change"]["after_unknown"]["status"], true,
        "a plan never claims the outcome of a check it has not made: {change:#}"
    );

    let out = fx
        .work
        .run(&["apply", "-input=false", "-no-color", "tfplan"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    fx.work.assert_no_changes();
    let c = fx.work.instance(C);
    assert_eq!(c["status"], "verified");
    assert_eq!(c["client_secret"], canonical::SECRET);
}

#[test]
fn a_secret_expiring_inside_the_window_warns_in_plans_with_the_window_being_planned() {
    let fx = Fixture::new();
    fx.emu
        .set_secret_expire_time(
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID,
            Some(from_now(10 * 86_400)),
        )
        .unwrap();
    let conn = Connection::canonical().arg("expiry_warning_days", "800");
    fx.configure(&[("c", &conn)], "");

    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    let warning = "Warning: OAuth secret expires soon (connection \"Databricks analytics\")";
    assert!(out.text().contains(warning), "{}", out.combined());
    // Ten days from now, a moment ago: said as a person would, while the record stays exact.
    assert!(
        out.text()
            .contains("(in 10 days, within expiry_warning_days = 800)"),
        "{}",
        out.combined()
    );
    let (plan, refresh) = fx.work.assert_no_changes();
    assert!(plan.text().contains(warning), "{}", plan.combined());
    assert!(
        plan.text().contains("within expiry_warning_days = 800"),
        "{}",
        plan.stdout
    );
    // A refresh-only plan does not read the configuration: no warning from an old window
    // (the drift guide shows a `check` block for scheduled jobs).
    assert!(
        !refresh.text().contains("expires soon"),
        "{}",
        refresh.combined()
    );
    // The warning is not drift: the secret's status and expiry stay as recorded.
    assert_eq!(fx.work.instance(C)["status"], "verified");

    // Turning the warning off is seen by the very plan that turns it off, and the change is
    // recorded without a check.
    fx.configure(
        &[(
            "c",
            &Connection::canonical().arg("expiry_warning_days", "0"),
        )],
        "",
    );
    fx.emu.reset_calls();
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(!plan.stdout.contains("expires soon"), "{}", plan.combined());
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(!out.stdout.contains("expires soon"), "{}", out.combined());
    assert!(
        out.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    let (plan, refresh) = fx.work.assert_no_changes();
    for out in [&plan, &refresh] {
        assert!(!out.stdout.contains("expires soon"), "{}", out.combined());
    }
}

#[test]
fn a_refresh_with_the_connections_own_secret_costs_two_calls() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();
    fx.emu.reset_calls();
    let refresh = fx.work.plan_refresh_only();
    assert_eq!(refresh.code, 0, "{}", refresh.combined());
    let calls = fx.emu.calls();
    // The token exchange proves the secret exists, is active and has not expired, and its
    // expiry is on record: token + SCIM read, no secret list.
    assert_eq!(
        (calls.token, calls.scim_get, calls.secrets_list),
        (1, 1, 0),
        "{calls:?}"
    );
}

#[test]
fn every_call_carries_a_user_agent_in_the_databricks_convention() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();
    let version = std::process::Command::new(crate::support::terraform::terraform_binary())
        .args(["version", "-json"])
        .output()
        .unwrap();
    let version: serde_json::Value = serde_json::from_slice(&version.stdout).unwrap();
    let terraform = version["terraform_version"].as_str().unwrap();
    let requests = fx.emu.requests();
    assert!(!requests.is_empty());
    for r in &requests {
        let ua = r.user_agent.as_deref().unwrap_or_default();
        let pairs: Vec<&str> = ua.split(' ').collect();
        let expected = [
            format!(
                "terraform-provider-databricks/{}",
                env!("CARGO_PKG_VERSION")
            ),
            format!("databricks-account-client/{}", env!("CARGO_PKG_VERSION")),
            format!("os/{}", std::env::consts::OS),
            format!("terraform/{terraform}"),
            "resource/workflow_connection".to_string(),
            "auth/oauth-m2m".to_string(),
        ];
        assert_eq!(pairs, expected, "{} {}: {ua}", r.method, r.path);
    }
}

#[test]
fn an_expiry_past_year_9999_in_utc_is_recorded_as_sent_not_a_crash() {
    // Valid RFC 3339 whose UTC instant is in the year 10000: converting it used to panic the
    // provider ("Stack trace from the terraform-provider-databricks plugin").
    let fx = Fixture::new();
    let late = databricks_account_emulator::time::OffsetDateTime::parse(
        "9999-12-31T23:59:59-23:59",
        &databricks_account_emulator::time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    fx.emu
        .set_secret_expire_time(
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID,
            Some(late),
        )
        .unwrap();
    fx.configure(&[("c", &Connection::canonical())], "");
    let out = fx.work.apply_clean();
    assert!(
        !out.combined().contains("Stack trace"),
        "{}",
        out.combined()
    );
    let c = fx.work.instance(C);
    assert_eq!(c["status"], "verified");
    assert_eq!(c["secret_expire_time"], "9999-12-31T23:59:59-23:59");
}
