# Connections in three Databricks accounts on three clouds, from one configuration. Without a
# `host`, every connection goes to the account console of its own cloud_provider, so a single
# provider configuration can serve them all. Management credentials belong to one account,
# though: give each account that has them a provider configuration of its own (an alias), and
# point its connections at it with `provider = databricks.<alias>`.
terraform {
  required_providers {
    databricks = {
      source = "terraform.local/okta-workflows/databricks"
    }
  }
}

# Production account on AWS. Its management credentials (account_id, client_id and
# client_secret of an account-admin service principal) are in the profile [okta-aws-prod] of
# ~/.databrickscfg.
provider "databricks" {
  alias   = "aws_prod"
  profile = "okta-aws-prod"
}

# Account on Azure. Its management credentials come from variables.
provider "databricks" {
  alias         = "azure_prod"
  account_id    = "5e8c2f14-7a3b-4c9d-8e1f-2a4b6c8d0e1f"
  client_id     = var.azure_management_client_id
  client_secret = var.azure_management_client_secret
}

# The default configuration has no management credentials: connections that use it (here the
# GCP one) are checked with their own secret.
provider "databricks" {}

variable "azure_management_client_id" {
  description = "Application ID of the account-admin service principal of the Azure account."
  type        = string
}

variable "azure_management_client_secret" {
  description = "Its OAuth secret."
  type        = string
  sensitive   = true
}

variable "client_secrets" {
  description = "OAuth secret of each connection's own service principal: aws, azure and gcp."
  type        = map(string)
  sensitive   = true
}

resource "databricks_workflow_connection" "aws_analytics" {
  provider = databricks.aws_prod

  name                 = "Databricks analytics (AWS)"
  cloud_provider       = "aws"
  account_id           = "0d2a7b1c-1234-4abc-9def-0123456789ab"
  client_id            = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
  client_secret        = var.client_secrets["aws"]
  service_principal_id = "2323502488275632"
  secret_id            = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110"
}

resource "databricks_workflow_connection" "azure_hr" {
  provider = databricks.azure_prod

  name                 = "Databricks HR (Azure)"
  cloud_provider       = "azure"
  account_id           = "5e8c2f14-7a3b-4c9d-8e1f-2a4b6c8d0e1f"
  client_id            = "b3d5f7a9-1c2e-4f6a-8b0d-2e4f6a8c0b1d"
  client_secret        = var.client_secrets["azure"]
  service_principal_id = "7310442285619904"
  secret_id            = "4c1f9a7e2b8d6c3e5a0f1b9d7c2e4a6f8b0d3c5e7a9f1b2d4c6e8a0f2b4d6c8e"
}

# No `provider` argument: the default configuration.
resource "databricks_workflow_connection" "gcp_sandbox" {
  name                 = "Databricks sandbox (GCP)"
  cloud_provider       = "gcp"
  account_id           = "9b7a5c3e-1d2f-4a6b-8c0e-3f5a7b9d1c2e"
  client_id            = "e2c4a6b8-0d1f-4e3a-9c5b-7d9f1b3e5a70"
  client_secret        = var.client_secrets["gcp"]
  service_principal_id = "5521098734410076"
  secret_id            = "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1"
}
