# The values the Okta Workflows connection form asks for, once the apply has verified them:
#   terraform output okta_connection
#   terraform output -raw okta_client_secret
output "okta_connection" {
  description = "Paste into the Databricks connection form in the Okta Workflows console."
  value = {
    name                 = databricks_workflow_connection.analytics.name
    description          = databricks_workflow_connection.analytics.description
    cloud_provider       = databricks_workflow_connection.analytics.cloud_provider
    account_id           = databricks_workflow_connection.analytics.account_id
    client_id            = databricks_workflow_connection.analytics.client_id
    service_principal_id = databricks_workflow_connection.analytics.service_principal_id
    secret_id            = databricks_workflow_connection.analytics.secret_id
  }
}

output "okta_client_secret" {
  description = "The client secret for the same form."
  value       = databricks_workflow_connection.analytics.client_secret
  sensitive   = true
}
