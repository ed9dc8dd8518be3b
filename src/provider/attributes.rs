//! The names of the provider block's attributes and of the environment variables that stand in
//! for them: the one place they are spelled. The schema and the configuration code name them
//! with [`ProviderAttr`], so a misspelling does not compile.

use std::fmt;

use databricks_account_client::{DEFAULT_HTTP_TIMEOUT, DEFAULT_RATE_LIMIT, DEFAULT_RETRY_TIMEOUT};

use crate::protocol::path::AttributePath;
use crate::validation::AttributeName;

/// An attribute of the `provider "databricks"` block, in schema order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderAttr {
    Host,
    AccountId,
    ClientId,
    ClientSecret,
    Profile,
    ConfigFile,
    HttpTimeoutSeconds,
    RetryTimeoutSeconds,
    RateLimit,
}

impl ProviderAttr {
    pub const ALL: [ProviderAttr; 9] = [
        ProviderAttr::Host,
        ProviderAttr::AccountId,
        ProviderAttr::ClientId,
        ProviderAttr::ClientSecret,
        ProviderAttr::Profile,
        ProviderAttr::ConfigFile,
        ProviderAttr::HttpTimeoutSeconds,
        ProviderAttr::RetryTimeoutSeconds,
        ProviderAttr::RateLimit,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            ProviderAttr::Host => "host",
            ProviderAttr::AccountId => "account_id",
            ProviderAttr::ClientId => "client_id",
            ProviderAttr::ClientSecret => "client_secret",
            ProviderAttr::Profile => "profile",
            ProviderAttr::ConfigFile => "config_file",
            ProviderAttr::HttpTimeoutSeconds => "http_timeout_seconds",
            ProviderAttr::RetryTimeoutSeconds => "retry_timeout_seconds",
            ProviderAttr::RateLimit => "rate_limit",
        }
    }

    /// The environment variable that stands in for the attribute, as in the Databricks SDKs.
    pub const fn variable(self) -> Option<&'static str> {
        match self {
            ProviderAttr::Host => Some("DATABRICKS_HOST"),
            ProviderAttr::AccountId => Some("DATABRICKS_ACCOUNT_ID"),
            ProviderAttr::ClientId => Some("DATABRICKS_CLIENT_ID"),
            ProviderAttr::ClientSecret => Some("DATABRICKS_CLIENT_SECRET"),
            ProviderAttr::Profile => Some("DATABRICKS_CONFIG_PROFILE"),
            ProviderAttr::ConfigFile => Some("DATABRICKS_CONFIG_FILE"),
            ProviderAttr::RateLimit => Some("DATABRICKS_RATE_LIMIT"),
            ProviderAttr::HttpTimeoutSeconds | ProviderAttr::RetryTimeoutSeconds => None,
        }
    }

    /// The value an unset numeric argument takes, as the docs write it. The numbers come from
    /// the client's defaults, their one source.
    pub fn default_value(self) -> Option<String> {
        match self {
            ProviderAttr::HttpTimeoutSeconds => Some(DEFAULT_HTTP_TIMEOUT.as_secs().to_string()),
            ProviderAttr::RetryTimeoutSeconds => Some(DEFAULT_RETRY_TIMEOUT.as_secs().to_string()),
            ProviderAttr::RateLimit => Some(DEFAULT_RATE_LIMIT.to_string()),
            _ => None,
        }
    }

    pub fn path(self) -> AttributePath {
        AttributePath::attr(self.name())
    }
}

impl AttributeName for ProviderAttr {
    fn name(self) -> &'static str {
        ProviderAttr::name(self)
    }
}

impl fmt::Display for ProviderAttr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_is_the_databricks_name_of_its_attribute() {
        for attr in ProviderAttr::ALL {
            if let Some(variable) = attr.variable() {
                let tail = variable
                    .trim_start_matches("DATABRICKS_")
                    .to_ascii_lowercase();
                assert!(
                    attr.name() == tail || attr.name() == tail.trim_start_matches("config_"),
                    "{attr}: {variable}"
                );
            }
        }
    }
}
