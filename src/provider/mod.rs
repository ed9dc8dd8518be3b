//! The Databricks provider: its configuration and the resources it serves, as plain
//! functions over decoded values. Knows nothing of gRPC or msgpack.

mod attributes;
pub(crate) mod config;
pub(crate) mod databrickscfg;
pub mod schema;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use databricks_account_client::{Client, ClientConfig, ConfigError};

use tokio_util::sync::CancellationToken;

use crate::protocol::backend::{
    ApplyRequest, ApplyResponse, Backend, ClientCapabilities, ImportRequest, ImportResponse,
    PlanRequest, PlanResponse, ReadRequest, ReadResponse, UpgradeRequest, UpgradeResponse,
};
use crate::protocol::cty::{Type, Value};
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::protocol::schema::Schema;
use crate::resource::Management;
use crate::resource::workflow_connection::plan::PlanContext;
use crate::resource::workflow_connection::revoke::Ledger;
use crate::resource::workflow_connection::{self, Context};

pub struct DatabricksProvider {
    provider_schema: Schema,
    resource_schemas: Vec<(&'static str, Schema)>,
    connection_type: Type,
    /// Set by ConfigureProvider, which Terraform calls once per graph walk (once per command
    /// and walk when one process serves several, as in debug mode).
    configured: Mutex<Option<Arc<Configured>>>,
}

/// What one ConfigureProvider established.
pub struct Configured {
    pub setup: Setup,
    /// The secrets this walk's connections keep and would revoke (revocation safety).
    pub ledger: Ledger,
}

pub enum Setup {
    /// The resolved settings and the one client every operation shares (its token cache is
    /// what lets a refresh of many connections use one management token).
    Ready {
        settings: config::Settings,
        client: Client,
    },
    /// The provider configuration depends on values not known yet: nothing is checked, every
    /// record is kept, and the first refresh says why (once per walk).
    Pending {
        warning: Diagnostic,
        warned: AtomicBool,
    },
}

impl Configured {
    /// What resource operations need, once the configuration is known.
    fn context(&self, cancel: CancellationToken) -> Option<Context<'_>> {
        match &self.setup {
            Setup::Ready { settings, client } => Some(Context {
                client,
                management: settings.management.as_ref(),
                ledger: &self.ledger,
                cancel,
            }),
            Setup::Pending { .. } => None,
        }
    }

    /// The management credentials (`Some(None)`: none); `None` while not known.
    fn management(&self) -> Option<Option<&Management>> {
        match &self.setup {
            Setup::Ready { settings, .. } => Some(settings.management.as_ref()),
            Setup::Pending { .. } => None,
        }
    }

    /// The pending-configuration warning, the first time it is asked for in this walk.
    fn pending_warning_once(&self) -> Option<Diagnostic> {
        match &self.setup {
            Setup::Pending { warning, warned } if !warned.swap(true, Ordering::Relaxed) => {
                Some(warning.clone())
            }
            _ => None,
        }
    }
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

    fn set_configured(&self, configured: Configured) {
        *self
            .configured
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(configured));
    }
}

fn build_client(
    settings: &config::Settings,
    terraform_version: &str,
) -> Result<Client, ConfigError> {
    let mut config = ClientConfig::new("terraform-provider-databricks", env!("CARGO_PKG_VERSION"))?;
    // Databricks' User-Agent convention: what runs the calls, then on whose behalf.
    if !terraform_version.is_empty() {
        config.add_user_agent("terraform", terraform_version)?;
    }
    config.add_user_agent("resource", "workflow_connection")?;
    config.add_user_agent("auth", "oauth-m2m")?;
    config.host = settings.host.clone();
    config.http_timeout = settings.http_timeout;
    config.retry_timeout = settings.retry_timeout;
    config.rate_limit = settings.rate_limit;
    Client::new(config)
}

fn not_configured() -> Diagnostics {
    Diagnostic::error(
        "Provider not configured",
        "Terraform asked for a resource operation before configuring the provider. This is a \
         bug in Terraform or the provider; nothing was changed.",
    )
    .into()
}

fn configuration_pending() -> Diagnostics {
    Diagnostic::error(
        "Provider configuration not known",
        "The provider's configuration still depends on values Terraform does not know, so the \
         connection cannot be checked. Apply the resources the provider block refers to first \
         (for example with -target), then apply again. Nothing was changed.",
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

    async fn configure(&self, config: Value, terraform_version: String) -> Diagnostics {
        let (settings, warnings) = match config::resolve(&config, |name| std::env::var(name).ok()) {
            Ok(config::Resolved::Ready { settings, warnings }) => (settings, warnings),
            Ok(config::Resolved::Pending { warning }) => {
                self.set_configured(Configured {
                    setup: Setup::Pending {
                        warning,
                        warned: AtomicBool::new(false),
                    },
                    ledger: Ledger::default(),
                });
                return Diagnostics::new();
            }
            Err(diags) => return diags,
        };
        // A process that serves several commands (debug mode, reattach) is configured once
        // per walk: keep the client, and with it the token cache, when nothing changed. Reads
        // it shared during the last walk are not reused in this one.
        let kept = self.configured().and_then(|current| match &current.setup {
            Setup::Ready {
                settings: current_settings,
                client,
            } if current_settings.same_as(&settings) => Some(client.clone()),
            _ => None,
        });
        let client = match kept {
            Some(client) => {
                client.forget_shared_reads();
                client
            }
            None => match build_client(&settings, &terraform_version) {
                Ok(client) => client,
                Err(e) => {
                    return Diagnostic::error(
                        "Cannot configure the Databricks client",
                        format!("{e}."),
                    )
                    .into();
                }
            },
        };
        self.set_configured(Configured {
            setup: Setup::Ready { settings, client },
            ledger: Ledger::default(),
        });
        warnings
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
        let configured = self.configured();
        let fallback = Ledger::default();
        let ctx = match configured.as_deref() {
            Some(c) => PlanContext {
                ledger: &c.ledger,
                management: c.management(),
            },
            // Terraform configures before it plans; a ledger of one call is all there is.
            None => PlanContext {
                ledger: &fallback,
                management: None,
            },
        };
        workflow_connection::plan::plan(request, &ctx)
    }

    async fn apply_resource_change(
        &self,
        _type_name: &str,
        request: ApplyRequest,
        cancel: CancellationToken,
    ) -> ApplyResponse {
        let configured = self.configured();
        let ctx = match configured.as_deref().map(|c| c.context(cancel)) {
            Some(Some(ctx)) => ctx,
            pending_or_not => {
                return ApplyResponse {
                    new_state: request.prior_state,
                    private: request.planned_private,
                    diagnostics: if pending_or_not.is_some() {
                        configuration_pending()
                    } else {
                        not_configured()
                    },
                };
            }
        };
        workflow_connection::apply::apply(&ctx, request).await
    }

    async fn read_resource(
        &self,
        _type_name: &str,
        request: ReadRequest,
        cancel: CancellationToken,
    ) -> ReadResponse {
        let configured = self.configured();
        let Some(configured) = configured.as_deref() else {
            return ReadResponse {
                new_state: request.current_state,
                private: request.private,
                diagnostics: not_configured(),
            };
        };
        match configured.context(cancel) {
            Some(ctx) => workflow_connection::read::read(&ctx, request).await,
            None => ReadResponse {
                new_state: request.current_state,
                private: request.private,
                // One warning per walk, not one per connection.
                diagnostics: configured.pending_warning_once().into_iter().collect(),
            },
        }
    }

    async fn import_resource_state(
        &self,
        _type_name: &str,
        request: ImportRequest,
        cancel: CancellationToken,
    ) -> ImportResponse {
        let configured = self.configured();
        let ctx = configured.as_deref().and_then(|c| c.context(cancel));
        workflow_connection::import::import(ctx.as_ref(), request).await
    }

    fn upgrade_resource_state(&self, _type_name: &str, request: UpgradeRequest) -> UpgradeResponse {
        workflow_connection::upgrade::upgrade(request, &self.connection_type)
    }
}
