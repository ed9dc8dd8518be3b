//! Which host account API calls go to: the first of argument, DATABRICKS_HOST and the
//! profile's `host` that is not a workspace, with a warning for each workspace host skipped.

use databricks_account_client::{AccountHost, Cloud, HostKind, WorkspaceHost, classify_host};

use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::provider::attributes::ProviderAttr;
use crate::validation::parse_account_host;

use super::messages::{INVALID_HOST_VARIABLE, WORKSPACE_HOST};
use super::source::{ProfileRef, Source, Sourced, variable_name};

/// Where account API calls go when no host is configured.
pub(super) fn per_cloud_defaults() -> String {
    let each: Vec<String> = Cloud::ALL
        .iter()
        .map(|c| format!("{} ({c})", c.default_host()))
        .collect();
    format!(
        "the account console of each connection's cloud_provider: {}",
        each.join(", ")
    )
}

/// The host for account API calls: the first of argument, DATABRICKS_HOST, the profile's
/// `host` that is not a workspace. A workspace host is skipped with a warning naming the host
/// used instead: the next source's, else the account console of a government or China
/// workspace's cloud, else each connection's per-cloud default (`None`). A commercial account
/// console is `None` too: it is the default of its cloud and wrong for the others.
pub(super) fn resolve_host(
    argument: Option<String>,
    variable: Option<String>,
    from_profile: Option<String>,
    profile: Option<&ProfileRef>,
    diags: &mut Diagnostics,
) -> Option<Sourced<AccountHost>> {
    let candidates = [
        (argument, Source::Argument),
        (variable, Source::Variable(ProviderAttr::Host)),
        (from_profile, Source::Profile),
    ];
    let mut skipped: Vec<(Source, WorkspaceHost)> = Vec::new();
    let mut invalid_variable = None;
    let mut chosen: Option<Sourced<AccountHost>> = None;
    for (raw, source) in candidates {
        let Some(raw) = raw else { continue };
        if let HostKind::Workspace(ws) = classify_host(&raw) {
            skipped.push((source, ws));
            continue;
        }
        match parse_account_host(&raw) {
            Ok(value) => {
                chosen = Some(Sourced { value, source });
                break;
            }
            // An argument's error comes from `validate`; a profile's host was checked with
            // the profile.
            Err(reason) => {
                if source == Source::Variable(ProviderAttr::Host) {
                    invalid_variable = Some(reason);
                }
            }
        }
    }
    let derived = skipped.iter().find_map(|(_, ws)| {
        ws.account_console
            .clone()
            .map(|value| (value, ws.deployment))
    });
    let (host, instead) = match (chosen, derived) {
        (Some(h), _) => {
            let from = match h.source {
                Source::Variable(attr) => variable_name(attr).to_owned(),
                Source::Profile => format!(
                    "`host` of {}",
                    profile.map(ProfileRef::describe).unwrap_or_default()
                ),
                Source::Argument | Source::Derived => "the `host` argument".to_owned(),
            };
            let instead = format!("{} (from {from})", h.value);
            (Some(h), instead)
        }
        (None, Some((value, deployment))) => {
            let instead = format!("{value}, the account console of {deployment}");
            (
                Some(Sourced {
                    value,
                    source: Source::Derived,
                }),
                instead,
            )
        }
        (None, None) => (None, per_cloud_defaults()),
    };
    let host = host.filter(|h| h.value.commercial_default_of().is_none());
    let instead = if host.is_none() {
        per_cloud_defaults()
    } else {
        instead
    };
    for (source, ws) in &skipped {
        let (subject, hint, remedy) = match source {
            Source::Argument | Source::Derived => (
                "The `host` argument".to_owned(),
                "",
                "Set `host` to an account console, a proxy or an emulator, or remove it.",
            ),
            Source::Variable(attr) => (
                variable_name(*attr).to_owned(),
                " (it is probably set for the official Databricks provider)",
                "To send them to a host of your own (a proxy, an emulator), set `host` on this \
                 provider's block.",
            ),
            Source::Profile => (
                format!(
                    "`host` of {}",
                    profile.map(ProfileRef::describe).unwrap_or_default()
                ),
                "",
                "Set `host` of that profile to its account console, or remove it.",
            ),
        };
        diags.push(
            Diagnostic::warning(
                WORKSPACE_HOST,
                format!(
                    "{subject} is {}, a workspace of {}, not an account console{hint}. This \
                     provider calls only account APIs, so it does not send them there: they go \
                     to {instead}. {remedy}",
                    ws.origin, ws.deployment
                ),
            )
            .at(ProviderAttr::Host.path()),
        );
    }
    if let Some(reason) = invalid_variable {
        diags.push(
            Diagnostic::warning(
                INVALID_HOST_VARIABLE,
                format!(
                    "DATABRICKS_HOST is not a usable account host: {reason}. It may be set for \
                     the official Databricks provider, so this provider ignores it: account API \
                     calls go to {instead}. To send them to a host of your own, set `host` on \
                     this provider's block."
                ),
            )
            .at(ProviderAttr::Host.path()),
        );
    }
    host
}
