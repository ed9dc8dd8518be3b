//! The Databricks provider: its configuration and the resources it serves, as plain
//! functions over decoded values. Knows nothing of gRPC or msgpack.

pub mod config;
pub mod schema;
pub mod validators;

use std::sync::{Arc, Mutex, PoisonError};

use databricks_account_client::{Client, ClientConfig};

use tokio_util::sync::CancellationToken;

use crate::protocol::backend::{
    ApplyRequest, ApplyResponse, Backend, ClientCapabilities, ImportRequest, ImportResponse,
    PlanRequest, PlanResponse, ReadRequest, ReadResponse, UpgradeRequest, UpgradeResponse,
};
use crate::protocol::cty::{Type, Value};
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::protocol::schema::Schema;
use crate::resource::workflow_connection::{self, Context};

pub struct DatabricksProvider {
    provider_schema: Schema,
    resource_schemas: Vec<(&'static str, Schema)>,
    connection_type: Type,
    /// Set by ConfigureProvider, once per process.
    configured: Mutex<Option<Arc<Configured>>>,
}

/// The resolved provider configuration and the one client every operation shares (its token
/// cache is what lets a refresh of many connections use one management token).
pub struct Configured {
    pub settings: config::Settings,
    pub client: Client,
}

impl Default for DatabricksProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl DatabricksProvider {
    pub fn new() -> Self {
        let connection = workflow_connection::schema();
        Self {
            provider_schema: schema::provider_schema(),
            connection_type: connection.implied_type(),
            resource_schemas: vec![(workflow_connection::TYPE_NAME, connection)],
            configured: Mutex::new(None),
        }
    }

    pub fn configured(&self) -> Option<Arc<Configured>> {
        self.configured
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn build_client(settings: &config::Settings) -> Result<Client, String> {
    let mut config = ClientConfig::new("terraform-provider-databricks", env!("CARGO_PKG_VERSION"))
        .map_err(|e| e.to_string())?;
    config.host = settings.host.clone();
    config.http_timeout = settings.http_timeout;
    config.retry_timeout = settings.retry_timeout;
    config.rate_limit = settings.rate_limit;
    Client::new(config).map_err(|e| e.to_string())
}

fn not_configured() -> Diagnostics {
    Diagnostic::error(
        "Provider not configured",
        "Terraform asked for a resource operation before configuring the provider. This is a \
         bug in Terraform or the provider; nothing was changed.",
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
        let settings = match config::resolve(&config, |name| std::env::var(name).ok()) {
            Ok(settings) => settings,
            Err(diags) => return diags,
        };
        // A process that serves several commands (debug mode, reattach) is configured once
        // per command: keep the client, and with it the token cache, when nothing changed.
        if self
            .configured()
            .is_some_and(|current| current.settings.same_as(&settings))
        {
            return Diagnostics::new();
        }
        match build_client(&settings) {
            Ok(client) => {
                *self
                    .configured
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) =
                    Some(Arc::new(Configured { settings, client }));
                Diagnostics::new()
            }
            Err(e) => Diagnostic::error("Cannot configure the Databricks client", e).into(),
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
        request: PlanRequest,
        _cancel: CancellationToken,
    ) -> PlanResponse {
        workflow_connection::plan::plan(request)
    }

    async fn apply_resource_change(
        &self,
        _type_name: &str,
        request: ApplyRequest,
        cancel: CancellationToken,
    ) -> ApplyResponse {
        let Some(configured) = self.configured() else {
            return ApplyResponse {
                new_state: request.prior_state,
                private: request.planned_private,
                diagnostics: not_configured(),
            };
        };
        let ctx = Context {
            client: &configured.client,
            management: configured.settings.management.as_ref(),
            cancel,
        };
        workflow_connection::apply::apply(&ctx, request).await
    }

    async fn read_resource(
        &self,
        _type_name: &str,
        request: ReadRequest,
        cancel: CancellationToken,
    ) -> ReadResponse {
        let Some(configured) = self.configured() else {
            return ReadResponse {
                new_state: request.current_state,
                private: request.private,
                diagnostics: not_configured(),
            };
        };
        let ctx = Context {
            client: &configured.client,
            management: configured.settings.management.as_ref(),
            cancel,
        };
        workflow_connection::read::read(&ctx, request).await
    }

    async fn import_resource_state(
        &self,
        _type_name: &str,
        request: ImportRequest,
        _cancel: CancellationToken,
    ) -> ImportResponse {
        let names: Vec<&str> = match &self.connection_type {
            Type::Object(attrs) => attrs.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        workflow_connection::import::import(request, &names)
    }

    fn upgrade_resource_state(&self, _type_name: &str, request: UpgradeRequest) -> UpgradeResponse {
        workflow_connection::upgrade::upgrade(request, &self.connection_type)
    }
}
