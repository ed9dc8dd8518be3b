//! Acceptance: Databricks config profiles (`~/.databrickscfg`) as the source of management
//! credentials, through the real `terraform` and real files.
//!
//! Which credentials a refresh used shows in what it can see: after the connection's secret is
//! deleted, management credentials report `secret_not_found`, the connection's own secret only
//! `credentials_rejected`.
//!
//! HOME is each test's working directory (see `Workdir::run`), so `~/.databrickscfg` is the
//! file a test writes there, and the developer's own is never read.

use crate::support::connection::{
    Connection, Fixture, Management, assert_detail_mentions, assert_points_at, diagnostic, quote,
};
use crate::support::provider_block::{
    OWN_SECRET_ONLY, WITH_MANAGEMENT, apply_ok, configure, host_line, status_after_secret_deleted,
};
use crate::support::terraform::{Output, Workdir, required_providers};

/// A workspace-level profile, the kind `databricks configure` writes on a developer laptop.
const WORKSPACE_SECTION: &str = "host  = https://adb-1234567890123456.7.azuredatabricks.net\n\
                                 token = dapi0123456789abcdef0123456789abcdef\n";

/// An INI section with management credentials, and `host` when given.
fn account_section(name: &str, m: &Management, host: Option<&str>) -> String {
    let mut s = format!("[{name}]\n");
    if let Some(host) = host {
        s.push_str(&format!("host          = {host}\n"));
    }
    s.push_str(&format!(
        "account_id    = {}\nclient_id     = {}\nclient_secret = {}\n",
        m.account_id, m.client_id, m.client_secret
    ));
    s
}

#[test]
fn a_profile_named_by_the_argument_supplies_the_management_credentials() {
    let fx = Fixture::new();
    let m = Management::add(&fx.emu);
    let file = fx.work.path().join("team.databrickscfg");
    std::fs::write(
        &file,
        format!(
            "[DEFAULT]\n{WORKSPACE_SECTION}\n{}",
            account_section("okta-mgmt", &m, None)
        ),
    )
    .unwrap();
    configure(
        &fx,
        &[
            host_line(&fx),
            "  profile     = \"okta-mgmt\"".into(),
            format!("  config_file = {}", quote(file.to_str().unwrap())),
        ],
    );
    let apply = apply_ok(&fx.work);
    assert!(
        apply.distinct_provider_warnings().is_empty(),
        "{:?}",
        apply.distinct_provider_warnings()
    );
    assert_eq!(status_after_secret_deleted(&fx), WITH_MANAGEMENT);
}

#[test]
fn the_variable_picks_a_profile_of_the_default_file_under_home() {
    let mut fx = Fixture::new();
    let m = Management::add(&fx.emu);
    fx.work.write(
        ".databrickscfg",
        &format!(
            "[workspace]\n{WORKSPACE_SECTION}\n{}",
            account_section("okta-mgmt", &m, None)
        ),
    );
    fx.work.env("DATABRICKS_CONFIG_PROFILE", "okta-mgmt");
    configure(&fx, &[host_line(&fx)]);
    let apply = apply_ok(&fx.work);
    assert!(apply.distinct_provider_warnings().is_empty());
    assert_eq!(status_after_secret_deleted(&fx), WITH_MANAGEMENT);
}

#[test]
fn the_config_file_variable_names_the_file() {
    let mut fx = Fixture::new();
    let m = Management::add(&fx.emu);
    let file = fx.work.path().join("ci.databrickscfg");
    std::fs::write(&file, account_section("okta-mgmt", &m, None)).unwrap();
    fx.work
        .env("DATABRICKS_CONFIG_FILE", file.to_str().unwrap())
        .env("DATABRICKS_CONFIG_PROFILE", "okta-mgmt");
    configure(&fx, &[host_line(&fx)]);
    apply_ok(&fx.work);
    assert_eq!(status_after_secret_deleted(&fx), WITH_MANAGEMENT);
}

#[test]
fn a_complete_account_level_default_section_is_used_with_its_host_unasked() {
    let fx = Fixture::new();
    let m = Management::add(&fx.emu);
    // Its host is the emulator: the provider block sets nothing at all.
    fx.work.write(
        ".databrickscfg",
        &account_section("DEFAULT", &m, Some(&fx.emu.url())),
    );
    configure(&fx, &[]);
    let apply = apply_ok(&fx.work);
    assert!(apply.distinct_provider_warnings().is_empty());
    assert_eq!(status_after_secret_deleted(&fx), WITH_MANAGEMENT);
}

/// `terraform plan -json -refresh=false` (configures the provider, calls nothing) succeeds;
/// returns it.
#[track_caller]
fn plan_ok(work: &Workdir) -> Output {
    let out = work.run(&["plan", "-json", "-input=false", "-refresh=false"]);
    assert_eq!(out.code, 0, "plan failed:\n{}", out.combined());
    out
}

#[test]
fn a_default_section_that_is_not_account_level_is_ignored_without_a_word() {
    let fx = Fixture::new();
    let m = Management::add(&fx.emu);
    // The common laptop file: a workspace DEFAULT. A complete section that nobody asks for is
    // not used either, and DEFAULT is no fallback for it.
    fx.work.write(
        ".databrickscfg",
        &format!(
            "[DEFAULT]\n{WORKSPACE_SECTION}\n{}",
            account_section("okta-mgmt", &m, None)
        ),
    );
    // Nothing else configured, so DEFAULT is read (a host would make the provider skip it,
    // as the SDKs do); the plan calls nothing.
    configure(&fx, &[]);
    let plan = plan_ok(&fx.work);
    assert!(
        plan.provider_diagnostics().is_empty(),
        "no diagnostics at all: {:#?}",
        plan.provider_diagnostics()
    );

    // Other shapes of DEFAULT that are not a complete account-level OAuth profile.
    for default in [
        format!(
            "account_id = {}\ntoken = dapi0123456789abcdef\n",
            m.account_id
        ),
        format!(
            "account_id = {}\nclient_id = {}\n",
            m.account_id, m.client_id
        ),
        "[not ini\n".to_string(),
    ] {
        fx.work
            .write(".databrickscfg", &format!("[DEFAULT]\n{default}"));
        let plan = plan_ok(&fx.work);
        assert!(
            plan.provider_diagnostics().is_empty(),
            "{default}: {:#?}",
            plan.provider_diagnostics()
        );
    }

    // With the emulator as host (which makes the provider skip DEFAULT), connections are
    // checked with their own secret.
    configure(&fx, &[host_line(&fx)]);
    apply_ok(&fx.work);
    assert_eq!(status_after_secret_deleted(&fx), OWN_SECRET_ONLY);
}

#[test]
fn no_config_file_at_all_is_silence() {
    let fx = Fixture::new();
    configure(&fx, &[]);
    assert!(!fx.work.path().join(".databrickscfg").exists());
    let plan = plan_ok(&fx.work);
    assert!(
        plan.provider_diagnostics().is_empty(),
        "{:#?}",
        plan.provider_diagnostics()
    );
}

/// (what, file contents or None for no file, provider lines, attribute, summary, detail parts)
type ErrorCase = (
    &'static str,
    Option<String>,
    Vec<String>,
    &'static str,
    &'static str,
    Vec<String>,
);

#[test]
fn a_profile_the_argument_asks_for_that_cannot_be_used_is_an_error_at_profile() {
    let fx = Fixture::new();
    let m = Management::add(&fx.emu);
    let home_file = fx.work.path().join(".databrickscfg");
    let home = home_file.to_str().unwrap().to_string();
    let other = fx.work.path().join("missing.databrickscfg");
    let other = other.to_str().unwrap().to_string();
    let token_profile = format!(
        "[account-pat]\nhost = https://accounts.cloud.databricks.com\naccount_id = {}\n\
         token = dapi0123456789abcdef0123456789abcdef\n",
        m.account_id
    );
    let cases: Vec<ErrorCase> = vec![
        (
            "a name the file does not have",
            Some(account_section("okta-mgmt", &m, None)),
            vec!["  profile = \"okta-mgnt\"".into()],
            "profile",
            "Databricks config profile not found",
            vec![home.clone(), "\"okta-mgnt\"".into(), "okta-mgmt".into()],
        ),
        (
            "a workspace-level profile",
            Some(format!("[workspace]\n{WORKSPACE_SECTION}")),
            vec!["  profile = \"workspace\"".into()],
            "profile",
            "Workspace-level Databricks config profile",
            vec![
                home.clone(),
                "\"workspace\"".into(),
                "account_id".into(),
                "https://adb-1234567890123456.7.azuredatabricks.net".into(),
            ],
        ),
        (
            "a token instead of OAuth client credentials",
            Some(token_profile),
            vec!["  profile = \"account-pat\"".into()],
            "profile",
            "Databricks config profile without OAuth client credentials",
            vec![
                home.clone(),
                "\"account-pat\"".into(),
                "token".into(),
                "client_secret".into(),
            ],
        ),
        (
            // The SDKs read a named section alone: DEFAULT fills nothing in.
            "DEFAULT is no fallback for a named profile",
            Some(format!(
                "[DEFAULT]\naccount_id = {}\n\n[sp-only]\nclient_id = {}\nclient_secret = {}\n",
                m.account_id, m.client_id, m.client_secret
            )),
            vec!["  profile = \"sp-only\"".into()],
            "profile",
            "Workspace-level Databricks config profile",
            vec![home.clone(), "\"sp-only\"".into()],
        ),
        (
            "no ~/.databrickscfg",
            None,
            vec!["  profile = \"okta-mgmt\"".into()],
            "profile",
            "Cannot read the Databricks config file",
            vec![home.clone()],
        ),
        (
            "a config_file that does not exist",
            Some(account_section("okta-mgmt", &m, None)),
            vec![
                "  profile = \"okta-mgmt\"".into(),
                format!("  config_file = {}", quote(&other)),
            ],
            "config_file",
            "Cannot read the Databricks config file",
            vec![other.clone()],
        ),
        (
            "a file that is not INI",
            Some("[okta-mgmt\nclient_id = x\n".into()),
            vec!["  profile = \"okta-mgmt\"".into()],
            "profile",
            "Cannot read the Databricks config file",
            vec![home.clone(), "line".into()],
        ),
    ];
    for (what, file, lines, attribute, summary, parts) in cases {
        match &file {
            Some(text) => std::fs::write(&home_file, text).unwrap(),
            None => {
                let _ = std::fs::remove_file(&home_file);
            }
        }
        let mut provider = vec![host_line(&fx)];
        provider.extend(lines);
        configure(&fx, &provider);
        let plan = fx.work.run(&["plan", "-json", "-input=false"]);
        assert_eq!(plan.code, 1, "{what}: plan must fail:\n{}", plan.combined());
        let d = diagnostic(&plan, "error", summary);
        assert_points_at(&d, attribute);
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        assert_detail_mentions(&d, &parts);
        assert!(
            !plan.combined().contains("dapi0123456789abcdef"),
            "{what}: the token leaked:\n{}",
            plan.combined()
        );
        assert!(
            !plan.combined().contains(&m.client_secret),
            "{what}: the secret leaked"
        );
    }
}

#[test]
fn a_profile_the_variable_asks_for_that_cannot_be_used_is_one_warning_and_ignored() {
    let mut fx = Fixture::new();
    let m = Management::add(&fx.emu);
    let file = fx.work.path().join(".databrickscfg");
    fx.work.write(
        ".databrickscfg",
        // A complete DEFAULT is not used either: a profile was asked for.
        &format!(
            "{}\n[workspace]\n{WORKSPACE_SECTION}",
            account_section("DEFAULT", &m, None)
        ),
    );
    // Set for the official provider, which works with a workspace profile.
    fx.work.env("DATABRICKS_CONFIG_PROFILE", "workspace");
    configure(&fx, &[host_line(&fx)]);
    let apply = apply_ok(&fx.work);
    let d = diagnostic(
        &apply,
        "warning",
        "Workspace-level Databricks config profile",
    );
    assert_detail_mentions(
        &d,
        &[
            "DATABRICKS_CONFIG_PROFILE",
            file.to_str().unwrap(),
            "\"workspace\"",
            "ignores",
            "`profile`",
        ],
    );
    assert_eq!(
        apply.distinct_provider_warnings(),
        vec!["Workspace-level Databricks config profile".to_string()],
        "one warning and nothing else"
    );
    assert_eq!(status_after_secret_deleted(&fx), OWN_SECRET_ONLY);

    // A name the file does not have: the same, with its own words.
    fx.work.env("DATABRICKS_CONFIG_PROFILE", "nope");
    let plan = fx
        .work
        .run(&["plan", "-json", "-input=false", "-refresh=false"]);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    diagnostic(&plan, "warning", "Databricks config profile not found");
}

#[test]
fn blank_profile_and_config_file_are_refused_at_validate() {
    for attribute in ["profile", "config_file"] {
        let work = Workdir::new(&format!(
            "{}\nprovider \"databricks\" {{\n  {attribute} = \"  \"\n}}\n\n{}",
            required_providers(),
            Connection::canonical().block("c")
        ));
        let out = work.run(&["validate", "-json", "-no-color"]);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(json["valid"], false, "{attribute}: {json:#}");
        let d = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["summary"] == "Value must not be blank")
            .unwrap_or_else(|| panic!("{attribute}: {json:#}"));
        assert_points_at(d, attribute);
    }
}

#[test]
fn the_files_secrets_never_reach_logs_or_diagnostics() {
    let mut fx = Fixture::new();
    let m = Management::add(&fx.emu);
    let token = "dapiLEAKCANARY0123456789abcdef012345";
    fx.work.write(
        ".databrickscfg",
        &format!(
            "{}\n[account-pat]\naccount_id = {}\ntoken = {token}\n",
            account_section("okta-mgmt", &m, None),
            m.account_id
        ),
    );
    fx.work.env("TF_LOG", "trace");
    configure(&fx, &[host_line(&fx), "  profile = \"okta-mgmt\"".into()]);
    let apply = fx.work.apply();
    assert_eq!(apply.code, 0, "{}", apply.combined());
    let refresh = fx.work.plan_refresh_only();
    assert_eq!(refresh.code, 0, "{}", refresh.combined());
    // Unusable profiles: one asked by the argument (error), one by the variable (warning).
    configure(&fx, &[host_line(&fx), "  profile = \"account-pat\"".into()]);
    let failed = fx.work.run(&["plan", "-no-color", "-input=false"]);
    assert_eq!(failed.code, 1, "{}", failed.combined());
    configure(&fx, &[host_line(&fx)]);
    fx.work.env("DATABRICKS_CONFIG_PROFILE", "account-pat");
    let warned = fx.work.run(&["plan", "-no-color", "-input=false"]);
    assert_eq!(warned.code, 0, "{}", warned.combined());
    for out in [&apply, &refresh, &failed, &warned] {
        let all = out.combined();
        assert!(all.contains("provider"), "the trace log is there to search");
        assert!(!all.contains(&m.client_secret), "management secret leaked");
        assert!(!all.contains(token), "token leaked");
    }
}

#[cfg(unix)]
#[test]
fn a_config_file_others_may_write_that_holds_the_client_secret_gets_one_warning() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    let m = Management::add(&fx.emu);
    let file = fx.work.path().join(".databrickscfg");
    std::fs::write(&file, account_section("okta-mgmt", &m, None)).unwrap();
    configure(&fx, &[host_line(&fx), "  profile = \"okta-mgmt\"".into()]);
    let plan = |mode: u32| {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = fx
            .work
            .run(&["plan", "-json", "-input=false", "-refresh=false"]);
        assert_eq!(out.code, 0, "{mode:o}: {}", out.combined());
        out
    };
    for mode in [0o666, 0o620, 0o602] {
        let out = plan(mode);
        assert_eq!(
            out.provider_warnings(),
            vec!["Databricks config file writable by others"],
            "{mode:o}"
        );
        let w = diagnostic(&out, "warning", "Databricks config file writable by others");
        assert_detail_mentions(
            &w,
            &[
                file.to_str().unwrap(),
                "profile \"okta-mgmt\"",
                &format!("mode {mode:o}"),
                "chmod 600",
            ],
        );
        assert!(!out.combined().contains(&m.client_secret));
    }
    for mode in [0o600, 0o644, 0o400] {
        assert!(plan(mode).provider_warnings().is_empty(), "{mode:o}");
    }
}
