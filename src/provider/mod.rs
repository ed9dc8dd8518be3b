//! The Databricks provider: its configuration and the resources it serves, as plain
//! functions over decoded values. Knows nothing of gRPC or msgpack.

pub mod config;
pub mod host;
pub mod schema;
pub mod validators;

use std::sync::{Mutex, PoisonError};

use tokio_util::sync::CancellationToken;

use crate::protocol::backend::{
    ApplyRequest, ApplyResponse, Backend, ClientCapabilities, ImportRequest, ImportResponse,
    PlanRequest, PlanResponse, ReadRequest, ReadResponse, UpgradeRequest, UpgradeResponse,
};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::protocol::schema::Schema;
use crate::resource::workflow_connection;

pub struct DatabricksProvider {
    provider_schema: Schema,
    resource_schemas: Vec<(&'static str, Schema)>,
    /// Set by ConfigureProvider; resource operations of later issues read it.
    settings: Mutex<Option<config::Settings>>,
}

impl Default for DatabricksProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl DatabricksProvider {
    pub fn new() -> Self {
        Self {
            provider_schema: schema::provider_schema(),
            resource_schemas: vec![(
                workflow_connection::TYPE_NAME,
                workflow_connection::schema(),
            )],
            settings: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> Option<config::Settings> {
        self.settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// What a resource operation answers until it is built: an error that says so, never a
/// panic and never invented state.
fn not_supported(operation: &str) -> Diagnostics {
    Diagnostic::error(
        format!("{operation} is not supported yet"),
        format!(
            "This build of terraform-provider-databricks declares databricks_workflow_connection \
             but cannot {operation_lower} it yet. Nothing was changed.",
            operation_lower = operation.to_lowercase()
        ),
    )
    .into()
}

impl Backend for DatabricksProvider {
    fn provider_schema(&self) -> &Schema {
        &self.provider_schema
    }

    fn resource_schemas(&self) -> &[(&'static str, Schema)] {
        &self.resource_schemas
    }

    fn validate_provider_config(&self, config: &Value) -> Diagnostics {
        config::validate(config)
    }

    async fn configure(&self, config: Value) -> Diagnostics {
        match config::resolve(&config, |name| std::env::var(name).ok()) {
            Ok(settings) => {
                *self.settings.lock().unwrap_or_else(PoisonError::into_inner) = Some(settings);
                Diagnostics::new()
            }
            Err(diags) => diags,
        }
    }

    fn validate_resource_config(
        &self,
        _type_name: &str,
        config: &Value,
        capabilities: ClientCapabilities,
    ) -> Diagnostics {
        workflow_connection::validate(config, capabilities)
    }

    async fn plan_resource_change(
        &self,
        _type_name: &str,
        _request: PlanRequest,
        _cancel: CancellationToken,
    ) -> PlanResponse {
        PlanResponse {
            planned_state: Value::Null,
            requires_replace: Vec::new(),
            planned_private: Vec::new(),
            diagnostics: not_supported("Plan"),
        }
    }

    async fn apply_resource_change(
        &self,
        _type_name: &str,
        request: ApplyRequest,
        _cancel: CancellationToken,
    ) -> ApplyResponse {
        ApplyResponse {
            new_state: request.prior_state,
            private: Vec::new(),
            diagnostics: not_supported("Apply"),
        }
    }

    async fn read_resource(
        &self,
        _type_name: &str,
        request: ReadRequest,
        _cancel: CancellationToken,
    ) -> ReadResponse {
        ReadResponse {
            new_state: request.current_state,
            private: request.private,
            diagnostics: not_supported("Read"),
        }
    }

    async fn import_resource_state(
        &self,
        _type_name: &str,
        _request: ImportRequest,
        _cancel: CancellationToken,
    ) -> ImportResponse {
        ImportResponse {
            state: Value::Null,
            private: Vec::new(),
            diagnostics: not_supported("Import"),
        }
    }

    fn upgrade_resource_state(
        &self,
        _type_name: &str,
        _request: UpgradeRequest,
    ) -> UpgradeResponse {
        UpgradeResponse {
            state: Value::Null,
            diagnostics: not_supported("Upgrade"),
        }
    }
}
