//! What a configured host names: an account console, a workspace (never used for account
//! API calls), or something else.

use super::account::{AccountHost, with_scheme};

/// What a configured host names, judged by its domain name alone (no request is made).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostKind {
    /// A Databricks account console: `accounts.` or `accounts-dod.` on a Databricks domain.
    AccountConsole,
    /// A Databricks workspace: never a host for account API calls.
    Workspace(WorkspaceHost),
    /// Anything else (a proxy, `localhost`, an emulator): used as given.
    Other,
}

/// A workspace URL found where an account console was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceHost {
    /// `https://<name>` of the workspace: no path, port, query or user info, safe to show.
    pub origin: String,
    /// Which Databricks deployment it belongs to, in words (e.g. "Azure Databricks").
    pub deployment: &'static str,
    /// The account console of that deployment when it is a government or China cloud, whose
    /// accounts the commercial consoles do not serve. `None` for the commercial clouds: their
    /// connections use the per-cloud default of their own `cloud_provider`.
    pub account_console: Option<AccountHost>,
}

/// One Databricks DNS zone that workspaces live in.
struct WorkspaceZone {
    suffix: &'static str,
    deployment: &'static str,
    account_console: Option<&'static str>,
}

/// Workspace domains (databricks-sdk-go `config/environments.go`; the DoD zone from the
/// account console table of the official provider's docs), with the account console of each
/// government or China cloud.
const WORKSPACE_ZONES: [WorkspaceZone; 7] = [
    WorkspaceZone {
        suffix: ".cloud.databricks.com",
        deployment: "Databricks on AWS",
        account_console: None,
    },
    WorkspaceZone {
        suffix: ".azuredatabricks.net",
        deployment: "Azure Databricks",
        account_console: None,
    },
    WorkspaceZone {
        suffix: ".gcp.databricks.com",
        deployment: "Databricks on Google Cloud",
        account_console: None,
    },
    WorkspaceZone {
        suffix: ".cloud.databricks.us",
        deployment: "Databricks on AWS GovCloud",
        account_console: Some("https://accounts.cloud.databricks.us"),
    },
    WorkspaceZone {
        suffix: ".cloud.databricks.mil",
        deployment: "Databricks on AWS GovCloud (DoD)",
        account_console: Some("https://accounts-dod.cloud.databricks.mil"),
    },
    WorkspaceZone {
        suffix: ".databricks.azure.us",
        deployment: "Azure Databricks (Azure Government)",
        account_console: Some("https://accounts.azuredatabricks.us"),
    },
    WorkspaceZone {
        suffix: ".databricks.azure.cn",
        deployment: "Azure Databricks (Azure China)",
        account_console: Some("https://accounts.azuredatabricks.cn"),
    },
];

/// Zones that hold account consoles but no workspaces.
const ACCOUNT_ONLY_ZONES: [&str; 2] = [".azuredatabricks.us", ".azuredatabricks.cn"];

/// Classifies a configured host (with or without a scheme, as the SDKs accept it). Input that
/// is not a URL at all is [`HostKind::Other`]: [`parse_host`] says what is wrong with it.
pub fn classify_host(input: &str) -> HostKind {
    let Ok(url) = url::Url::parse(&with_scheme(input.trim())) else {
        return HostKind::Other;
    };
    let Some(url::Host::Domain(name)) = url.host() else {
        return HostKind::Other;
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let in_zone = |zone: &str| name.ends_with(zone);
    let console_zone = name
        .strip_prefix("accounts.")
        .or_else(|| name.strip_prefix("accounts-dod."))
        .map(|rest| format!(".{rest}"));
    if let Some(rest) = console_zone {
        let known = WORKSPACE_ZONES
            .iter()
            .map(|z| z.suffix)
            .chain(ACCOUNT_ONLY_ZONES)
            .any(|zone| rest.ends_with(zone));
        if known {
            return HostKind::AccountConsole;
        }
    }
    match WORKSPACE_ZONES.iter().find(|z| in_zone(z.suffix)) {
        Some(zone) => HostKind::Workspace(WorkspaceHost {
            origin: format!("https://{name}"),
            deployment: zone.deployment,
            account_console: zone.account_console.map(AccountHost::from_static),
        }),
        None => HostKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::parse_host;

    #[test]
    fn account_consoles_are_recognised_on_databricks_domains_only() {
        for console in [
            "https://accounts.cloud.databricks.com",
            "https://accounts.azuredatabricks.net/",
            "https://accounts.gcp.databricks.com",
            "https://accounts.cloud.databricks.us",
            "https://accounts-dod.cloud.databricks.us",
            "https://accounts-dod.cloud.databricks.mil",
            "https://accounts.azuredatabricks.us",
            "https://accounts.azuredatabricks.cn",
            "accounts.cloud.databricks.com",
            "https://ACCOUNTS.Cloud.Databricks.com.",
            "https://accounts.staging.cloud.databricks.com",
        ] {
            assert_eq!(
                classify_host(console),
                HostKind::AccountConsole,
                "{console}"
            );
        }
        for other in [
            "http://127.0.0.1:8080",
            "http://localhost:1234/prefix",
            "https://proxy.example.com/databricks",
            "https://accounts.example.com",
            "https://accounts.cloud.databricks.com.evil.example",
            "https://cloud.databricks.com",
            "https://[::1]:9000",
            "not a url",
            "",
        ] {
            assert_eq!(classify_host(other), HostKind::Other, "{other}");
        }
    }

    #[test]
    fn workspaces_are_recognised_with_the_account_console_of_their_cloud() {
        let ws = |input: &str| match classify_host(input) {
            HostKind::Workspace(ws) => ws,
            other => panic!("{input} should be a workspace, is {other:?}"),
        };
        let console = |input: &str| ws(input).account_console.map(|h| h.as_str().to_owned());

        // Commercial clouds: each connection keeps the default of its own cloud.
        for commercial in [
            "https://adb-1234567890123456.7.azuredatabricks.net",
            "https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/",
            "https://1234567890123456.7.gcp.databricks.com",
            "adb-1234567890123456.7.azuredatabricks.net",
            "https://adb-1.2.staging.azuredatabricks.net",
        ] {
            assert_eq!(console(commercial), None, "{commercial}");
        }
        assert_eq!(
            ws("https://adb-1234567890123456.7.azuredatabricks.net").deployment,
            "Azure Databricks"
        );

        // Government and China clouds: their own account console.
        for (workspace, expected) in [
            (
                "https://dbc-1.cloud.databricks.us",
                "https://accounts.cloud.databricks.us",
            ),
            (
                "https://dbc-1.cloud.databricks.mil",
                "https://accounts-dod.cloud.databricks.mil",
            ),
            (
                "https://adb-1.2.databricks.azure.us",
                "https://accounts.azuredatabricks.us",
            ),
            (
                "https://adb-1.2.databricks.azure.cn",
                "https://accounts.azuredatabricks.cn",
            ),
        ] {
            assert_eq!(console(workspace).as_deref(), Some(expected), "{workspace}");
            // The derived console is itself a valid override.
            assert_eq!(parse_host(expected).unwrap().as_str(), expected);
        }
    }

    #[test]
    fn a_workspace_is_recognised_even_where_parse_host_refuses_the_url() {
        // Copied from a browser (`?o=` workspace ID), with user info, or over http: the
        // official provider accepts these; the name alone says it is a workspace.
        let shown = |input: &str| match classify_host(input) {
            HostKind::Workspace(ws) => ws.origin,
            other => panic!("{input}: {other:?}"),
        };
        assert_eq!(
            shown("https://adb-1234567890123456.7.azuredatabricks.net/?o=1234567890123456"),
            "https://adb-1234567890123456.7.azuredatabricks.net"
        );
        assert_eq!(
            shown("https://user:hunter2@dbc-1.cloud.databricks.com:443/x"),
            "https://dbc-1.cloud.databricks.com"
        );
        assert_eq!(
            shown("http://dbc-1.cloud.databricks.com"),
            "https://dbc-1.cloud.databricks.com"
        );
    }
}
