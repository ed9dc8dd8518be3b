//! The provider block: validation, and the settings it resolves to once environment
//! variables and a Databricks config profile fill in what the block leaves out.
//!
//! Each setting comes from the first of: the block's argument, its environment variable, the
//! config profile (per attribute, as in Databricks' unified auth). The official Databricks
//! provider reads the same variables and may be configured in the same run, so this provider
//! is a good neighbour to it: what comes only from the environment never makes it fail (what
//! it cannot use is ignored, with a warning), and a host that names a workspace is never used
//! for account API calls.

mod host;
mod management;
mod messages;
mod profiles;
mod source;

use std::time::Duration;

use databricks_account_client::{
    AccountHost, DEFAULT_HTTP_TIMEOUT, DEFAULT_RATE_LIMIT, DEFAULT_RETRY_TIMEOUT, HostKind,
    SecretString, classify_host, parse_host,
};

use host::resolve_host;
use management::{management, warn_of_overrides};
use profiles::load_profile;
use source::{ProfileRef, first};

use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::provider::attributes::ProviderAttr;
use crate::resource::Management;
use crate::validation::{self as check, Field, field, known_str};

pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if config.is_null() || config.is_unknown() {
        return diags;
    }
    check::account_host(&mut diags, config, ProviderAttr::Host);
    check::uuid(
        &mut diags,
        config,
        ProviderAttr::AccountId,
        "the Databricks account ID",
    );
    check::uuid(
        &mut diags,
        config,
        ProviderAttr::ClientId,
        "the management service principal's application ID",
    );
    check::not_blank(&mut diags, config, ProviderAttr::ClientSecret);
    check::not_blank(&mut diags, config, ProviderAttr::Profile);
    check::not_blank(&mut diags, config, ProviderAttr::ConfigFile);
    check::whole_number(
        &mut diags,
        config,
        ProviderAttr::HttpTimeoutSeconds,
        1,
        3600,
    );
    check::whole_number(
        &mut diags,
        config,
        ProviderAttr::RetryTimeoutSeconds,
        0,
        86_400,
    );
    check::whole_number(&mut diags, config, ProviderAttr::RateLimit, 1, 10_000);
    diags
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub host: Option<AccountHost>,
    pub management: Option<Management>,
    pub http_timeout: Duration,
    pub retry_timeout: Duration,
    pub rate_limit: u32,
}

impl Settings {
    /// Equal in every setting, the management secret included (compared, never printed).
    pub fn same_as(&self, other: &Settings) -> bool {
        let management = match (&self.management, &other.management) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                a.account_id == b.account_id
                    && a.client_id == b.client_id
                    && a.client_secret.expose_secret() == b.client_secret.expose_secret()
            }
            _ => false,
        };
        management
            && self.host == other.host
            && self.http_timeout == other.http_timeout
            && self.retry_timeout == other.retry_timeout
            && self.rate_limit == other.rate_limit
    }
}

/// What a provider block resolves to.
#[derive(Debug)]
pub enum Resolved {
    /// Every setting is known; `warnings` are shown once, at configure.
    Ready {
        settings: Settings,
        warnings: Diagnostics,
    },
    /// Part of the configuration is not known yet (it comes from a resource that has not been
    /// applied), so nothing can be checked with it: records are kept as they are, and
    /// `warning` says why.
    Pending { warning: Diagnostic },
}

/// The warning of [`Resolved::Pending`].
fn pending_warning(unknown: &[&str]) -> Diagnostic {
    Diagnostic::warning(
        "Provider configuration not known yet",
        format!(
            "The provider's {} depend{} on values Terraform does not know until apply, so this \
             run cannot check connections with it: every connection keeps its recorded status. \
             Connections are checked again once the configuration is known (the next plan after \
             the apply).",
            unknown
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if unknown.len() == 1 { "s" } else { "" }
        ),
    )
}

/// Resolves the final configuration: per attribute the argument, else the environment
/// variable, else the config profile, else the default. Values are validated again here
/// because environment variables and profiles bypass `validate`.
pub fn resolve(
    config: &Value,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Resolved, Diagnostics> {
    if config.is_unknown() {
        return Ok(Resolved::Pending {
            warning: pending_warning(&["configuration"]),
        });
    }
    let unknown: Vec<&str> = match config {
        Value::Object(attrs) => attrs
            .iter()
            .filter(|(_, v)| !v.is_wholly_known())
            .map(|(k, _)| k.as_str())
            .collect(),
        _ => Vec::new(),
    };
    if !unknown.is_empty() {
        return Ok(Resolved::Pending {
            warning: pending_warning(&unknown),
        });
    }
    let mut diags = validate(config);
    // Blank arguments are errors of `validate`; blank variables count as unset.
    let arg = |attr: ProviderAttr| -> Option<String> {
        known_str(config, attr)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
    };
    let var = |attr: ProviderAttr| -> Option<String> {
        env(attr.variable()?).filter(|v| !v.trim().is_empty())
    };
    let number = |attr: ProviderAttr| match field(config, attr) {
        Field::Known(v) => v.as_number().and_then(|n| n.to_u64()),
        _ => None,
    };

    // The DEFAULT section is read only when nothing else configures the host or the
    // credentials, as in the SDKs: a secret from the file never goes to a host, or with a
    // client ID, that came from elsewhere. A workspace host does not count: it is not used.
    let usable_host =
        |h: &String| !matches!(classify_host(h), HostKind::Workspace(_)) && parse_host(h).is_ok();
    let configured_elsewhere = arg(ProviderAttr::Host).is_some_and(|h| usable_host(&h))
        || var(ProviderAttr::Host).is_some_and(|h| usable_host(&h))
        || [ProviderAttr::ClientId, ProviderAttr::ClientSecret]
            .into_iter()
            .any(|a| arg(a).is_some() || var(a).is_some());
    let home = env("HOME").filter(|v| !v.trim().is_empty());
    let loaded = load_profile(&arg, &var, home, configured_elsewhere, &mut diags);
    let reference = loaded.as_ref().map(|l| &l.reference);

    let host = resolve_host(
        arg(ProviderAttr::Host),
        var(ProviderAttr::Host),
        loaded.as_ref().and_then(|l| l.creds.host.clone()),
        reference,
        &mut diags,
    );

    let profile_creds = loaded.as_ref().map(|l| &l.creds);
    let sourced = |attr: ProviderAttr| (arg(attr), var(attr).map(|v| (attr, v)));
    let account_id = first(
        sourced(ProviderAttr::AccountId),
        profile_creds.map(|p| p.account_id.clone()),
    );
    let client_id = first(
        sourced(ProviderAttr::ClientId),
        profile_creds.map(|p| p.client_id.clone()),
    );
    let (argument, variable) = sourced(ProviderAttr::ClientSecret);
    let client_secret = first(
        (
            argument.map(SecretString::from),
            variable.map(|(attr, v)| (attr, SecretString::from(v))),
        ),
        profile_creds.map(|p| p.client_secret.clone()),
    );
    if let Some(loaded) = &loaded {
        warn_of_overrides(
            loaded,
            &host,
            [&account_id, &client_id],
            &client_secret,
            &mut diags,
        );
    }
    let management = management(account_id, client_id, client_secret, &mut diags);

    let rate_limit = match number(ProviderAttr::RateLimit) {
        Some(n) => u32::try_from(n).unwrap_or(u32::MAX),
        None => match var(ProviderAttr::RateLimit) {
            Some(v) => match v.trim().parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => {
                    diags.push(
                        Diagnostic::error(
                            "Invalid DATABRICKS_RATE_LIMIT",
                            format!("DATABRICKS_RATE_LIMIT must be a whole number of at least 1; got \"{v}\"."),
                        )
                        .at(ProviderAttr::RateLimit.path()),
                    );
                    DEFAULT_RATE_LIMIT
                }
            },
            None => DEFAULT_RATE_LIMIT,
        },
    };

    if diags.has_errors() {
        return Err(diags);
    }
    let host = host.map(|h| h.value);
    tracing::debug!(
        host = host
            .as_ref()
            .map_or("per-cloud default", AccountHost::as_str),
        profile = reference.map(ProfileRef::describe).unwrap_or_default(),
        management_account_id = management.as_ref().map(|m| m.account_id.as_str()),
        management_client_id = management.as_ref().map(|m| m.client_id.as_str()),
        "provider configuration resolved"
    );
    Ok(Resolved::Ready {
        settings: Settings {
            host,
            management,
            http_timeout: number(ProviderAttr::HttpTimeoutSeconds)
                .map_or(DEFAULT_HTTP_TIMEOUT, Duration::from_secs),
            retry_timeout: number(ProviderAttr::RetryTimeoutSeconds)
                .map_or(DEFAULT_RETRY_TIMEOUT, Duration::from_secs),
            rate_limit,
        },
        // Every diagnostic left is a warning.
        warnings: diags,
    })
}

#[cfg(test)]
mod tests {
    use super::messages::*;
    use super::*;
    use crate::protocol::cty::Value;
    use crate::protocol::path::AttributePath;
    use std::collections::BTreeMap;

    fn config(pairs: &[(ProviderAttr, &str)]) -> Value {
        let mut attrs: BTreeMap<String, Value> = ProviderAttr::ALL
            .iter()
            .map(|a| (a.to_string(), Value::Null))
            .collect();
        for (k, v) in pairs {
            attrs.insert(k.to_string(), Value::String(v.to_string()));
        }
        Value::Object(attrs)
    }

    const MGMT: [(ProviderAttr, &str); 3] = [
        (
            ProviderAttr::AccountId,
            "0d2a7b1c-1234-4abc-9def-0123456789ab",
        ),
        (
            ProviderAttr::ClientId,
            "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
        ),
        (ProviderAttr::ClientSecret, "dose1"),
    ];

    fn ready(r: Result<Resolved, Diagnostics>) -> Settings {
        match r {
            Ok(Resolved::Ready { settings, .. }) => settings,
            Ok(Resolved::Pending { warning }) => panic!("pending: {warning:?}"),
            Err(d) => panic!("errors: {d:?}"),
        }
    }

    #[test]
    fn an_unknown_argument_leaves_the_provider_pending_instead_of_using_defaults() {
        let mut c = config(&MGMT);
        if let Value::Object(attrs) = &mut c {
            attrs.insert(ProviderAttr::Host.to_string(), Value::unknown());
        }
        match resolve(&c, |_| None) {
            Ok(Resolved::Pending { warning }) => {
                assert!(warning.detail.contains("`host`"), "{}", warning.detail)
            }
            other => panic!("expected pending, got {other:?}"),
        }
    }

    #[test]
    fn environment_variables_fill_what_the_block_leaves_out() {
        let env = |name: &str| match name {
            "DATABRICKS_HOST" => Some("http://127.0.0.1:9".to_string()),
            "DATABRICKS_ACCOUNT_ID" => Some(MGMT[0].1.to_string()),
            "DATABRICKS_CLIENT_ID" => Some(MGMT[1].1.to_string()),
            "DATABRICKS_CLIENT_SECRET" => Some("dose-env".to_string()),
            "DATABRICKS_RATE_LIMIT" => Some("7".to_string()),
            _ => None,
        };
        let s = ready(resolve(
            &config(&[(ProviderAttr::ClientSecret, "dose-block")]),
            env,
        ));
        assert_eq!(s.host.unwrap().as_str(), "http://127.0.0.1:9");
        assert_eq!(
            s.management.unwrap().client_secret.expose_secret(),
            "dose-block"
        );
        assert_eq!(s.rate_limit, 7);
        assert_eq!(s.http_timeout, Duration::from_secs(60));
    }

    #[test]
    fn partial_management_credentials_are_an_error_naming_what_is_missing() {
        let diags = resolve(&config(&MGMT[..2]), |_| None).unwrap_err();
        let d = diags.iter().next().unwrap();
        assert_eq!(d.summary, "Incomplete management credentials");
        assert!(d.detail.contains("client_secret"));
    }

    #[test]
    fn settings_compare_the_management_secret_too() {
        let a = ready(resolve(&config(&MGMT), |_| None));
        let b = ready(resolve(&config(&MGMT), |_| None));
        assert!(a.same_as(&b));
        let mut other = MGMT;
        other[2] = (ProviderAttr::ClientSecret, "dose2");
        let c = ready(resolve(&config(&other), |_| None));
        assert!(!a.same_as(&c));
        assert!(!a.same_as(&ready(resolve(&config(&[]), |_| None))));
    }

    // ---- Profiles, precedence and neighbours ----

    const ACC: &str = "0d2a7b1c-1234-4abc-9def-0123456789ab";
    const CID: &str = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
    const OTHER_ACC: &str = "11111111-2222-4333-8444-555555555555";
    const OTHER_CID: &str = "66666666-7777-4888-9999-000000000000";
    const AZURE_WS: &str = "https://adb-1234567890123456.7.azuredatabricks.net";

    /// A home directory with `.databrickscfg` holding `text`.
    fn home_with(text: &str) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        std::fs::write(home.path().join(".databrickscfg"), text).unwrap();
        home
    }

    fn home_var(home: &tempfile::TempDir) -> (&'static str, String) {
        ("HOME", home.path().to_str().unwrap().to_string())
    }

    fn env_of(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn section(name: &str, host: Option<&str>, acc: &str, cid: &str, secret: &str) -> String {
        format!(
            "[{name}]\n{}account_id = {acc}\nclient_id = {cid}\nclient_secret = {secret}\n",
            host.map(|h| format!("host = {h}\n")).unwrap_or_default()
        )
    }

    /// Settings and warnings, or the errors.
    fn run(
        c: &Value,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<(Settings, Vec<Diagnostic>), Vec<Diagnostic>> {
        match resolve(c, env) {
            Ok(Resolved::Ready { settings, warnings }) => {
                Ok((settings, warnings.iter().cloned().collect()))
            }
            Ok(Resolved::Pending { warning }) => panic!("pending: {warning:?}"),
            Err(d) => Err(d.iter().cloned().collect()),
        }
    }

    fn summaries(diags: &[Diagnostic]) -> Vec<&str> {
        diags.iter().map(|d| d.summary.as_str()).collect()
    }

    fn at(d: &Diagnostic) -> AttributePath {
        d.attribute.clone().unwrap_or_else(AttributePath::root)
    }

    fn mgmt(s: &Settings) -> (String, String, String) {
        let m = s.management.as_ref().expect("management credentials");
        (
            m.account_id.clone(),
            m.client_id.clone(),
            m.client_secret.expose_secret().to_string(),
        )
    }

    #[test]
    fn precedence_is_per_attribute_argument_then_variable_then_profile() {
        let home = home_with(&section(
            "okta",
            Some("http://127.0.0.1:7"),
            ACC,
            CID,
            "dose-profile",
        ));
        let c = config(&[
            (ProviderAttr::Profile, "okta"),
            (ProviderAttr::ClientSecret, "dose-argument"),
        ]);
        let env = env_of(vec![
            home_var(&home),
            ("DATABRICKS_CLIENT_ID", OTHER_CID.into()),
            ("DATABRICKS_CLIENT_SECRET", "dose-variable".into()),
        ]);
        let (s, warnings) = run(&c, env).unwrap();
        assert_eq!(
            mgmt(&s),
            (ACC.into(), OTHER_CID.into(), "dose-argument".into()),
            "account_id from the profile, client_id from the variable, the secret from the argument"
        );
        assert_eq!(s.host.unwrap().as_str(), "http://127.0.0.1:7");
        // The variable that replaced a profile value is named; the argument is not.
        assert_eq!(summaries(&warnings), vec![PROFILE_OVERRIDDEN]);
        assert!(warnings[0].detail.contains("DATABRICKS_CLIENT_ID"));
        assert!(!warnings[0].detail.contains("DATABRICKS_CLIENT_SECRET"));
        assert!(warnings[0].detail.contains("profile \"okta\""));

        // Host: argument over variable over profile.
        let host = |pairs: &[(ProviderAttr, &str)], vars: Vec<(&'static str, String)>| {
            let mut vars = vars;
            vars.push(home_var(&home));
            let (s, _) = run(&config(pairs), env_of(vars)).unwrap();
            s.host.map(|h| h.as_str().to_owned())
        };
        let var = vec![("DATABRICKS_HOST", "http://127.0.0.1:8".to_string())];
        assert_eq!(
            host(
                &[
                    (ProviderAttr::Profile, "okta"),
                    (ProviderAttr::Host, "http://127.0.0.1:9")
                ],
                var.clone()
            )
            .as_deref(),
            Some("http://127.0.0.1:9")
        );
        assert_eq!(
            host(&[(ProviderAttr::Profile, "okta")], var).as_deref(),
            Some("http://127.0.0.1:8")
        );
        assert_eq!(
            host(&[(ProviderAttr::Profile, "okta")], vec![]).as_deref(),
            Some("http://127.0.0.1:7")
        );
    }

    #[test]
    fn the_argument_picks_the_profile_over_the_variable_and_the_file_likewise() {
        let home = home_with(&format!(
            "{}{}",
            section("a", None, ACC, CID, "dose-a"),
            section("b", None, OTHER_ACC, OTHER_CID, "dose-b")
        ));
        let elsewhere = tempfile::tempdir().unwrap();
        let other_file = elsewhere.path().join("cfg");
        std::fs::write(&other_file, section("a", None, OTHER_ACC, CID, "dose-c")).unwrap();
        let base = || vec![home_var(&home), ("DATABRICKS_CONFIG_PROFILE", "b".into())];
        let (s, w) = run(&config(&[(ProviderAttr::Profile, "a")]), env_of(base())).unwrap();
        assert_eq!(mgmt(&s).2, "dose-a");
        assert!(w.is_empty(), "{w:?}");
        let (s, _) = run(&config(&[]), env_of(base())).unwrap();
        assert_eq!(mgmt(&s).2, "dose-b");
        // config_file over DATABRICKS_CONFIG_FILE over ~/.databrickscfg.
        let mut vars = base();
        vars.push((
            "DATABRICKS_CONFIG_FILE",
            other_file.to_str().unwrap().into(),
        ));
        let (s, _) = run(
            &config(&[(ProviderAttr::Profile, "a")]),
            env_of(vars.clone()),
        )
        .unwrap();
        assert_eq!(mgmt(&s).2, "dose-c");
        let home_file = home.path().join(".databrickscfg");
        let (s, _) = run(
            &config(&[
                (ProviderAttr::Profile, "a"),
                (ProviderAttr::ConfigFile, home_file.to_str().unwrap()),
            ]),
            env_of(vars),
        )
        .unwrap();
        assert_eq!(mgmt(&s).2, "dose-a");
        // `~` is HOME.
        let (s, _) = run(
            &config(&[
                (ProviderAttr::Profile, "a"),
                (ProviderAttr::ConfigFile, "~/.databrickscfg"),
            ]),
            env_of(vec![home_var(&home)]),
        )
        .unwrap();
        assert_eq!(mgmt(&s).2, "dose-a");
    }

    #[test]
    fn default_is_used_unasked_only_when_complete_and_nothing_else_is_configured() {
        let complete = home_with(&section(
            "DEFAULT",
            Some("http://127.0.0.1:7"),
            ACC,
            CID,
            "dose-default",
        ));
        let (s, w) = run(&config(&[]), env_of(vec![home_var(&complete)])).unwrap();
        assert_eq!(mgmt(&s).2, "dose-default");
        assert_eq!(s.host.as_ref().unwrap().as_str(), "http://127.0.0.1:7");
        assert!(w.is_empty());

        // Anything less is silence: workspace, token, missing secret, no file.
        for text in [
            format!("[DEFAULT]\nhost = {AZURE_WS}\ntoken = dapi123\n"),
            format!("[DEFAULT]\naccount_id = {ACC}\ntoken = dapi123\n"),
            format!("[DEFAULT]\naccount_id = {ACC}\nclient_id = {CID}\n"),
            section("other", None, ACC, CID, "dose"),
            "[broken\n".to_string(),
        ] {
            let home = home_with(&text);
            let (s, w) = run(&config(&[]), env_of(vec![home_var(&home)])).unwrap();
            assert!(s.management.is_none(), "{text}");
            assert!(w.is_empty(), "{text}: {w:?}");
        }
        // Account-level credentials with a malformed value are not used, and a warning says
        // which value, without the host's user info.
        for (text, mention) in [
            (
                section("DEFAULT", None, "acc-1", CID, "dose"),
                "`account_id` must be a UUID",
            ),
            (
                section("DEFAULT", Some("http://10.0.0.1"), ACC, CID, "dose"),
                "`host` is not an account host this provider can use: ",
            ),
            (
                section(
                    "DEFAULT",
                    Some("https://admin:pw@accounts.example.com"),
                    ACC,
                    CID,
                    "dose",
                ),
                "`host` is not an account host this provider can use: ",
            ),
        ] {
            let home = home_with(&text);
            let (s, w) = run(&config(&[]), env_of(vec![home_var(&home)])).unwrap();
            assert!(s.management.is_none(), "{text}");
            assert_eq!(summaries(&w), vec![PROFILE_INVALID_VALUE], "{text}");
            for part in [
                mention,
                "profile \"DEFAULT\" in ",
                "without management credentials",
            ] {
                assert!(w[0].detail.contains(part), "{part:?} in {}", w[0].detail);
            }
            assert!(!w[0].detail.contains("admin:pw"), "{}", w[0].detail);
        }
        let empty = tempfile::tempdir().unwrap();
        let (s, w) = run(&config(&[]), env_of(vec![home_var(&empty)])).unwrap();
        assert!(s.management.is_none() && w.is_empty());
        let (s, w) = run(&config(&[]), |_| None).unwrap();
        assert!(s.management.is_none() && w.is_empty(), "no HOME at all");

        // As in the SDKs, a host or client credentials from the block or the environment
        // mean DEFAULT is not read: its secret never pairs with settings from elsewhere.
        let (s, _) = run(
            &config(&[(ProviderAttr::Host, "http://127.0.0.1:9")]),
            env_of(vec![home_var(&complete)]),
        )
        .unwrap();
        assert!(s.management.is_none());
        let (s, w) = run(
            &config(&[]),
            env_of(vec![
                home_var(&complete),
                ("DATABRICKS_CLIENT_SECRET", "dose-variable".into()),
            ]),
        )
        .unwrap();
        assert!(s.management.is_none());
        assert_eq!(summaries(&w), vec![INCOMPLETE_MANAGEMENT_IGNORED]);
        // A lone DATABRICKS_ACCOUNT_ID does not count (it is no credential) ...
        let (s, _) = run(
            &config(&[]),
            env_of(vec![
                home_var(&complete),
                ("DATABRICKS_ACCOUNT_ID", ACC.into()),
            ]),
        )
        .unwrap();
        assert_eq!(mgmt(&s).2, "dose-default");
        // ... and neither does a workspace host, which is never used.
        let (s, w) = run(
            &config(&[]),
            env_of(vec![
                home_var(&complete),
                ("DATABRICKS_HOST", AZURE_WS.into()),
            ]),
        )
        .unwrap();
        assert_eq!(mgmt(&s).2, "dose-default");
        assert_eq!(s.host.unwrap().as_str(), "http://127.0.0.1:7");
        assert_eq!(summaries(&w), vec![WORKSPACE_HOST]);
    }

    #[test]
    fn an_unusable_profile_is_an_error_when_the_argument_asks_and_a_warning_when_the_variable_does()
    {
        let file = format!(
            "[workspace]\nhost = {AZURE_WS}\ntoken = dapiTOKENVALUE\n\n\
             [pat]\naccount_id = {ACC}\ntoken = dapiTOKENVALUE\n\n\
             [u2m]\naccount_id = {ACC}\nauth_type = databricks-cli\n\n\
             [bad-id]\naccount_id = {ACC}\nclient_id = app-1\nclient_secret = doseSECRETVALUE\n\n\
             [bad-host]\nhost = http://10.0.0.1\naccount_id = {ACC}\nclient_id = {CID}\n\
             client_secret = doseSECRETVALUE\n"
        );
        let home = home_with(&file);
        let cases = [
            ("nope", PROFILE_NOT_FOUND, "has no profile \"nope\""),
            ("workspace", PROFILE_WORKSPACE_LEVEL, AZURE_WS),
            (
                "pat",
                PROFILE_NO_CLIENT_CREDENTIALS,
                "personal access token",
            ),
            (
                "u2m",
                PROFILE_NO_CLIENT_CREDENTIALS,
                "auth_type = databricks-cli",
            ),
            (
                "bad-id",
                PROFILE_INVALID_VALUE,
                "`client_id` must be a UUID",
            ),
            ("bad-host", PROFILE_INVALID_VALUE, "`host`"),
        ];
        let path = home.path().join(".databrickscfg");
        let path = path.to_str().unwrap();
        for (name, summary, mention) in cases {
            let errors = run(
                &config(&[(ProviderAttr::Profile, name)]),
                env_of(vec![home_var(&home)]),
            )
            .map(|(_, w)| w)
            .unwrap_err();
            assert_eq!(summaries(&errors), vec![summary], "{name}");
            let e = &errors[0];
            assert_eq!(at(e), ProviderAttr::Profile.path(), "{name}");
            for part in [path, mention, "Set `profile`"] {
                assert!(e.detail.contains(part), "{name}: {part:?} in {}", e.detail);
            }

            let (s, warnings) = run(
                &config(&[]),
                env_of(vec![
                    home_var(&home),
                    ("DATABRICKS_CONFIG_PROFILE", name.into()),
                ]),
            )
            .unwrap();
            assert!(s.management.is_none(), "{name}");
            assert_eq!(summaries(&warnings), vec![summary], "{name}");
            let w = &warnings[0];
            for part in [
                path,
                mention,
                "DATABRICKS_CONFIG_PROFILE",
                "ignores the profile",
            ] {
                assert!(w.detail.contains(part), "{name}: {part:?} in {}", w.detail);
            }
            for leaked in ["dapiTOKENVALUE", "doseSECRETVALUE"] {
                assert!(
                    !format!("{errors:?}{warnings:?}").contains(leaked),
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn file_problems_point_at_what_asked_for_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let missing = missing.to_str().unwrap();
        // `config_file` names a file that is not there: an error at it, asked or not.
        for c in [
            config(&[(ProviderAttr::ConfigFile, missing)]),
            config(&[
                (ProviderAttr::ConfigFile, missing),
                (ProviderAttr::Profile, "p"),
            ]),
        ] {
            let errors = run(&c, env_of(vec![])).map(|(_, w)| w).unwrap_err();
            assert_eq!(summaries(&errors), vec![CONFIG_FILE_UNREADABLE]);
            assert_eq!(at(&errors[0]), ProviderAttr::ConfigFile.path());
            assert!(errors[0].detail.contains(missing));
        }
        // `profile` with no file: an error at `profile`; HOME unset says so.
        let errors = run(
            &config(&[(ProviderAttr::Profile, "p")]),
            env_of(vec![home_var(&dir)]),
        )
        .map(|(_, w)| w)
        .unwrap_err();
        assert_eq!(at(&errors[0]), ProviderAttr::Profile.path());
        assert!(errors[0].detail.contains(".databrickscfg does not exist"));
        let errors = run(&config(&[(ProviderAttr::Profile, "p")]), |_| None)
            .map(|(_, w)| w)
            .unwrap_err();
        assert!(errors[0].detail.contains("HOME is not set"), "{errors:?}");
        // The variables alone: a missing file is silence, even when DATABRICKS_CONFIG_FILE
        // names it; asked for by DATABRICKS_CONFIG_PROFILE it is a warning.
        let (_, w) = run(
            &config(&[]),
            env_of(vec![("DATABRICKS_CONFIG_FILE", missing.into())]),
        )
        .unwrap();
        assert!(w.is_empty());
        let (_, w) = run(
            &config(&[]),
            env_of(vec![
                ("DATABRICKS_CONFIG_FILE", missing.into()),
                ("DATABRICKS_CONFIG_PROFILE", "p".into()),
            ]),
        )
        .unwrap();
        assert_eq!(summaries(&w), vec![CONFIG_FILE_UNREADABLE]);
    }

    #[test]
    fn management_credentials_only_from_the_environment_never_fail() {
        let cases: [(&[&str], Option<ProviderAttr>); 7] = [
            (&["DATABRICKS_ACCOUNT_ID"], None),
            (
                &["DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"],
                Some(ProviderAttr::AccountId),
            ),
            (&["DATABRICKS_CLIENT_ID"], Some(ProviderAttr::AccountId)),
            (&["DATABRICKS_CLIENT_SECRET"], Some(ProviderAttr::AccountId)),
            (
                &["DATABRICKS_ACCOUNT_ID", "DATABRICKS_CLIENT_ID"],
                Some(ProviderAttr::ClientSecret),
            ),
            (
                &["DATABRICKS_ACCOUNT_ID", "DATABRICKS_CLIENT_SECRET"],
                Some(ProviderAttr::ClientId),
            ),
            (
                &[
                    "DATABRICKS_ACCOUNT_ID",
                    "DATABRICKS_CLIENT_ID",
                    "DATABRICKS_CLIENT_SECRET",
                ],
                None,
            ),
        ];
        for (set, first_missing) in cases {
            let vars = set
                .iter()
                .map(|v| {
                    let value = match *v {
                        "DATABRICKS_ACCOUNT_ID" => ACC,
                        "DATABRICKS_CLIENT_ID" => CID,
                        _ => "dose-variable",
                    };
                    (*v, value.to_string())
                })
                .collect();
            let (s, w) = run(&config(&[]), env_of(vars)).unwrap();
            match first_missing {
                None if set.len() == 3 => {
                    assert!(s.management.is_some());
                    assert!(w.is_empty());
                }
                None => {
                    assert!(s.management.is_none());
                    assert!(w.is_empty(), "a lone account ID is silence: {w:?}");
                }
                Some(missing) => {
                    assert!(s.management.is_none(), "{set:?}");
                    assert_eq!(
                        summaries(&w),
                        vec![INCOMPLETE_MANAGEMENT_IGNORED],
                        "{set:?}"
                    );
                    assert_eq!(at(&w[0]), missing.path());
                    for var in set {
                        assert!(w[0].detail.contains(var), "{set:?}: {}", w[0].detail);
                    }
                    assert!(w[0].detail.contains(&format!("`{missing}`")));
                    assert!(w[0].detail.contains("official Databricks provider"));
                    assert!(!w[0].detail.contains("dose-variable"));
                }
            }
        }
        // Malformed IDs from the environment: ignored with a warning too.
        let (s, w) = run(
            &config(&[]),
            env_of(vec![
                ("DATABRICKS_ACCOUNT_ID", ACC.into()),
                ("DATABRICKS_CLIENT_ID", "azure-app".into()),
                ("DATABRICKS_CLIENT_SECRET", "dose".into()),
            ]),
        )
        .unwrap();
        assert!(s.management.is_none());
        assert_eq!(summaries(&w), vec![INVALID_MANAGEMENT_IGNORED]);
    }

    #[test]
    fn an_argument_opts_in_and_then_incomplete_or_malformed_is_an_error() {
        // Credentials in the environment, the account ID on this block.
        let vars = || {
            vec![
                ("DATABRICKS_CLIENT_ID", CID.to_string()),
                ("DATABRICKS_CLIENT_SECRET", "dose-variable".to_string()),
            ]
        };
        let (s, w) = run(&config(&[(ProviderAttr::AccountId, ACC)]), env_of(vars())).unwrap();
        assert_eq!(mgmt(&s), (ACC.into(), CID.into(), "dose-variable".into()));
        assert!(w.is_empty());

        let errors = run(&config(&[(ProviderAttr::ClientId, CID)]), env_of(vec![]))
            .map(|(_, w)| w)
            .unwrap_err();
        assert_eq!(summaries(&errors), vec![INCOMPLETE_MANAGEMENT]);
        assert_eq!(at(&errors[0]), ProviderAttr::AccountId.path());

        let errors = run(
            &config(&[(ProviderAttr::AccountId, ACC)]),
            env_of(vec![("DATABRICKS_CLIENT_SECRET", "dose".into())]),
        )
        .map(|(_, w)| w)
        .unwrap_err();
        assert_eq!(at(&errors[0]), ProviderAttr::ClientId.path());
        assert!(
            errors[0]
                .detail
                .contains("`client_secret` (from DATABRICKS_CLIENT_SECRET)"),
            "{}",
            errors[0].detail
        );

        let errors = run(
            &config(&[(ProviderAttr::AccountId, ACC)]),
            env_of(vec![
                ("DATABRICKS_CLIENT_ID", "azure-app".into()),
                ("DATABRICKS_CLIENT_SECRET", "dose".into()),
            ]),
        )
        .map(|(_, w)| w)
        .unwrap_err();
        assert_eq!(summaries(&errors), vec!["Invalid UUID"]);
        assert_eq!(at(&errors[0]), ProviderAttr::ClientId.path());
    }

    #[test]
    fn workspace_hosts_are_never_used_for_account_calls() {
        let host_and_warnings = |c: Value, vars: Vec<(&'static str, String)>| {
            let (s, w) = run(&c, env_of(vars)).unwrap();
            (s.host.map(|h| h.as_str().to_owned()), w)
        };
        // A commercial workspace: the per-cloud defaults.
        let (host, w) = host_and_warnings(config(&[]), vec![("DATABRICKS_HOST", AZURE_WS.into())]);
        assert_eq!(host, None);
        assert_eq!(summaries(&w), vec![WORKSPACE_HOST]);
        assert_eq!(at(&w[0]), ProviderAttr::Host.path());
        for part in [
            "DATABRICKS_HOST",
            AZURE_WS,
            "official Databricks provider",
            "https://accounts.azuredatabricks.net (azure)",
        ] {
            assert!(w[0].detail.contains(part), "{part}: {}", w[0].detail);
        }
        // Government and China workspaces: their cloud's account console.
        for (workspace, console) in [
            (
                "https://dbc-1.cloud.databricks.us",
                "https://accounts.cloud.databricks.us",
            ),
            (
                "dbc-1.cloud.databricks.mil",
                "https://accounts-dod.cloud.databricks.mil",
            ),
            (
                "https://adb-1.2.databricks.azure.us/?o=1",
                "https://accounts.azuredatabricks.us",
            ),
            (
                "https://adb-1.2.databricks.azure.cn",
                "https://accounts.azuredatabricks.cn",
            ),
        ] {
            let (host, w) =
                host_and_warnings(config(&[]), vec![("DATABRICKS_HOST", workspace.into())]);
            assert_eq!(host.as_deref(), Some(console), "{workspace}");
            assert!(w[0].detail.contains(console));
        }
        // The argument too; then the next source is used if there is one.
        let (host, w) = host_and_warnings(config(&[(ProviderAttr::Host, AZURE_WS)]), vec![]);
        assert_eq!(host, None);
        assert!(w[0].detail.starts_with("The `host` argument is"));
        let (host, w) = host_and_warnings(
            config(&[(ProviderAttr::Host, AZURE_WS)]),
            vec![("DATABRICKS_HOST", "http://127.0.0.1:9".into())],
        );
        assert_eq!(host.as_deref(), Some("http://127.0.0.1:9"));
        assert!(
            w[0].detail
                .contains("http://127.0.0.1:9 (from DATABRICKS_HOST)")
        );
    }

    #[test]
    fn hosts_are_normalised_as_in_the_sdks_and_commercial_consoles_are_the_defaults() {
        let host = |vars: Vec<(&'static str, String)>| {
            let (s, w) = run(&config(&[]), env_of(vars)).unwrap();
            (s.host.map(|h| h.as_str().to_owned()), w)
        };
        let (h, w) = host(vec![(
            "DATABRICKS_HOST",
            "accounts.cloud.databricks.us".into(),
        )]);
        assert_eq!(h.as_deref(), Some("https://accounts.cloud.databricks.us"));
        assert!(w.is_empty());
        // The official provider's account host on AWS would send an Azure account's calls to
        // the AWS console: a commercial console only confirms its cloud's default.
        for console in [
            "https://accounts.cloud.databricks.com",
            "https://accounts.azuredatabricks.net/",
        ] {
            let (h, w) = host(vec![("DATABRICKS_HOST", console.into())]);
            assert_eq!(h, None, "{console}");
            assert!(w.is_empty());
        }
        // A malformed variable is a warning; a malformed argument an error at `host`.
        let (h, w) = host(vec![("DATABRICKS_HOST", "http://10.1.2.3".into())]);
        assert_eq!(h, None);
        assert_eq!(summaries(&w), vec![INVALID_HOST_VARIABLE]);
        let errors = run(&config(&[(ProviderAttr::Host, "http://10.1.2.3")]), |_| {
            None
        })
        .map(|(_, w)| w)
        .unwrap_err();
        assert_eq!(summaries(&errors), vec!["Invalid account host"]);
    }

    #[test]
    fn blank_profile_and_config_file_arguments_are_refused() {
        for name in [ProviderAttr::Profile, ProviderAttr::ConfigFile] {
            let d = validate(&config(&[(name, " ")]));
            let e = d.iter().next().unwrap();
            assert_eq!(e.summary, "Value must not be blank");
            assert_eq!(at(e), name.path());
        }
    }
}
