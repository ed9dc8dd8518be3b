# Health checks on a connection: `status` is what the last check of Databricks found, so
# assertions on it belong where a check has happened — a refresh (every plan, and
# `plan -refresh-only` drift jobs) or an apply. In the plan of a create or an update the
# status is unknown: no plan claims an outcome before the check.
terraform {
  required_version = ">= 1.11"
  required_providers {
    databricks = {
      source = "terraform.local/okta-workflows/databricks"
    }
  }
}

variable "host" {
  description = "Account API base URL; leave null for the per-cloud default."
  type        = string
  default     = null
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
  cloud_provider       = "aws"
  account_id           = "0d2a7b1c-1234-4abc-9def-0123456789ab"
  client_id            = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
  client_secret        = var.client_secret
  service_principal_id = "2323502488275632"
  secret_id            = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110"

  lifecycle {
    # Checked after every refresh and apply: a revoked secret, a lost role or a deactivated
    # principal becomes a visible failure (a warning in a refresh-only plan).
    postcondition {
      condition     = self.status == "verified"
      error_message = "The Okta Workflows connection to Databricks failed its check: ${self.status}."
    }
  }
}

# Continuous validation (HCP Terraform health assessments run check blocks) and the same
# signal in every `terraform plan -refresh-only`. A null expiry means the secret never
# expires; Terraform evaluates both sides of `||`, so the test for null is a conditional.
check "secret_not_expiring" {
  assert {
    condition = (
      databricks_workflow_connection.analytics.secret_expire_time == null ? true :
      timecmp(databricks_workflow_connection.analytics.secret_expire_time, timeadd(plantimestamp(), "720h")) > 0
    )
    error_message = "The connection's OAuth secret expires within 30 days: rotate it."
  }
}

output "status" {
  value = databricks_workflow_connection.analytics.status
}
