//! Schema of `databricks_workflow_connection`, one entry per [`Attr`].

use crate::protocol::cty::Type;
use crate::protocol::schema::{Attribute, Schema};

use super::attributes::{Attr, Status};
use super::model::DEFAULT_EXPIRY_WARNING_DAYS;

pub const TYPE_NAME: &str = "databricks_workflow_connection";

/// Bumped whenever the stored shape changes; `UpgradeResourceState` must then accept every
/// earlier version. 1: `id` starts with the cloud provider (it is the import ID).
pub const SCHEMA_VERSION: i64 = 1;

pub fn schema() -> Schema {
    Schema::new(
        SCHEMA_VERSION,
        "An Okta Workflows connection to Databricks: a service principal's OAuth credentials, \
         checked against the Databricks account API before they are recorded and re-checked on \
         every plan, so a revoked secret, a lost Account Admin role, a deactivated principal or \
         an expired secret shows up as drift.",
        Attr::ALL.into_iter().map(definition).collect(),
    )
}

/// The schema entry of one attribute.
fn definition(attr: Attr) -> Attribute {
    let name = attr.name();
    match attr {
        Attr::Name => Attribute::required(name, Type::String).describe(
            "Connection name shown in Okta Workflows. Not blank; at most 100 characters.",
        ),
        Attr::Description => Attribute::optional(name, Type::String)
            .describe("Free-text description of the connection. At most 1000 characters."),
        Attr::CloudProvider => Attribute::required(name, Type::String).describe(
            "Cloud of the Databricks account: `aws`, `azure` or `gcp`. Selects the account \
             host unless the provider's `host` overrides it. Changing it replaces the connection.",
        ),
        Attr::AccountId => Attribute::required(name, Type::String)
            .describe("Databricks account ID (UUID). Changing it replaces the connection."),
        Attr::ClientId => Attribute::required(name, Type::String).describe(
            "OAuth client ID of the service principal, i.e. its application ID (UUID). \
             Changing it replaces the connection.",
        ),
        Attr::ClientSecret => Attribute::optional(name, Type::String)
            .describe(
                "OAuth secret of the service principal. Stored in state (marked sensitive). \
                 Set exactly one of `client_secret` and `client_secret_wo`. Changing it \
                 re-verifies the connection in place.",
            )
            .sensitive(),
        Attr::ClientSecretWo => Attribute::optional(name, Type::String)
            .describe(
                "Write-only alternative to `client_secret` (Terraform 1.11 or later): used to \
                 verify the connection, never stored in plan or state. Pair it with \
                 `client_secret_wo_version` and change that number whenever the secret \
                 changes.",
            )
            // Not marked sensitive: a write-only value is never stored or shown anyway, and
            // Terraform 1.11 orders a resource's sensitive paths randomly in state and counts
            // a new order as a change, so a second sensitive attribute made
            // `plan -refresh-only -detailed-exitcode` exit 2 on every other run.
            .write_only(),
        Attr::ClientSecretWoVersion => Attribute::optional(name, Type::Number).describe(
            "Version of `client_secret_wo`; only valid with it. Changing it re-verifies the \
             connection with the current write-only secret.",
        ),
        Attr::ServicePrincipalId => Attribute::required(name, Type::String).describe(
            "The service principal's numeric ID (its SCIM `id`, shown as \"integer ID\" in the \
             account console), decimal digits; leading zeros name the same principal. Changing \
             it replaces the connection.",
        ),
        Attr::SecretId => Attribute::required(name, Type::String).describe(
            "ID of the OAuth secret, hexadecimal digits (shown under OAuth secrets in the \
             account console). Changing it replaces the connection.",
        ),
        Attr::ExpiryWarningDays => {
            Attribute::optional_computed(name, Type::Number).describe(&format!(
                "Plans warn when the secret expires within this many days. Whole number, 0 or \
                 more; default `{DEFAULT_EXPIRY_WARNING_DAYS}`; `0` turns the warning off."
            ))
        }
        Attr::RevokeSecretOnDestroy => Attribute::optional_computed(name, Type::Bool).describe(
            "When `true`, destroying the connection also deletes the OAuth secret in \
             Databricks (a secret that is already gone counts as deleted). Default `false`: \
             destroy only forgets the record.",
        ),
        Attr::Id => Attribute::computed(name, Type::String).describe(
            "`<cloud_provider>/<account_id>/<service_principal_id>/<secret_id>`: also the \
             import ID.",
        ),
        Attr::ServicePrincipalName => Attribute::computed(name, Type::String)
            .describe("Display name of the service principal, as last observed."),
        Attr::SecretCreateTime => Attribute::computed(name, Type::String)
            .describe("When the OAuth secret was created (RFC 3339), as last observed."),
        Attr::SecretExpireTime => Attribute::computed(name, Type::String)
            .describe("When the OAuth secret expires (RFC 3339); null when it never expires."),
        Attr::VerifiedAt => Attribute::computed(name, Type::String).describe(
            "When create or update last verified every check (RFC 3339). Refresh does not \
             change it.",
        ),
        Attr::Status => {
            let list = Status::ALL
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ");
            Attribute::computed(name, Type::String).describe(&format!(
                "Outcome of the last check: {list}. Every refresh checks again. Anything but \
                 `{}` and `{}` plans an in-place update that re-verifies the connection; in the \
                 plan of a create or of such an update the status is unknown (known after \
                 apply), so a plan never claims an outcome before a check.",
                Status::Verified,
                Status::Unchecked,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::schema::Presence;

    #[test]
    fn arguments_are_set_in_configuration_and_the_rest_is_computed() {
        for attr in Attr::ALL {
            let presence = definition(attr).presence;
            assert_eq!(
                attr.is_argument(),
                presence != Presence::Computed,
                "{attr}: {presence:?}"
            );
        }
    }
}
