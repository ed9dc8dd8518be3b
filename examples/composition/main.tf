# Composition: the official Databricks provider mints and rotates the service principal's
# OAuth secret, and this provider verifies and records the Okta Workflows connection that uses
# it. The secret never leaves Terraform: it goes from one resource to the other through state.
#
# Both providers are called "databricks" in their registries, and every resource type of both
# starts with `databricks_`. The official provider keeps the local name `databricks`, as in
# every existing Databricks configuration; this one is `okta-databricks` (a local name may hold
# dashes, not underscores, as in `google-beta`), so its resources say
# `provider = okta-databricks`.
#
# Environment variables. The official provider reads DATABRICKS_HOST, DATABRICKS_ACCOUNT_ID,
# DATABRICKS_CLIENT_ID, DATABRICKS_CLIENT_SECRET, DATABRICKS_CONFIG_PROFILE,
# DATABRICKS_CONFIG_FILE, DATABRICKS_AUTH_TYPE and DATABRICKS_TOKEN (and ARM_* or GOOGLE_* for
# other ways to sign in). Configured as below, it signs in with DATABRICKS_CLIENT_ID and
# DATABRICKS_CLIENT_SECRET; `host` and `account_id` in its block win over the variables. CI
# often sets more of them for it, such as a workspace DATABRICKS_HOST and a
# DATABRICKS_CONFIG_PROFILE that names a workspace profile.
#
# This provider reads the DATABRICKS_* variables of the same names (never DATABRICKS_AUTH_TYPE,
# DATABRICKS_TOKEN, ARM_* or GOOGLE_*), and with this configuration it ignores the official
# provider's:
#   - DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET without an account ID are not complete
#     management credentials: ignored, with one warning. (Setting DATABRICKS_ACCOUNT_ID too
#     would make this provider use them, to refresh connections of that account.)
#   - DATABRICKS_HOST: `host` below wins when set; a workspace URL is never used for account
#     API calls either way (a warning names the account console used instead).
#   - DATABRICKS_CONFIG_PROFILE naming a workspace profile: ignored, with one warning.
# Each connection is then checked with its own secret.
terraform {
  required_version = ">= 1.11"
  required_providers {
    databricks = {
      source = "databricks/databricks"
    }
    okta-databricks = {
      source = "terraform.local/okta-workflows/databricks"
    }
    time = {
      source = "hashicorp/time"
    }
  }
}

variable "account_id" {
  description = "Databricks account ID (UUID)."
  type        = string
  default     = "0d2a7b1c-1234-4abc-9def-0123456789ab"
}

variable "service_principal_id" {
  description = "Numeric (SCIM) ID of the service principal Okta Workflows signs in as; it must hold the Account Admin role."
  type        = string
  default     = "2323502488275632"
}

variable "service_principal_application_id" {
  description = "Application ID (UUID) of that service principal: its OAuth client ID."
  type        = string
  default     = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
}

variable "rotation_days" {
  description = "Days between secret rotations (Databricks caps a secret's lifetime at 730 days)."
  type        = number
  default     = 90
}

variable "okta_databricks_host" {
  description = "Account API base URL for this provider: only for a proxy, a government cloud or the emulator. Null: each connection's per-cloud account console."
  type        = string
  default     = null
}

# The official provider at account level, as its documentation shows: host and account ID
# here, the OAuth credentials from DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET.
provider "databricks" {
  host       = "https://accounts.cloud.databricks.com"
  account_id = var.account_id
}

# This provider: no management credentials, each connection is checked with its own secret.
provider "okta-databricks" {
  host = var.okta_databricks_host
}

# A new secret every `rotation_days`: when the timestamp rotates, the trigger below changes and
# the official provider replaces the secret.
resource "time_rotating" "okta_workflows_secret" {
  rotation_days = var.rotation_days
}

resource "databricks_service_principal_secret" "okta_workflows" {
  service_principal_id = var.service_principal_id
  time_rotating        = "Terraform (created: ${time_rotating.okta_workflows_secret.rfc3339})"
}

# The connection: verified against the account API before it is recorded, re-checked on every
# plan. A rotated secret has a new secret ID, which replaces the connection; with
# create_before_destroy (which Terraform extends to the secret it depends on) the new secret
# and the new, verified connection exist before the old ones go, so Okta Workflows always has
# a working secret.
#
# revoke_secret_on_destroy stays false (the default): the official provider deletes the old
# secret in Databricks itself when it replaces `databricks_service_principal_secret`, so
# revoking it here too would only duplicate that call.
resource "databricks_workflow_connection" "okta_workflows" {
  provider = okta-databricks

  name                 = "Databricks (managed by Terraform)"
  description          = "OAuth secret minted and rotated by the official Databricks provider"
  cloud_provider       = "aws"
  account_id           = var.account_id
  client_id            = var.service_principal_application_id
  client_secret        = databricks_service_principal_secret.okta_workflows.secret
  service_principal_id = var.service_principal_id
  secret_id            = databricks_service_principal_secret.okta_workflows.id

  lifecycle {
    create_before_destroy = true
  }
}

output "connection_id" {
  value = databricks_workflow_connection.okta_workflows.id
}

output "connection_status" {
  value = databricks_workflow_connection.okta_workflows.status
}

output "secret_expire_time" {
  description = "The secret's own expiry; rotation replaces it long before."
  value       = databricks_workflow_connection.okta_workflows.secret_expire_time
}
