# In place of a deleted resource block whose connection has revoke_secret_on_destroy = true:
# forgets the connection without destroying it, so its OAuth secret stays (Terraform >= 1.7).
removed {
  from = databricks_workflow_connection.analytics

  lifecycle {
    destroy = false
  }
}
