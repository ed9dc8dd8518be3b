//! Management credentials from the three sources, and what to say when they are incomplete,
//! malformed, or partly replaced by environment variables.

use databricks_account_client::{AccountHost, HostKind, SecretString, classify_host, parse_host};

use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::provider::attributes::ProviderAttr;
use crate::resource::Management;
use crate::validation::{self as check, looks_like_secret, shown_value};

use super::messages::{
    INCOMPLETE_MANAGEMENT, INCOMPLETE_MANAGEMENT_IGNORED, INVALID_MANAGEMENT_IGNORED,
    PROFILE_OVERRIDDEN, and_list, what,
};
use super::profiles::Loaded;
use super::source::{Source, Sourced, variable_name};

/// Warns when environment variables replace values of the profile in use: precedence is per
/// attribute, so a variable set for the official provider would otherwise silently pair with
/// the profile's other values.
pub(super) fn warn_of_overrides(
    loaded: &Loaded,
    host: &Option<Sourced<AccountHost>>,
    ids: [&Option<Sourced<String>>; 2],
    secret: &Option<Sourced<SecretString>>,
    diags: &mut Diagnostics,
) {
    let profile = &loaded.creds;
    let mut overridden: Vec<(ProviderAttr, &'static str)> = Vec::new();
    let from_variable = |source: Source| match source {
        Source::Variable(attr) => Some(variable_name(attr)),
        _ => None,
    };
    if let Some(h) = host
        && let Some(v) = from_variable(h.source)
        && let Some(theirs) = &profile.host
        && !matches!(classify_host(theirs), HostKind::Workspace(_))
        && parse_host(theirs).ok().as_ref() != Some(&h.value)
    {
        overridden.push((ProviderAttr::Host, v));
    }
    for (attr, value, theirs) in [
        (ProviderAttr::AccountId, ids[0], &profile.account_id),
        (ProviderAttr::ClientId, ids[1], &profile.client_id),
    ] {
        if let Some(s) = value
            && let Some(v) = from_variable(s.source)
            && !s.value.eq_ignore_ascii_case(theirs)
        {
            overridden.push((attr, v));
        }
    }
    if let Some(s) = secret
        && let Some(v) = from_variable(s.source)
        && s.value.expose_secret() != profile.client_secret.expose_secret()
    {
        overridden.push((ProviderAttr::ClientSecret, v));
    }
    if overridden.is_empty() {
        return;
    }
    let variables: Vec<&str> = overridden.iter().map(|(_, v)| *v).collect();
    let keys: Vec<&str> = overridden.iter().map(|(k, _)| k.name()).collect();
    let arguments: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    let one = overridden.len() == 1;
    diags.push(
        Diagnostic::warning(
            PROFILE_OVERRIDDEN,
            format!(
                "{} {} set and take{} precedence over {} of the {} (each setting comes from the \
                 provider's argument, else its environment variable, else the profile). If {} \
                 meant for the official Databricks provider, set {} on this provider's block to the \
                 profile's values, or unset {} for this run.",
                and_list(&variables),
                if one { "is" } else { "are" },
                if one { "s" } else { "" },
                and_list(&keys),
                loaded.reference.describe(),
                if one { "it is" } else { "they are" },
                and_list(&arguments),
                if one { "it" } else { "them" },
            ),
        )
        .at(ProviderAttr::Profile.path()),
    );
}

/// The management credentials, when all three parts are given. Incomplete or malformed ones
/// are an error when an argument is among them (the block opted in), and are otherwise
/// ignored with one warning: the variables may be set for the official provider. A lone
/// DATABRICKS_ACCOUNT_ID is ignored without a word.
pub(super) fn management(
    account_id: Option<Sourced<String>>,
    client_id: Option<Sourced<String>>,
    client_secret: Option<Sourced<SecretString>>,
    diags: &mut Diagnostics,
) -> Option<Management> {
    match decide(account_id, client_id, client_secret) {
        Decision::Use(management) => Some(management),
        Decision::Ignore => None,
        Decision::Incomplete {
            explicit,
            given,
            missing,
        } => {
            diags.push(if explicit {
                incomplete_error(&given, &missing)
            } else {
                incomplete_warning(&given, &missing)
            });
            None
        }
        Decision::Malformed { explicit, bad } => {
            if explicit {
                for (attr, value) in &bad {
                    diags.push(malformed_error(*attr, value));
                }
            } else {
                diags.push(malformed_warning(&bad));
            }
            None
        }
    }
}

/// What the sources of the three parts add up to.
enum Decision {
    Use(Management),
    /// Nothing was given, or only DATABRICKS_ACCOUNT_ID (which is no credential).
    Ignore,
    /// Some parts are missing. `explicit`: an argument of the block is among those given.
    Incomplete {
        explicit: bool,
        given: Vec<(ProviderAttr, Source)>,
        missing: Vec<ProviderAttr>,
    },
    /// All three are given, but IDs from environment variables are not UUIDs (arguments were
    /// checked by `validate`, a profile's values with the profile).
    Malformed {
        explicit: bool,
        bad: Vec<(ProviderAttr, String)>,
    },
}

fn decide(
    account_id: Option<Sourced<String>>,
    client_id: Option<Sourced<String>>,
    client_secret: Option<Sourced<SecretString>>,
) -> Decision {
    let sources = [
        (
            ProviderAttr::AccountId,
            account_id.as_ref().map(|s| s.source),
        ),
        (ProviderAttr::ClientId, client_id.as_ref().map(|s| s.source)),
        (
            ProviderAttr::ClientSecret,
            client_secret.as_ref().map(|s| s.source),
        ),
    ];
    let explicit = sources.iter().any(|(_, s)| *s == Some(Source::Argument));
    let (Some(account_id), Some(client_id), Some(client_secret)) =
        (account_id, client_id, client_secret)
    else {
        let given: Vec<(ProviderAttr, Source)> = sources
            .iter()
            .filter_map(|(a, s)| s.map(|s| (*a, s)))
            .collect();
        let missing = sources
            .iter()
            .filter(|(_, s)| s.is_none())
            .map(|(a, _)| *a)
            .collect();
        // Only variables gave anything (a profile is used only when complete).
        let lone_account_id = !explicit && matches!(given[..], [(ProviderAttr::AccountId, _)]);
        if given.is_empty() || lone_account_id {
            return Decision::Ignore;
        }
        return Decision::Incomplete {
            explicit,
            given,
            missing,
        };
    };
    let bad: Vec<(ProviderAttr, String)> = [
        (ProviderAttr::AccountId, &account_id),
        (ProviderAttr::ClientId, &client_id),
    ]
    .into_iter()
    .filter(|(_, s)| matches!(s.source, Source::Variable(_)) && !check::is_uuid(&s.value))
    .map(|(attr, s)| (attr, s.value.clone()))
    .collect();
    if !bad.is_empty() {
        return Decision::Malformed { explicit, bad };
    }
    Decision::Use(Management {
        account_id: account_id.value,
        client_id: client_id.value,
        client_secret: client_secret.value,
    })
}

fn is_are(n: usize) -> &'static str {
    if n == 1 { "is" } else { "are" }
}

/// Incomplete credentials that an argument of the block started.
fn incomplete_error(given: &[(ProviderAttr, Source)], missing: &[ProviderAttr]) -> Diagnostic {
    let first_missing = missing.first().copied().unwrap_or(ProviderAttr::ClientId);
    let given: Vec<String> = given
        .iter()
        .map(|(a, s)| match s {
            Source::Variable(v) => format!("`{a}` (from {})", variable_name(*v)),
            _ => format!("`{a}`"),
        })
        .collect();
    let missing: Vec<String> = missing.iter().map(|a| format!("`{a}`")).collect();
    Diagnostic::error(
        INCOMPLETE_MANAGEMENT,
        format!(
            "Management credentials need `account_id`, `client_id` and `client_secret` \
             together; {} {} given, but {} {} missing. Set the missing ones on this provider's \
             block (or with DATABRICKS_ACCOUNT_ID, DATABRICKS_CLIENT_ID, \
             DATABRICKS_CLIENT_SECRET, or a config profile), or remove the management arguments \
             to check each connection with its own secret.",
            and_list(&given),
            is_are(given.len()),
            and_list(&missing),
            is_are(missing.len()),
        ),
    )
    .at(first_missing.path())
}

/// Incomplete credentials from environment variables alone (often set for the official
/// provider): ignored.
fn incomplete_warning(given: &[(ProviderAttr, Source)], missing: &[ProviderAttr]) -> Diagnostic {
    let first_missing = missing.first().copied().unwrap_or(ProviderAttr::ClientId);
    let set: Vec<&str> = given.iter().map(|(a, _)| variable_name(*a)).collect();
    let lacking: Vec<String> = missing
        .iter()
        .map(|a| format!("{} (`{a}` or {})", what(*a), variable_name(*a)))
        .collect();
    let opt_in_arguments: Vec<String> = missing.iter().map(|a| format!("`{a}`")).collect();
    let opt_in_variables: Vec<&str> = missing.iter().map(|a| variable_name(*a)).collect();
    let one = set.len() == 1;
    Diagnostic::warning(
        INCOMPLETE_MANAGEMENT_IGNORED,
        format!(
            "{} {} set, but {} {} not. {} often set for the official Databricks provider; this \
             provider uses management credentials only when the account ID, client ID and \
             client secret are all given, so it ignores {} and checks each connection with its \
             own secret. To use {} as management credentials here, set {} on this provider's \
             block, or {}.",
            and_list(&set),
            is_are(set.len()),
            and_list(&lacking),
            is_are(missing.len()),
            if one {
                "This variable is"
            } else {
                "These variables are"
            },
            if one { "it" } else { "them" },
            if one { "it" } else { "them" },
            and_list(&opt_in_arguments),
            and_list(&opt_in_variables),
        ),
    )
    .at(first_missing.path())
}

/// A malformed ID from `attr`'s environment variable, in credentials the block opted into.
fn malformed_error(attr: ProviderAttr, value: &str) -> Diagnostic {
    let error = Diagnostic::error(
        "Invalid UUID",
        format!(
            "{} is {}, but {} of the management credentials must be a UUID like \
             0d2a7b1c-1234-4abc-9def-0123456789ab. Correct the variable, or set `{attr}` on this \
             provider's block.",
            variable_name(attr),
            shown_value(value),
            what(attr),
        ),
    );
    if looks_like_secret(value) {
        error
    } else {
        error.at(attr.path())
    }
}

/// Malformed IDs from environment variables alone: ignored.
fn malformed_warning(bad: &[(ProviderAttr, String)]) -> Diagnostic {
    let first_bad = bad.first().map_or(ProviderAttr::AccountId, |(a, _)| *a);
    let shown: Vec<String> = bad
        .iter()
        .map(|(attr, value)| format!("{} is {}", variable_name(*attr), shown_value(value)))
        .collect();
    let secret = bad.iter().any(|(_, value)| looks_like_secret(value));
    let warning = Diagnostic::warning(
        INVALID_MANAGEMENT_IGNORED,
        format!(
            "{}, not a UUID like 0d2a7b1c-1234-4abc-9def-0123456789ab. DATABRICKS_ACCOUNT_ID, \
             DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET may be set for the official \
             Databricks provider, so this provider ignores them as management credentials and \
             checks each connection with its own secret. To use management credentials here, \
             set `account_id`, `client_id` and `client_secret` on this provider's block.",
            and_list(&shown)
        ),
    );
    if secret {
        warning
    } else {
        warning.at(first_bad.path())
    }
}
