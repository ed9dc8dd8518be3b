terraform {
  required_providers {
    databricks = {
      source = "terraform.local/okta-workflows/databricks"
    }
  }
}

variable "okta_sp_client_secret" {
  description = "OAuth secret of the service principal Okta Workflows signs in as."
  type        = string
  sensitive   = true
}

# Checked against the Databricks account API before it is recorded; every plan re-checks it.
resource "databricks_workflow_connection" "analytics" {
  name                 = "Databricks analytics"
  description          = "Okta Workflows flows that provision Databricks users"
  cloud_provider       = "aws"
  account_id           = "0d2a7b1c-1234-4abc-9def-0123456789ab"
  client_id            = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
  client_secret        = var.okta_sp_client_secret
  service_principal_id = "2323502488275632"
  secret_id            = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110"

  # A new OAuth secret has a new secret_id, which replaces the connection: create and verify
  # the new connection before the old one is forgotten.
  lifecycle {
    create_before_destroy = true
  }
}
