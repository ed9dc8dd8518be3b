# `terraform test` against the account API (or the bundled emulator, as the provider's own
# test suite runs it). Assert on `status` in runs that apply: a `command = plan` run of a
# new connection cannot know it — the status is unknown until the check has run.

run "a_new_connection_is_verified_by_its_apply" {
  command = apply

  assert {
    condition     = databricks_workflow_connection.analytics.status == "verified"
    error_message = "The connection was not verified: ${databricks_workflow_connection.analytics.status}."
  }

  assert {
    condition     = databricks_workflow_connection.analytics.verified_at != null
    error_message = "An apply that verified the connection records when."
  }
}

run "the_refresh_of_a_healthy_connection_keeps_it_verified" {
  command = plan

  # This run plans against the state of the run before it: the refresh re-checks the
  # connection, and with nothing to change the status stays known.
  assert {
    condition     = databricks_workflow_connection.analytics.status == "verified"
    error_message = "A refresh found drift: ${databricks_workflow_connection.analytics.status}."
  }
}
