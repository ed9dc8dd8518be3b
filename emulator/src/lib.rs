//! A local stand-in for the Databricks account API.
