# Quickstart: one Okta Workflows connection to Databricks, verified against the bundled
# account API emulator. `bash scripts/quickstart.sh` runs it end to end.
terraform {
  required_providers {
    databricks = {
      source = "terraform.local/okta-workflows/databricks"
    }
  }
}

variable "host" {
  description = "Account API base URL; the quickstart script points it at the emulator."
  type        = string
}

variable "client_secret" {
  description = "OAuth secret of the service principal."
  type        = string
  sensitive   = true
}

provider "databricks" {
  host = var.host
}

resource "databricks_workflow_connection" "analytics" {
  name                 = "Databricks analytics"
  description          = "Okta Workflows flows that provision Databricks users"
  cloud_provider       = "aws"
  account_id           = "0d2a7b1c-1234-4abc-9def-0123456789ab"
  client_id            = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
  client_secret        = var.client_secret
  service_principal_id = "2323502488275632"
  secret_id            = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110"
}

output "status" {
  value = databricks_workflow_connection.analytics.status
}

output "secret_expire_time" {
  value = databricks_workflow_connection.analytics.secret_expire_time
}
