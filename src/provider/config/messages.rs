//! The summaries of the configure diagnostics (the README's troubleshooting section quotes
//! them) and the pieces of wording they share.

use databricks_account_client::{HostKind, classify_host, parse_host};

use crate::provider::attributes::ProviderAttr;

pub const INCOMPLETE_MANAGEMENT: &str = "Incomplete management credentials";
pub const INCOMPLETE_MANAGEMENT_IGNORED: &str = "Incomplete management credentials ignored";
pub const INVALID_MANAGEMENT_IGNORED: &str = "Invalid management credentials ignored";
pub const WORKSPACE_HOST: &str = "Workspace host not used for account API calls";
pub const INVALID_HOST_VARIABLE: &str = "Invalid DATABRICKS_HOST ignored";
pub const PROFILE_OVERRIDDEN: &str = "Environment variables override the Databricks config profile";
pub const CONFIG_FILE_UNREADABLE: &str = "Cannot read the Databricks config file";
pub const CONFIG_FILE_WRITABLE: &str = "Databricks config file writable by others";
pub const PROFILE_NOT_FOUND: &str = "Databricks config profile not found";
pub const PROFILE_WORKSPACE_LEVEL: &str = "Workspace-level Databricks config profile";
pub const PROFILE_NO_CLIENT_CREDENTIALS: &str =
    "Databricks config profile without OAuth client credentials";
pub const PROFILE_INVALID_VALUE: &str = "Invalid value in a Databricks config profile";

/// How one of the management credentials is named in sentences.
pub(super) fn what(attr: ProviderAttr) -> &'static str {
    match attr {
        ProviderAttr::AccountId => "the account ID",
        ProviderAttr::ClientId => "the client ID",
        ProviderAttr::ClientSecret => "the client secret",
        _ => attr.name(),
    }
}

/// `a`, `a and b`, `a, b and c`.
pub(super) fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// A host as it may be shown: a workspace's origin, a valid host's URL, nothing else (the
/// text could hold user info).
pub(super) fn shown_host(raw: &str) -> Option<String> {
    match classify_host(raw) {
        HostKind::Workspace(ws) => Some(ws.origin),
        _ => parse_host(raw).ok().map(|h| h.as_str().to_owned()),
    }
}
