//! Which Databricks config profile supplies settings, if any, and what to say when the one
//! asked for cannot: an error when the `profile` argument asked, a warning when only
//! DATABRICKS_CONFIG_PROFILE did, or when an unasked `DEFAULT` is an account-level profile with
//! a malformed value; silence for any other unasked `DEFAULT`.

use std::path::PathBuf;

use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::provider::attributes::ProviderAttr;
use crate::provider::databrickscfg::{self, AccountProfile, ConfigFile, FileError, Unusable};

use super::messages::{
    CONFIG_FILE_UNREADABLE, CONFIG_FILE_WRITABLE, PROFILE_INVALID_VALUE,
    PROFILE_NO_CLIENT_CREDENTIALS, PROFILE_NOT_FOUND, PROFILE_WORKSPACE_LEVEL, and_list,
    shown_host,
};
use super::source::ProfileRef;

/// How the profile came to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Asked {
    /// By the `profile` argument: a profile that cannot be used is an error.
    Argument,
    /// By DATABRICKS_CONFIG_PROFILE, often set for the official provider: a warning, and the
    /// profile is ignored.
    Variable,
    /// Nobody asked: `DEFAULT`, used only when it is complete. One that has account-level
    /// credentials with a malformed value is a warning (its owner meant it for account APIs);
    /// anything else is silence.
    Unasked,
}

/// A profile that supplies settings.
pub(super) struct Loaded {
    pub(super) reference: ProfileRef,
    pub(super) creds: AccountProfile,
}

/// `~/x` and `~` against HOME; anything else as written (relative to Terraform's working
/// directory). `None` when the path needs a home directory and there is none.
fn expand_home(path: &str, home: Option<&str>) -> Option<PathBuf> {
    match path.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            home.map(|h| PathBuf::from(format!("{h}{rest}")))
        }
        _ => Some(PathBuf::from(path)),
    }
}

/// The profile to use, if any: the one `profile` or DATABRICKS_CONFIG_PROFILE names, else
/// `DEFAULT` when it is a complete account-level profile (and nothing is configured
/// elsewhere). A profile that cannot be used is an error when the argument asked for it, a
/// warning when the variable did (it is then ignored); for an unasked `DEFAULT`, a warning only
/// when a value of its account-level credentials is malformed.
pub(super) fn load_profile(
    arg: &dyn Fn(ProviderAttr) -> Option<String>,
    var: &dyn Fn(ProviderAttr) -> Option<String>,
    home: Option<String>,
    configured_elsewhere: bool,
    diags: &mut Diagnostics,
) -> Option<Loaded> {
    let (name, asked) = match (arg(ProviderAttr::Profile), var(ProviderAttr::Profile)) {
        (Some(name), _) => (name, Asked::Argument),
        (None, Some(name)) => (name, Asked::Variable),
        (None, None) if configured_elsewhere => return None,
        (None, None) => (databrickscfg::DEFAULT_PROFILE.to_owned(), Asked::Unasked),
    };
    let file_argument = arg(ProviderAttr::ConfigFile);
    let report = Report {
        asked,
        name: &name,
        file_from_argument: file_argument.is_some(),
    };
    let path = match file_argument.or_else(|| var(ProviderAttr::ConfigFile)) {
        Some(path) => expand_home(&path, home.as_deref()),
        None => home.map(|h| PathBuf::from(h).join(databrickscfg::DEFAULT_FILE)),
    };
    let Some(file) = path else {
        report.file_problem(
            diags,
            "The config file is in the home directory (~/.databrickscfg), but HOME is not set."
                .to_owned(),
        );
        return None;
    };
    let parsed = match ConfigFile::read(&file) {
        Ok(parsed) => parsed,
        // No file is the normal case of a machine without the Databricks CLI.
        Err(FileError::Missing) if asked == Asked::Unasked && !report.file_from_argument => {
            return None;
        }
        Err(e) => {
            report.file_problem(diags, format!("{} {e}.", file.display()));
            return None;
        }
    };
    let reference = ProfileRef {
        name: name.clone(),
        file,
    };
    let Some(found) = parsed.profile(&reference.name) else {
        let names = parsed.names();
        let have = if names.is_empty() {
            "; it has no profiles".to_owned()
        } else {
            format!("; its profiles are {}", and_list(&names))
        };
        report.profile_problem(
            diags,
            PROFILE_NOT_FOUND,
            format!(
                "{} has no profile \"{}\"{have}.",
                reference.file.display(),
                reference.name
            ),
        );
        return None;
    };
    match found.account_level() {
        Ok(creds) => {
            if let Some(mode) = parsed.writable_by_others() {
                diags.push(writable_by_others(&reference, mode));
            }
            Some(Loaded { reference, creds })
        }
        Err(why) => {
            // A malformed value does not make the secret beside it any safer to leave writable.
            if matches!(why, Unusable::InvalidValue { .. })
                && found.client_secret.is_some()
                && let Some(mode) = parsed.writable_by_others()
            {
                diags.push(writable_by_others(&reference, mode));
            }
            let at = reference.describe();
            let (summary, what) = match why {
                Unusable::WorkspaceLevel => (
                    PROFILE_WORKSPACE_LEVEL,
                    format!(
                        "The {at} has no account_id, so it is a workspace-level profile{}; this \
                         provider calls only account APIs.",
                        found
                            .host
                            .as_deref()
                            .and_then(shown_host)
                            .map(|h| format!(" (host {h})"))
                            .unwrap_or_default()
                    ),
                ),
                Unusable::NoClientCredentials { missing } => (
                    PROFILE_NO_CLIENT_CREDENTIALS,
                    if found.has_token {
                        format!(
                            "The {at} has a personal access token (`token`) but no OAuth client \
                             credentials ({} missing), and this provider signs in only as a \
                             service principal.",
                            and_list(&missing)
                        )
                    } else {
                        format!(
                            "The {at} has no OAuth client credentials ({} missing{}), and this \
                             provider signs in only as a service principal.",
                            and_list(&missing),
                            found
                                .auth_type
                                .as_deref()
                                .map(|t| format!("; it sets auth_type = {t}"))
                                .unwrap_or_default()
                        )
                    },
                ),
                Unusable::InvalidValue { key, reason } => {
                    report.invalid_value(diags, format!("In the {at}, `{key}` {reason}."));
                    return None;
                }
            };
            report.profile_problem(diags, summary, what);
            None
        }
    }
}

/// The file that holds the client secret in use can be written by others: they could point
/// `host` at a server of theirs and collect the secret.
fn writable_by_others(reference: &ProfileRef, mode: u32) -> Diagnostic {
    let file = reference.file.display();
    Diagnostic::warning(
        CONFIG_FILE_WRITABLE,
        format!(
            "{file} holds the client secret of profile \"{}\" and can be written by users other than \
             its owner (mode {mode:o}): whoever can write it can point `host` at a server of \
             theirs and collect the secret. Make it private, for example with `chmod 600 {file}`.",
            reference.name
        ),
    )
}

/// Turns a profile's problem into the diagnostic its [`Asked`] calls for.
struct Report<'a> {
    asked: Asked,
    name: &'a str,
    file_from_argument: bool,
}

impl Report<'_> {
    /// The file cannot be read: an error when `profile` or `config_file` asked for it, a
    /// warning when only DATABRICKS_CONFIG_PROFILE did.
    fn file_problem(&self, diags: &mut Diagnostics, what: String) {
        if self.file_from_argument {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE_UNREADABLE,
                    format!(
                        "{what} Set `config_file` to the path of a readable Databricks config \
                         file, or remove it to use ~/.databrickscfg."
                    ),
                )
                .at(ProviderAttr::ConfigFile.path()),
            );
            return;
        }
        match self.asked {
            Asked::Argument => diags.push(
                Diagnostic::error(
                    CONFIG_FILE_UNREADABLE,
                    format!(
                        "{what} `profile` asks for profile \"{}\" from it. Write the profile into \
                         that file, set `config_file` (or DATABRICKS_CONFIG_FILE) to the file \
                         that has it, or remove `profile`.",
                        self.name,
                    ),
                )
                .at(ProviderAttr::Profile.path()),
            ),
            Asked::Variable => diags.push(self.variable_warning(CONFIG_FILE_UNREADABLE, &what)),
            Asked::Unasked => {}
        }
    }

    /// The profile is missing or cannot supply management credentials.
    fn profile_problem(&self, diags: &mut Diagnostics, summary: &str, what: String) {
        match self.asked {
            Asked::Argument => diags.push(
                Diagnostic::error(
                    summary,
                    format!(
                        "{what} Set `profile` to an account-level profile: one with \
                         account_id, client_id and client_secret of an account-admin service \
                         principal. Or remove `profile`."
                    ),
                )
                .at(ProviderAttr::Profile.path()),
            ),
            Asked::Variable => diags.push(self.variable_warning(summary, &what)),
            Asked::Unasked => {}
        }
    }

    /// An account-level profile with a malformed value: as any unusable profile, and for an
    /// unasked `DEFAULT` a warning too, since its owner meant it for account APIs and would
    /// otherwise never learn why the provider goes on without management credentials.
    fn invalid_value(&self, diags: &mut Diagnostics, what: String) {
        if self.asked != Asked::Unasked {
            self.profile_problem(diags, PROFILE_INVALID_VALUE, what);
            return;
        }
        diags.push(Diagnostic::warning(
            PROFILE_INVALID_VALUE,
            format!(
                "{what} Nothing asked for profile \"{}\": it is read because nothing else \
                 configures the provider, and it is ignored, so the provider goes on without \
                 management credentials. Correct the value, or set the provider's account_id, \
                 client_id and client_secret.",
                self.name
            ),
        ));
    }

    fn variable_warning(&self, summary: &str, what: &str) -> Diagnostic {
        Diagnostic::warning(
            summary,
            format!(
                "DATABRICKS_CONFIG_PROFILE is \"{}\". {what} The variable may be set for the \
                 official Databricks provider, so this provider ignores the profile and goes on \
                 without it. To use a profile with this provider, set `profile` on its block to \
                 an account-level profile.",
                self.name
            ),
        )
        .at(ProviderAttr::Profile.path())
    }
}
