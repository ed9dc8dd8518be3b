//! The guides' examples (`examples/guides/`), run against the account API emulator as the
//! guides describe them: a rotation by hand, the checks of a scheduled drift job, and provider
//! aliases with management credentials per account. The examples are used unchanged; the
//! emulator comes in through `DATABRICKS_HOST`, which every provider configuration reads.

use std::path::Path;

use crate::support::connection::{add_admin_principal, add_secret, assert_status_change, from_now};
use crate::support::terraform::{Output, Workdir};
use databricks_account_emulator::{
    ACCOUNT_ADMIN, Emulator, NewSecret, NewServicePrincipal, Seed, canonical,
};

const TYPE: &str = "databricks_workflow_connection";
const DEV_OVERRIDES: &str = "Provider development overrides are in effect";

fn example(guide: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/guides")
            .join(guide)
            .join("main.tf"),
    )
    .unwrap()
}

fn workdir(emu: &Emulator, guide: &str) -> Workdir {
    let mut work = Workdir::new(&example(guide));
    work.env("DATABRICKS_HOST", &emu.url());
    work
}

/// (severity, summary, detail) of every diagnostic of a `-json` run but Terraform's note about
/// dev_overrides.
fn diagnostics(out: &Output) -> Vec<(String, String, String)> {
    out.diagnostics()
        .into_iter()
        .filter(|d| d["summary"] != DEV_OVERRIDES)
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            (s("severity"), s("summary"), s("detail"))
        })
        .collect()
}

fn summaries(out: &Output) -> Vec<String> {
    let mut s: Vec<String> = diagnostics(out).into_iter().map(|d| d.1).collect();
    s.sort();
    s.dedup();
    s
}

/// The detail of the failed `check` block whose error message starts with `message`.
#[track_caller]
fn failed_check(out: &Output, message: &str) -> String {
    out.diagnostics()
        .into_iter()
        .filter(|d| d["summary"] == "Check block assertion failed")
        .map(|d| d["detail"].as_str().unwrap_or_default().to_string())
        .find(|detail| detail.starts_with(message))
        .unwrap_or_else(|| panic!("no failed check {message:?}:\n{}", out.stdout))
}

#[test]
fn rotating_by_hand_replaces_the_connection_create_before_destroy() {
    let emu = Emulator::start(Seed::canonical()).unwrap();
    let mut work = workdir(&emu, "rotating-secrets");
    work.env("TF_VAR_secret_id", canonical::SECRET_ID)
        .env("TF_VAR_client_secret", canonical::SECRET);
    let out = work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    work.assert_no_changes();

    // Step 1: a new secret in the console. Step 2: its ID and value for the variables.
    let new = add_secret(&emu, canonical::SERVICE_PRINCIPAL_ID);
    work.env("TF_VAR_secret_id", &new.id)
        .env("TF_VAR_client_secret", &new.secret);
    // Step 3: the plan replaces the connection, new before old, and claims no outcome.
    let plan = work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    for part in [
        "must be replaced",
        "+/- resource \"databricks_workflow_connection\" \"okta\"",
        "~ status = \"verified\" -> (known after apply)",
        "~ secret_expire_time = \"",
    ] {
        assert!(plan.text().contains(part), "{part:?} in:\n{}", plan.stdout);
    }
    // Step 4: the apply verifies the new connection and forgets the old record.
    let out = work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout.contains("1 added, 0 changed, 1 destroyed"),
        "{}",
        out.stdout
    );
    let c = work.instance(&format!("{TYPE}.okta"));
    assert_eq!(c["status"], "verified");
    assert_eq!(c["secret_id"], new.id.as_str());
    work.assert_no_changes();
    // Step 5: the values for Okta Workflows.
    assert_eq!(work.run(&["output", "-raw", "secret_id"]).stdout, new.id);
    assert_eq!(
        work.run(&["output", "-raw", "client_secret"]).stdout,
        new.secret
    );
    // Step 6 is the user's: revoke_secret_on_destroy is false, so the old secret is still there.
    assert!(
        emu.service_principal(canonical::ACCOUNT_ID, canonical::SERVICE_PRINCIPAL_ID)
            .unwrap()
            .secrets
            .iter()
            .any(|s| s.id == canonical::SECRET_ID),
        "the old secret is left for the user to delete"
    );
}

#[test]
fn the_drift_detection_checks_fire_in_refresh_only_plans_and_a_null_expiry_passes() {
    let emu = Emulator::start(Seed::canonical()).unwrap();
    // "a": the canonical principal, its secret expiring in 10 days. "b": another admin
    // principal whose secret never expires.
    emu.set_secret_expire_time(
        canonical::ACCOUNT_ID,
        canonical::SERVICE_PRINCIPAL_ID,
        canonical::SECRET_ID,
        Some(from_now(10 * 86_400)),
    )
    .unwrap();
    let b = emu
        .add_service_principal(
            canonical::ACCOUNT_ID,
            NewServicePrincipal {
                display_name: Some("reporting".into()),
                roles: vec![ACCOUNT_ADMIN.into()],
                secrets: vec![NewSecret {
                    never_expires: true,
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .unwrap();
    let mut work = workdir(&emu, "drift-detection");
    let entry = |key: &str, name: &str, app: &str, sp: &str, secret: &str| {
        format!(
            "{key} = {{ name = \"{name}\", cloud_provider = \"aws\", account_id = \"{}\", \
             client_id = \"{app}\", service_principal_id = \"{sp}\", secret_id = \"{secret}\" }}",
            canonical::ACCOUNT_ID
        )
    };
    work.env(
        "TF_VAR_connections",
        &format!(
            "{{ {}, {} }}",
            entry(
                "a",
                "Analytics",
                canonical::APPLICATION_ID,
                canonical::SERVICE_PRINCIPAL_ID,
                canonical::SECRET_ID
            ),
            entry("b", "Reporting", &b.application_id, &b.id, &b.secrets[0].id)
        ),
    )
    .env(
        "TF_VAR_client_secrets",
        &format!(
            "{{ a = \"{}\", b = \"{}\" }}",
            canonical::SECRET,
            b.secrets[0].secret
        ),
    );

    // A create has not checked: neither assertion can be evaluated yet.
    let plan = work.run(&["plan", "-json", "-input=false"]);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    assert_eq!(
        summaries(&plan),
        ["Check block assertion known after apply"],
        "{}",
        plan.stdout
    );

    let out = work.apply_json();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        summaries(&out).contains(&"OAuth secret expires soon (connection \"Analytics\")".into()),
        "{:?}",
        summaries(&out)
    );

    // The scheduled job: no drift, so exit 0; the expiry check fails for "a" only, and the
    // never-expiring secret of "b" is no error. The refresh itself does not warn of expiry.
    let refresh = work.run(&["plan", "-refresh-only", "-detailed-exitcode", "-json"]);
    assert_eq!(refresh.code, 0, "{}", refresh.combined());
    assert_eq!(
        summaries(&refresh),
        ["Check block assertion failed"],
        "{}",
        refresh.stdout
    );
    let detail = failed_check(&refresh, "OAuth secrets that expire within 30 days");
    assert!(
        detail.contains("\"a\":") && !detail.contains("\"b\""),
        "{detail}"
    );

    // "b" loses its role: drift, and the status check names it.
    emu.remove_role(canonical::ACCOUNT_ID, &b.id, ACCOUNT_ADMIN)
        .unwrap();
    let refresh = work.run(&["plan", "-refresh-only", "-detailed-exitcode", "-json"]);
    assert_eq!(refresh.code, 2, "{}", refresh.combined());
    let detail = failed_check(&refresh, "Connections that failed their last check");
    assert!(detail.contains("\"b\":\"not_account_admin\""), "{detail}");
    assert!(
        summaries(&refresh).contains(
            &"Service principal is not an Account Admin (connection \"Reporting\")".into()
        ),
        "{:?}",
        summaries(&refresh)
    );
}

/// The IDs `examples/guides/multiple-accounts/main.tf` names for its Azure and GCP accounts.
const AZURE: (&str, &str, &str, &str) = (
    "5e8c2f14-7a3b-4c9d-8e1f-2a4b6c8d0e1f",
    "7310442285619904",
    "b3d5f7a9-1c2e-4f6a-8b0d-2e4f6a8c0b1d",
    "4c1f9a7e2b8d6c3e5a0f1b9d7c2e4a6f8b0d3c5e7a9f1b2d4c6e8a0f2b4d6c8e",
);
const GCP: (&str, &str, &str, &str) = (
    "9b7a5c3e-1d2f-4a6b-8c0e-3f5a7b9d1c2e",
    "5521098734410076",
    "e2c4a6b8-0d1f-4e3a-9c5b-7d9f1b3e5a70",
    "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1",
);

/// The connection principal of `(account, sp, app, secret_id)`; returns its secret.
fn add_connection_principal(emu: &Emulator, ids: (&str, &str, &str, &str)) -> String {
    let (account, sp, app, secret_id) = ids;
    emu.add_account(account).unwrap();
    let principal = emu
        .add_service_principal(
            account,
            NewServicePrincipal {
                id: Some(sp.into()),
                application_id: Some(app.into()),
                roles: vec![ACCOUNT_ADMIN.into()],
                secrets: vec![NewSecret {
                    id: Some(secret_id.into()),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .unwrap();
    principal.secrets[0].secret.clone()
}

#[test]
fn each_alias_refreshes_its_accounts_connections_with_its_own_credentials() {
    let emu = Emulator::start(Seed::canonical()).unwrap();
    let azure_secret = add_connection_principal(&emu, AZURE);
    let gcp_secret = add_connection_principal(&emu, GCP);
    // Management principals: one in the AWS account (for the profile), one in the Azure
    // account (for the variables). The GCP account has none.
    let aws_mgmt = add_admin_principal(&emu, "terraform-management", 1);
    let azure_mgmt = emu
        .add_service_principal(
            AZURE.0,
            NewServicePrincipal {
                display_name: Some("terraform-management".into()),
                roles: vec![ACCOUNT_ADMIN.into()],
                secrets: vec![NewSecret::default()],
                ..Default::default()
            },
        )
        .unwrap();

    let mut work = workdir(&emu, "multiple-accounts");
    // HOME is the working directory: this is ~/.databrickscfg.
    work.write(
        ".databrickscfg",
        &format!(
            "[okta-aws-prod]\naccount_id    = {}\nclient_id     = {}\nclient_secret = {}\n",
            canonical::ACCOUNT_ID,
            aws_mgmt.application_id,
            aws_mgmt.secrets[0].secret
        ),
    );
    work.env(
        "TF_VAR_azure_management_client_id",
        &azure_mgmt.application_id,
    )
    .env(
        "TF_VAR_azure_management_client_secret",
        &azure_mgmt.secrets[0].secret,
    )
    .env(
        "TF_VAR_client_secrets",
        &format!(
            "{{ aws = \"{}\", azure = \"{azure_secret}\", gcp = \"{gcp_secret}\" }}",
            canonical::SECRET
        ),
    );

    let out = work.apply_json();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(diagnostics(&out).is_empty(), "{:#?}", diagnostics(&out));
    for name in ["aws_analytics", "azure_hr", "gcp_sandbox"] {
        assert_eq!(
            work.instance(&format!("{TYPE}.{name}"))["status"],
            "verified"
        );
    }
    work.assert_no_changes();

    // Every connection's secret is deleted. Management credentials see that precisely; the
    // GCP connection, checked with its own secret, sees only a refused token.
    emu.delete_secret(
        canonical::ACCOUNT_ID,
        canonical::SERVICE_PRINCIPAL_ID,
        canonical::SECRET_ID,
    )
    .unwrap();
    emu.delete_secret(AZURE.0, AZURE.1, AZURE.3).unwrap();
    emu.delete_secret(GCP.0, GCP.1, GCP.3).unwrap();
    let refresh = work.plan_refresh_only();
    assert_eq!(refresh.code, 2, "{}", refresh.combined());
    let text = refresh.text();
    for (connection, summary) in [
        ("Databricks analytics (AWS)", "OAuth secret not found"),
        ("Databricks HR (Azure)", "OAuth secret not found"),
        (
            "Databricks sandbox (GCP)",
            "Databricks refused the client ID and secret",
        ),
    ] {
        let warning = format!("Warning: {summary} (connection \"{connection}\")");
        assert!(
            text.contains(&warning),
            "{warning}:\n{}",
            refresh.combined()
        );
    }
    assert_status_change(&refresh, "verified", "credentials_rejected");
    assert_status_change(&refresh, "verified", "secret_not_found");
}
