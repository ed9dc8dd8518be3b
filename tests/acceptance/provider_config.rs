//! Acceptance: a good neighbour to the official Databricks provider. Its `DATABRICKS_*`
//! variables may be set for it in the same run; none of them, in any partial set, makes this
//! provider fail, and a host that names a workspace is never used for account API calls.
//!
//! Which credentials a refresh used shows in what it can see: after the connection's secret is
//! deleted, management credentials report `secret_not_found`, the connection's own secret only
//! `credentials_rejected`.

use crate::support::connection::{
    Fixture, Management, assert_detail_mentions, assert_points_at, diagnostic, quote,
};
use crate::support::provider_block::{apply_ok, configure, host_line, status_after_secret_deleted};
use crate::support::terraform::{Output, Workdir};
use databricks_account_emulator::canonical;

const AZURE_WORKSPACE: &str = "https://adb-1234567890123456.7.azuredatabricks.net";

/// `terraform plan -json` without refresh (nothing is called): its output.
fn plan_json(work: &Workdir) -> Output {
    let out = work.run(&["plan", "-json", "-input=false", "-refresh=false"]);
    assert_eq!(out.code, 0, "plan failed:\n{}", out.combined());
    out
}

#[test]
fn client_credentials_meant_for_the_official_provider_are_ignored_with_one_warning() {
    let mut fx = Fixture::new();
    let m = Management::add(&fx.emu);
    // As the official provider's docs show: credentials in the environment, the account ID
    // in its own provider block.
    fx.work
        .env("DATABRICKS_CLIENT_ID", &m.client_id)
        .env("DATABRICKS_CLIENT_SECRET", &m.client_secret);
    configure(&fx, &[host_line(&fx)]);
    let apply = apply_ok(&fx.work);
    assert_eq!(
        apply.distinct_provider_warnings(),
        vec!["Incomplete management credentials ignored".to_string()],
        "exactly one warning, nothing else:\n{}",
        apply.stdout
    );
    let d = diagnostic(
        &apply,
        "warning",
        "Incomplete management credentials ignored",
    );
    assert_detail_mentions(
        &d,
        &[
            "DATABRICKS_CLIENT_ID",
            "DATABRICKS_CLIENT_SECRET",
            "`account_id`",
            "DATABRICKS_ACCOUNT_ID",
            "official Databricks provider",
        ],
    );
    assert!(!apply.combined().contains(&m.client_secret));
    assert_eq!(status_after_secret_deleted(&fx), "credentials_rejected");
}

#[test]
fn account_id_on_the_block_opts_in_to_the_environments_client_credentials() {
    let mut fx = Fixture::new();
    let m = Management::add(&fx.emu);
    fx.work
        .env("DATABRICKS_CLIENT_ID", &m.client_id)
        .env("DATABRICKS_CLIENT_SECRET", &m.client_secret);
    configure(
        &fx,
        &[
            host_line(&fx),
            format!("  account_id = {}", quote(&m.account_id)),
        ],
    );
    let apply = apply_ok(&fx.work);
    assert!(
        apply.provider_diagnostics().is_empty(),
        "{:#?}",
        apply.provider_diagnostics()
    );
    assert_eq!(status_after_secret_deleted(&fx), "secret_not_found");
}

#[test]
fn a_lone_account_id_variable_is_ignored_silently() {
    let mut fx = Fixture::new();
    fx.work.env("DATABRICKS_ACCOUNT_ID", canonical::ACCOUNT_ID);
    configure(&fx, &[host_line(&fx)]);
    let apply = apply_ok(&fx.work);
    assert!(
        apply.provider_diagnostics().is_empty(),
        "{:#?}",
        apply.provider_diagnostics()
    );
}

#[test]
fn incomplete_arguments_stay_an_error_at_the_missing_attribute() {
    let mut fx = Fixture::new();
    let m = Management::add(&fx.emu);
    // The secret alone comes from the environment; the block opted in with the rest.
    fx.work.env("DATABRICKS_CLIENT_SECRET", &m.client_secret);
    configure(
        &fx,
        &[
            host_line(&fx),
            format!("  client_id = {}", quote(&m.client_id)),
        ],
    );
    let plan = fx.work.run(&["plan", "-json", "-input=false"]);
    assert_eq!(plan.code, 1, "{}", plan.combined());
    let d = diagnostic(&plan, "error", "Incomplete management credentials");
    assert_detail_mentions(&d, &["account_id"]);
}

#[test]
fn a_workspace_databricks_host_is_skipped_for_the_next_source_of_the_host() {
    let mut fx = Fixture::new();
    let m = Management::add(&fx.emu);
    // The variable would win over the profile's host, but names a workspace: the profile's
    // host (the emulator) is used instead, and every call goes there.
    fx.work.write(
        ".databrickscfg",
        &format!(
            "[okta-mgmt]\nhost = {}\naccount_id = {}\nclient_id = {}\nclient_secret = {}\n",
            fx.emu.url(),
            m.account_id,
            m.client_id,
            m.client_secret
        ),
    );
    fx.work.env("DATABRICKS_HOST", AZURE_WORKSPACE);
    configure(&fx, &["  profile = \"okta-mgmt\"".into()]);
    let apply = apply_ok(&fx.work);
    assert_eq!(
        apply.distinct_provider_warnings(),
        vec!["Workspace host not used for account API calls".to_string()],
    );
    let d = diagnostic(
        &apply,
        "warning",
        "Workspace host not used for account API calls",
    );
    assert_detail_mentions(
        &d,
        &[
            "DATABRICKS_HOST",
            AZURE_WORKSPACE,
            &fx.emu.url(),
            "\"okta-mgmt\"",
        ],
    );
    assert_eq!(status_after_secret_deleted(&fx), "secret_not_found");
}

#[test]
fn a_workspace_host_names_the_account_console_used_instead() {
    let mut fx = Fixture::new();
    configure(&fx, &[]);

    // A commercial workspace: each connection's per-cloud console.
    fx.work.env("DATABRICKS_HOST", AZURE_WORKSPACE);
    let plan = plan_json(&fx.work);
    let d = diagnostic(
        &plan,
        "warning",
        "Workspace host not used for account API calls",
    );
    assert_detail_mentions(
        &d,
        &[
            "DATABRICKS_HOST",
            AZURE_WORKSPACE,
            "Azure Databricks",
            "https://accounts.cloud.databricks.com",
            "https://accounts.azuredatabricks.net",
            "https://accounts.gcp.databricks.com",
            "`host`",
        ],
    );

    // A government workspace without a scheme, as the SDKs accept it: its own console.
    fx.work.env(
        "DATABRICKS_HOST",
        "adb-1234567890123456.7.databricks.azure.us",
    );
    let plan = plan_json(&fx.work);
    let d = diagnostic(
        &plan,
        "warning",
        "Workspace host not used for account API calls",
    );
    assert_detail_mentions(
        &d,
        &[
            "https://adb-1234567890123456.7.databricks.azure.us",
            "https://accounts.azuredatabricks.us",
        ],
    );
}

#[test]
fn a_host_argument_that_names_a_workspace_is_a_warning_at_host() {
    let fx = Fixture::new();
    configure(
        &fx,
        &[format!(
            "  host = {}",
            quote("https://dbc-a1b2c3d4-e5f6.cloud.databricks.com")
        )],
    );
    let plan = plan_json(&fx.work);
    let d = diagnostic(
        &plan,
        "warning",
        "Workspace host not used for account API calls",
    );
    assert_points_at(&d, "host");
    assert_detail_mentions(&d, &["https://accounts.cloud.databricks.com"]);
}

#[test]
fn an_invalid_databricks_host_variable_is_a_warning_not_a_failure() {
    let mut fx = Fixture::new();
    fx.work.env("DATABRICKS_HOST", "http://10.1.2.3:8080");
    configure(&fx, &[]);
    let plan = plan_json(&fx.work);
    let d = diagnostic(&plan, "warning", "Invalid DATABRICKS_HOST ignored");
    assert_detail_mentions(&d, &["http://10.1.2.3:8080", "`host`"]);
}

#[test]
fn configure_warnings_show_once_per_walk() {
    let mut fx = Fixture::new();
    let m = Management::add(&fx.emu);
    fx.work.env("DATABRICKS_CLIENT_ID", &m.client_id);
    configure(&fx, &[host_line(&fx)]);
    let count = |out: &Output| {
        out.provider_diagnostics()
            .iter()
            .filter(|d| d["summary"] == "Incomplete management credentials ignored")
            .count()
    };
    // A plan configures the provider once.
    let plan = plan_json(&fx.work);
    assert_eq!(count(&plan), 1, "{}", plan.stdout);
    // `terraform apply` configures it in its plan walk and again in its apply walk (a new
    // provider process each time, so the provider cannot tell them apart): its JSON output has
    // the warning twice; the human-readable output shows it once and adds "(and one more
    // similar warning elsewhere)".
    let apply = fx.work.apply_json();
    assert_eq!(apply.code, 0, "{}", apply.combined());
    assert_eq!(count(&apply), 2, "{}", apply.stdout);
    // A second apply with a change (an unchanged one stops after its plan walk).
    let main_tf = std::fs::read_to_string(fx.work.path().join("main.tf")).unwrap();
    fx.work.write(
        "main.tf",
        &main_tf.replace(
            "\"Databricks analytics\"",
            "\"Databricks analytics (renamed)\"",
        ),
    );
    let human = fx.work.apply();
    assert_eq!(human.code, 0, "{}", human.combined());
    assert_eq!(
        human
            .stdout
            .matches("Warning: Incomplete management credentials ignored")
            .count(),
        1,
        "{}",
        human.stdout
    );
    assert!(
        human
            .text()
            .contains("(and one more similar warning elsewhere)"),
        "{}",
        human.stdout
    );
}

/// Fragments of credentials typed into the wrong place; none may appear in any output.
const LEAKS: [&str; 5] = ["user:pw", "pw@", "tok3nSecret", "dose", "s3cretPart"];

#[track_caller]
fn assert_nothing_leaked(out: &Output, what: &str) {
    let all = out.combined();
    for leak in LEAKS {
        assert!(!all.contains(leak), "{what}: {leak:?} is shown:\n{all}");
    }
}

/// A value shaped like a Databricks OAuth secret.
const SECRET_SHAPED: &str = "dose9s3cretPart0a1b2c3d4e5f6a7b8c9d0e1f2";

/// Hosts whose user info or query holds a credential, in the forms that used to be echoed.
const HOSTS_WITH_SECRETS: [&str; 4] = [
    "ftp://user:pw@accounts.example.com",
    "https://user:pw@[bad",
    "https://user:pw@accounts.example.com:99999",
    "https://accounts.cloud.databricks.com/?access_token=tok3nSecret",
];

#[test]
fn a_host_argument_holding_credentials_is_refused_without_showing_them_or_its_line() {
    for host in HOSTS_WITH_SECRETS {
        let work = Workdir::new(&format!(
            "{}\nprovider \"databricks\" {{\n  host = {}\n}}\n\n{}",
            crate::support::terraform::required_providers(),
            quote(host),
            crate::support::connection::Connection::canonical().block("c")
        ));
        let out = work.run(&["validate", "-json", "-no-color"]);
        assert_ne!(out.code, 0, "{host}: {}", out.combined());
        let d = diagnostic_in_validate(&out, "Invalid account host");
        let code = d["snippet"]["code"].as_str().unwrap_or_default();
        assert!(
            !code.contains("host ="),
            "{host}: points at the line: {d:#}"
        );
        assert_nothing_leaked(&out, host);
    }
}

/// The diagnostic with `summary` of a `terraform validate -json` run.
fn diagnostic_in_validate(out: &Output, summary: &str) -> serde_json::Value {
    let json: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("validate -json: {e}\n{}", out.combined()));
    json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["summary"] == summary)
        .cloned()
        .unwrap_or_else(|| panic!("no {summary:?} in {json:#}"))
}

#[test]
fn a_databricks_host_variable_holding_credentials_is_ignored_without_showing_them() {
    for host in HOSTS_WITH_SECRETS {
        let mut fx = Fixture::new();
        fx.work.env("DATABRICKS_HOST", host);
        configure(&fx, &[]);
        let out = plan_json(&fx.work);
        assert_eq!(
            out.distinct_provider_warnings(),
            vec!["Invalid DATABRICKS_HOST ignored"],
            "{host}"
        );
        assert_nothing_leaked(&out, host);
        let human = fx
            .work
            .run(&["plan", "-input=false", "-refresh=false", "-no-color"]);
        assert_eq!(human.code, 0, "{}", human.combined());
        assert_nothing_leaked(&human, host);
    }
}

#[test]
fn a_secret_pasted_as_a_client_id_is_never_shown() {
    // The argument: an error at the block, not at its line.
    let work = Workdir::new(&format!(
        "{}\nprovider \"databricks\" {{\n  client_id = {}\n}}\n\n{}",
        crate::support::terraform::required_providers(),
        quote(SECRET_SHAPED),
        crate::support::connection::Connection::canonical().block("c")
    ));
    let out = work.run(&["validate", "-json", "-no-color"]);
    assert_ne!(out.code, 0, "{}", out.combined());
    let d = diagnostic_in_validate(&out, "Invalid UUID");
    assert!(
        !d["snippet"]["code"]
            .as_str()
            .unwrap_or_default()
            .contains("client_id"),
        "{d:#}"
    );
    assert!(
        d["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("looks like an OAuth secret (not shown)"),
        "{d:#}"
    );
    assert_nothing_leaked(&out, "client_id argument");

    // DATABRICKS_CLIENT_ID: ignored with a warning, or an error once the block opts in.
    let mut fx = Fixture::new();
    fx.work
        .env("DATABRICKS_ACCOUNT_ID", canonical::ACCOUNT_ID)
        .env("DATABRICKS_CLIENT_ID", SECRET_SHAPED)
        .env("DATABRICKS_CLIENT_SECRET", "management-secret");
    configure(&fx, &[host_line(&fx)]);
    let out = plan_json(&fx.work);
    assert_eq!(
        out.distinct_provider_warnings(),
        vec!["Invalid management credentials ignored"]
    );
    assert_nothing_leaked(&out, "DATABRICKS_CLIENT_ID");
    configure(
        &fx,
        &[
            host_line(&fx),
            format!("  account_id = {}", quote(canonical::ACCOUNT_ID)),
        ],
    );
    let out = fx
        .work
        .run(&["plan", "-json", "-input=false", "-refresh=false"]);
    assert_ne!(out.code, 0, "{}", out.combined());
    assert!(
        out.summaries("error").contains(&"Invalid UUID".to_string()),
        "{}",
        out.combined()
    );
    assert_nothing_leaked(&out, "DATABRICKS_CLIENT_ID with account_id");

    // A profile's client_id and host.
    let fx = Fixture::new();
    fx.work.write(
        ".databrickscfg",
        &format!(
            "[pasted]\naccount_id = {acc}\nclient_id = {SECRET_SHAPED}\nclient_secret = x\n\n\
             [userinfo]\nhost = https://user:pw@accounts.example.com\naccount_id = {acc}\n\
             client_id = {cid}\nclient_secret = x\n",
            acc = canonical::ACCOUNT_ID,
            cid = canonical::APPLICATION_ID,
        ),
    );
    for profile in ["pasted", "userinfo"] {
        configure(
            &fx,
            &[host_line(&fx), format!("  profile = {}", quote(profile))],
        );
        let out = fx
            .work
            .run(&["plan", "-json", "-input=false", "-refresh=false"]);
        assert_ne!(out.code, 0, "{}", out.combined());
        assert!(
            out.summaries("error")
                .contains(&"Invalid value in a Databricks config profile".to_string()),
            "{profile}: {}",
            out.combined()
        );
        assert_nothing_leaked(&out, profile);
    }
}
