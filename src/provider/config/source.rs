//! Where each setting of the provider came from: its argument, its environment variable, or
//! the Databricks config profile in use.

use std::path::PathBuf;

use crate::provider::attributes::ProviderAttr;

/// Where one setting came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Source {
    /// The provider block's argument.
    Argument,
    /// The environment variable of the attribute.
    Variable(ProviderAttr),
    /// The config profile in use.
    Profile,
    /// Derived from a workspace host (the account console of its cloud).
    Derived,
}

#[derive(Clone, Debug)]
pub(super) struct Sourced<T> {
    pub(super) value: T,
    pub(super) source: Source,
}

/// The first of argument, variable (with the attribute it stands in for) and profile that has
/// a value.
pub(super) fn first<T>(
    (argument, variable): (Option<T>, Option<(ProviderAttr, T)>),
    profile: Option<T>,
) -> Option<Sourced<T>> {
    let sourced = |source| move |value| Sourced { value, source };
    argument
        .map(sourced(Source::Argument))
        .or_else(|| {
            variable.map(|(attr, value)| Sourced {
                value,
                source: Source::Variable(attr),
            })
        })
        .or_else(|| profile.map(sourced(Source::Profile)))
}

/// The environment variable that stands in for `attr` (empty for one without).
pub(super) fn variable_name(attr: ProviderAttr) -> &'static str {
    attr.variable().unwrap_or_default()
}

/// The profile in use, for messages.
#[derive(Clone, Debug)]
pub(super) struct ProfileRef {
    pub(super) name: String,
    pub(super) file: PathBuf,
}

impl ProfileRef {
    pub(super) fn describe(&self) -> String {
        format!("profile \"{}\" in {}", self.name, self.file.display())
    }
}
