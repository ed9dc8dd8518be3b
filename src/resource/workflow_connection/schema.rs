//! Schema of `databricks_workflow_connection` (DESIGN §4).

use crate::protocol::cty::Type;
use crate::protocol::schema::{Attribute, Schema};

pub const TYPE_NAME: &str = "databricks_workflow_connection";

/// Bumped whenever the stored shape changes; `UpgradeResourceState` must then accept every
/// earlier version. 1: `id` starts with the cloud provider (it is the import ID).
pub const SCHEMA_VERSION: i64 = 1;

pub const STATUS_VALUES: [&str; 10] = [
    "verified",
    "credentials_rejected",
    "service_principal_not_found",
    "service_principal_inactive",
    "not_account_admin",
    "client_id_mismatch",
    "secret_not_found",
    "secret_inactive",
    "secret_expired",
    "unchecked",
];

pub fn schema() -> Schema {
    let status_list = STATUS_VALUES
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Schema::new(
        SCHEMA_VERSION,
        "An Okta Workflows connection to Databricks: a service principal's OAuth credentials, \
         checked against the Databricks account API before they are recorded and re-checked on \
         every plan, so a revoked secret, a lost Account Admin role, a deactivated principal or \
         an expired secret shows up as drift.",
        vec![
            Attribute::required("name", Type::String)
                .describe("Connection name shown in Okta Workflows. Not blank; at most 100 characters."),
            Attribute::optional("description", Type::String)
                .describe("Free-text description of the connection. At most 1000 characters."),
            Attribute::required("cloud_provider", Type::String).describe(
                "Cloud of the Databricks account: `aws`, `azure` or `gcp`. Selects the account \
                 host unless the provider's `host` overrides it. Changing it replaces the connection.",
            ),
            Attribute::required("account_id", Type::String).describe(
                "Databricks account ID (UUID). Changing it replaces the connection.",
            ),
            Attribute::required("client_id", Type::String).describe(
                "OAuth client ID of the service principal, i.e. its application ID (UUID). \
                 Changing it replaces the connection.",
            ),
            Attribute::optional("client_secret", Type::String)
                .describe(
                    "OAuth secret of the service principal. Stored in state (marked sensitive). \
                     Set exactly one of `client_secret` and `client_secret_wo`. Changing it \
                     re-verifies the connection in place.",
                )
                .sensitive(),
            Attribute::optional("client_secret_wo", Type::String)
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
            Attribute::optional("client_secret_wo_version", Type::Number).describe(
                "Version of `client_secret_wo`; only valid with it. Changing it re-verifies the \
                 connection with the current write-only secret.",
            ),
            Attribute::required("service_principal_id", Type::String).describe(
                "The service principal's numeric ID (its SCIM `id`, shown as \"integer ID\" in the \
                 account console), decimal digits. Changing it replaces the connection.",
            ),
            Attribute::required("secret_id", Type::String).describe(
                "ID of the OAuth secret (shown under OAuth secrets in the account console). \
                 Changing it replaces the connection.",
            ),
            Attribute::optional_computed("expiry_warning_days", Type::Number).describe(
                "Plans warn when the secret expires within this many days. Whole number, 0 or \
                 more; default `30`; `0` turns the warning off.",
            ),
            Attribute::optional_computed("revoke_secret_on_destroy", Type::Bool).describe(
                "When `true`, destroying the connection also deletes the OAuth secret in \
                 Databricks (a secret that is already gone counts as deleted). Default `false`: \
                 destroy only forgets the record.",
            ),
            Attribute::computed("id", Type::String).describe(
                "`<cloud_provider>/<account_id>/<service_principal_id>/<secret_id>`: also the \
                 import ID.",
            ),
            Attribute::computed("service_principal_name", Type::String)
                .describe("Display name of the service principal, as last observed."),
            Attribute::computed("secret_create_time", Type::String)
                .describe("When the OAuth secret was created (RFC 3339), as last observed."),
            Attribute::computed("secret_expire_time", Type::String).describe(
                "When the OAuth secret expires (RFC 3339); null when it never expires.",
            ),
            Attribute::computed("verified_at", Type::String).describe(
                "When create or update last verified every check (RFC 3339). Refresh does not \
                 change it.",
            ),
            Attribute::computed("status", Type::String).describe(&format!(
                "Outcome of the last check: {status_list}. Every refresh checks again. Anything \
                 but `verified` and `unchecked` plans an in-place update that re-verifies the \
                 connection; in the plan of a create or of such an update the status is \
                 unknown (known after apply), so a plan never claims an outcome before a check."
            )),
        ],
    )
}
