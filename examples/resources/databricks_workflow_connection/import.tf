# The import ID is the connection's `id`: <cloud_provider>/<account_id>/<service_principal_id>/<secret_id>.
import {
  to = databricks_workflow_connection.analytics
  id = "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110"
}
