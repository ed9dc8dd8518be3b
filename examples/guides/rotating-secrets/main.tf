# Rotating an Okta Workflows connection's OAuth secret by hand. The secret ID and the secret
# come from variables: to rotate, generate a new secret for the service principal in the
# Databricks account console, set both variables to the new values and apply. The new secret
# ID replaces the connection; create_before_destroy verifies the new connection before the old
# one is forgotten, so a mistyped secret fails the apply and leaves the old record in place.
terraform {
  required_providers {
    databricks = {
      source = "terraform.local/okta-workflows/databricks"
    }
  }
}

variable "secret_id" {
  description = "ID of the OAuth secret the connection uses (Secrets tab of the service principal)."
  type        = string
}

variable "client_secret" {
  description = "The OAuth secret itself, shown once when it is generated."
  type        = string
  sensitive   = true
}

resource "databricks_workflow_connection" "okta" {
  name                 = "Databricks (Okta Workflows)"
  description          = "Rotated by hand: new secret in the console, then terraform apply"
  cloud_provider       = "aws"
  account_id           = "0d2a7b1c-1234-4abc-9def-0123456789ab"
  client_id            = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
  client_secret        = var.client_secret
  service_principal_id = "2323502488275632"
  secret_id            = var.secret_id

  # Warn in every plan from 30 days before the secret expires.
  expiry_warning_days = 30

  lifecycle {
    create_before_destroy = true
  }
}

output "secret_id" {
  description = "The secret ID now recorded; paste it into the Okta Workflows connection."
  value       = databricks_workflow_connection.okta.secret_id
}

output "client_secret" {
  description = "The secret now recorded: terraform output -raw client_secret."
  value       = databricks_workflow_connection.okta.client_secret
  sensitive   = true
}

output "secret_expire_time" {
  description = "When the recorded secret expires; rotate before then."
  value       = databricks_workflow_connection.okta.secret_expire_time
}
