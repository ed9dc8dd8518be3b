# The secret as a write-only argument (Terraform 1.11 or later): it is used to verify the
# connection and never written to plan or state. An ephemeral variable keeps it out of both
# as well; set it with TF_VAR_okta_sp_client_secret_wo or -var on every plan and apply.
variable "okta_sp_client_secret_wo" {
  description = "OAuth secret of the service principal, for the write-only argument."
  type        = string
  ephemeral   = true
}

resource "databricks_workflow_connection" "write_only" {
  name             = "Databricks analytics (write-only secret)"
  cloud_provider   = "aws"
  account_id       = "0d2a7b1c-1234-4abc-9def-0123456789ab"
  client_id        = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
  client_secret_wo = var.okta_sp_client_secret_wo
  # Terraform cannot see a write-only value change: raise this number whenever the secret
  # changes, and the next apply verifies the new one.
  client_secret_wo_version = 1
  service_principal_id     = "2323502488275632"
  secret_id                = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110"
  expiry_warning_days      = 45
}
