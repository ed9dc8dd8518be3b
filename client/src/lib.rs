//! Client for the Databricks account API: OAuth M2M, SCIM service principals and OAuth secrets.
