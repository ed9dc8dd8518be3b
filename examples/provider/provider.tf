terraform {
  required_providers {
    databricks = {
      source = "terraform.local/okta-workflows/databricks"
    }
  }
}

# Every argument is optional. With management credentials (an account-admin service
# principal), refreshes of connections in that account share one token.
provider "databricks" {
  account_id    = "0d2a7b1c-1234-4abc-9def-0123456789ab"
  client_id     = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
  client_secret = var.management_client_secret
}

# The same credentials can come from a Databricks config profile instead, an INI section with
# host (optional), account_id, client_id and client_secret:
#
#   provider "databricks" {
#     profile     = "okta-management"
#     config_file = "~/.databrickscfg" # the default
#   }
#
# Each setting comes from this block's argument, else its DATABRICKS_* environment variable,
# else the profile.

variable "management_client_secret" {
  type      = string
  sensitive = true
}
