//! Schema of the `provider "databricks"` block, one entry per [`ProviderAttr`].

use crate::protocol::cty::Type;
use crate::protocol::schema::{Attribute, Schema};

use super::attributes::ProviderAttr;

pub fn provider_schema() -> Schema {
    Schema::new(
        0,
        "Verifies and records Okta Workflows connections to Databricks. Every argument is \
         optional; set the management credentials to refresh many connections with one token.",
        ProviderAttr::ALL.into_iter().map(definition).collect(),
    )
}

/// The default of the provider argument `name`, for the docs; `None` for one without.
pub fn argument_default(name: &str) -> Option<String> {
    ProviderAttr::ALL
        .into_iter()
        .find(|a| a.name() == name)
        .and_then(ProviderAttr::default_value)
}

/// The schema entry of one attribute.
fn definition(attr: ProviderAttr) -> Attribute {
    let name = attr.name();
    let default = attr.default_value().unwrap_or_default();
    match attr {
        ProviderAttr::Host => Attribute::optional(name, Type::String).describe(
            "Account console base URL used for every connection, overriding the per-cloud \
             default (`https://accounts.cloud.databricks.com`, \
             `https://accounts.azuredatabricks.net`, `https://accounts.gcp.databricks.com`; \
             set to one of these, it changes nothing: each connection keeps its own cloud's \
             console). Use it for government clouds, a proxy or the bundled emulator. \
             `http://` is accepted only for loopback addresses; without a scheme, \
             `https://` is assumed. A workspace URL is never used for account API calls: it \
             is ignored with a warning. Environment variable: `DATABRICKS_HOST`.",
        ),
        ProviderAttr::AccountId => Attribute::optional(name, Type::String).describe(
            "Databricks account ID (UUID) the management credentials belong to. Environment \
             variable: `DATABRICKS_ACCOUNT_ID`.",
        ),
        ProviderAttr::ClientId => Attribute::optional(name, Type::String).describe(
            "Application ID (UUID) of an account-admin service principal used as management \
             credentials: refresh and import of connections in `account_id` then use one token \
             for all reads instead of each connection's own secret. Environment variable: \
             `DATABRICKS_CLIENT_ID`.",
        ),
        ProviderAttr::ClientSecret => Attribute::optional(name, Type::String)
            .describe(
                "OAuth secret of the management service principal. Environment variable: \
                 `DATABRICKS_CLIENT_SECRET`.",
            )
            .sensitive(),
        ProviderAttr::Profile => Attribute::optional(name, Type::String).describe(
            "Name of a Databricks config profile to read the management credentials \
             (`account_id`, `client_id`, `client_secret`) and `host` from, such as one \
             written by the Databricks CLI. Each setting comes from this block's argument, \
             else its environment variable, else the profile. A profile that does not exist \
             or holds no OAuth client credentials of an account is an error. Without it (and \
             without `DATABRICKS_CONFIG_PROFILE`), the `DEFAULT` profile is used only when it \
             is complete and nothing else sets the host or credentials. Environment \
             variable: `DATABRICKS_CONFIG_PROFILE` (an unusable profile it names is a \
             warning and is ignored).",
        ),
        ProviderAttr::ConfigFile => Attribute::optional(name, Type::String).describe(
            "Path of the Databricks config file that holds the profiles. Default \
             `~/.databrickscfg`. Environment variable: `DATABRICKS_CONFIG_FILE`.",
        ),
        ProviderAttr::HttpTimeoutSeconds => Attribute::optional(name, Type::Number).describe(
            &format!("Timeout of one HTTP request, in seconds. Default `{default}`."),
        ),
        ProviderAttr::RetryTimeoutSeconds => {
            Attribute::optional(name, Type::Number).describe(&format!(
                "Total time one operation may spend retrying rate-limited or temporarily \
                 unavailable requests, in seconds. Default `{default}`."
            ))
        }
        ProviderAttr::RateLimit => Attribute::optional(name, Type::Number).describe(&format!(
            "Maximum requests per second to one account host. Default `{default}`. \
             Environment variable: `DATABRICKS_RATE_LIMIT`."
        )),
    }
}
