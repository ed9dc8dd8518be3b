# A fleet of connections with the two checks a scheduled drift job reads: every connection
# passed its last check, and no OAuth secret expires soon. Check blocks are evaluated after
# every refresh, so `terraform plan -refresh-only` reports them as warnings; HCP Terraform
# health assessments run them too.
terraform {
  required_providers {
    databricks = {
      source = "terraform.local/okta-workflows/databricks"
    }
  }
}

variable "connections" {
  description = "The connections by key, everything but their secrets."
  type = map(object({
    name                 = string
    cloud_provider       = string
    account_id           = string
    client_id            = string
    service_principal_id = string
    secret_id            = string
  }))
}

variable "client_secrets" {
  description = "The OAuth secret of each connection, by the same keys."
  type        = map(string)
  sensitive   = true
}

variable "rotate_days_before_expiry" {
  description = "How many days before its expiry a secret counts as due for rotation."
  type        = number
  default     = 30
}

resource "databricks_workflow_connection" "okta" {
  for_each = var.connections

  name                 = each.value.name
  cloud_provider       = each.value.cloud_provider
  account_id           = each.value.account_id
  client_id            = each.value.client_id
  client_secret        = var.client_secrets[each.key]
  service_principal_id = each.value.service_principal_id
  secret_id            = each.value.secret_id
  expiry_warning_days  = var.rotate_days_before_expiry

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  # Connections whose last check failed, with their status. In the plan of a create or of an
  # update that checks, the status is not known yet, and neither is this map.
  failing = {
    for key, c in databricks_workflow_connection.okta : key => c.status
    if c.status != "verified"
  }

  # Secrets that expire before this time are due for rotation.
  rotate_by = timeadd(plantimestamp(), "${var.rotate_days_before_expiry * 24}h")

  # A null expiry means the secret never expires. Terraform evaluates both sides of `||`, so
  # the test for null is a conditional, which evaluates only the side it picks.
  expiring = {
    for key, c in databricks_workflow_connection.okta : key => c.secret_expire_time
    if c.secret_expire_time != null ? timecmp(c.secret_expire_time, local.rotate_by) <= 0 : false
  }
}

check "connections_verified" {
  assert {
    condition     = length(local.failing) == 0
    error_message = "Connections that failed their last check (key = status): ${jsonencode(local.failing)}. See the status table in the drift detection guide."
  }
}

check "secrets_not_expiring" {
  assert {
    condition     = length(local.expiring) == 0
    error_message = "OAuth secrets that expire within ${var.rotate_days_before_expiry} days (key = expiry): ${jsonencode(local.expiring)}. Rotate them."
  }
}
