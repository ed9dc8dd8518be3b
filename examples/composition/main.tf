# Composition: the official Databricks provider mints the service principal's OAuth secret,
# and this provider verifies and records the Okta Workflows connection that uses it. The
# secret never leaves Terraform: it goes from one resource to the other through state.
#
# Both providers are called "databricks" in their registries, and every resource type of
# both starts with `databricks_`, so the official one gets its own local name (`dbx`) and
# its resources say `provider = dbx`.
terraform {
  required_version = ">= 1.11"
  required_providers {
    databricks = {
      source = "terraform.local/okta-workflows/databricks"
    }
    dbx = {
      source = "databricks/databricks"
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

# The official provider at account level. It reads its own credentials from
# DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET.
provider "dbx" {
  host       = "https://accounts.cloud.databricks.com"
  account_id = var.account_id
}

# No configuration needed: each connection is checked with its own secret.
provider "databricks" {}

# A fresh OAuth secret for the service principal (Databricks caps its lifetime at 730 days;
# replace this resource to rotate it).
resource "databricks_service_principal_secret" "okta_workflows" {
  provider             = dbx
  service_principal_id = var.service_principal_id
}

# The connection: verified against the account API before it is recorded, re-checked on
# every plan. Replacing the secret above replaces the connection with a verified new one.
resource "databricks_workflow_connection" "okta_workflows" {
  name                 = "Databricks (managed by Terraform)"
  description          = "OAuth secret minted and rotated by the official Databricks provider"
  cloud_provider       = "aws"
  account_id           = var.account_id
  client_id            = var.service_principal_application_id
  client_secret        = databricks_service_principal_secret.okta_workflows.secret
  service_principal_id = var.service_principal_id
  secret_id            = databricks_service_principal_secret.okta_workflows.id
}

output "connection_id" {
  value = databricks_workflow_connection.okta_workflows.id
}

output "connection_status" {
  value = databricks_workflow_connection.okta_workflows.status
}

output "secret_expire_time" {
  description = "Rotate the secret before this time."
  value       = databricks_workflow_connection.okta_workflows.secret_expire_time
}
