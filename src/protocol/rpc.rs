//! The tfplugin6 gRPC service: decodes requests against the schemas, calls the backend, and
//! encodes its answers. Every user-facing failure becomes a diagnostic with an OK status;
//! gRPC errors are reserved for RPCs we do not implement.

use std::collections::HashMap;
use std::sync::Arc;

use tonic::{Request, Response, Status};

use super::backend::{
    ApplyRequest, Backend, ClientCapabilities, ImportRequest, PlanRequest, ReadRequest,
    UpgradeRequest,
};
use super::cty::{self, Type, Value};
use super::diagnostics::{Diagnostic, Diagnostics};
use super::stop::StopSignal;
use super::tfplugin6 as pb;
use pb::provider_server::{Provider, ProviderServer};

/// Terraform sends whole states and configurations; terraform-plugin-go allows 256 MiB each
/// way, and tonic's 4 MiB default would fail large plans.
pub const MAX_MESSAGE_SIZE: usize = 256 << 20;

pub struct ProviderService<B: Backend> {
    backend: Arc<B>,
    stop: StopSignal,
    /// Implied object type of each resource schema, computed once.
    resource_types: HashMap<&'static str, Type>,
    provider_type: Type,
}

impl<B: Backend> ProviderService<B> {
    pub fn new(backend: B, stop: StopSignal) -> Self {
        let resource_types = backend
            .resource_schemas()
            .iter()
            .map(|(name, schema)| (*name, schema.implied_type()))
            .collect();
        let provider_type = backend.provider_schema().implied_type();
        Self {
            backend: Arc::new(backend),
            stop,
            resource_types,
            provider_type,
        }
    }

    pub fn into_server(self) -> ProviderServer<Self> {
        ProviderServer::new(self)
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE)
    }

    fn capabilities() -> pb::ServerCapabilities {
        pb::ServerCapabilities {
            plan_destroy: true,
            get_provider_schema_optional: true,
            move_resource_state: false,
            generate_resource_config: false,
        }
    }

    fn resource_type(&self, type_name: &str) -> Result<&Type, Diagnostics> {
        self.resource_types.get(type_name).ok_or_else(|| {
            Diagnostic::error(
                "Unknown resource type",
                format!(
                    "This provider has no resource type {type_name:?}; it offers: {}.",
                    self.resource_type_names().join(", ")
                ),
            )
            .into()
        })
    }

    fn resource_type_names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.resource_types.keys().copied().collect();
        names.sort_unstable();
        names
    }
}

fn capabilities(caps: Option<&pb::ClientCapabilities>) -> ClientCapabilities {
    caps.map(|c| ClientCapabilities {
        deferral_allowed: c.deferral_allowed,
        write_only_attributes_allowed: c.write_only_attributes_allowed,
    })
    .unwrap_or_default()
}

/// Decodes a DynamicValue; absent or empty means null, as Terraform treats it.
fn decode(value: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    let Some(value) = value else {
        return Ok(Value::Null);
    };
    let decoded = if !value.msgpack.is_empty() {
        cty::decode_msgpack(&value.msgpack, ty)
    } else if !value.json.is_empty() {
        cty::decode_json(&value.json, ty, false)
    } else {
        return Ok(Value::Null);
    };
    decoded.map_err(|e| {
        Diagnostic::error(
            format!("Invalid {what} from Terraform"),
            format!(
                "The provider could not decode the {what}: {e}. This usually means Terraform \
                 and the provider disagree about the schema; try running the command again, \
                 and report it if it persists."
            ),
        )
        .into()
    })
}

/// Encodes a value the backend produced; a mismatch with the schema is a provider bug and is
/// reported as such instead of sending Terraform something it would reject.
fn encode(value: &Value, ty: &Type, what: &str) -> Result<pb::DynamicValue, Diagnostics> {
    cty::encode_msgpack(value, ty)
        .map(|msgpack| pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostic::error(
                "Provider produced an invalid value",
                format!(
                    "The {what} does not match the schema: {e}. This is a bug in the provider."
                ),
            )
            .into()
        })
}

fn ok<T>(message: T) -> Result<Response<T>, Status> {
    Ok(Response::new(message))
}

#[tonic::async_trait]
impl<B: Backend> Provider for ProviderService<B> {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        ok(pb::get_metadata::Response {
            server_capabilities: Some(Self::capabilities()),
            resources: self
                .resource_type_names()
                .into_iter()
                .map(|type_name| pb::get_metadata::ResourceMetadata {
                    type_name: type_name.to_string(),
                })
                .collect(),
            ..Default::default()
        })
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        ok(pb::get_provider_schema::Response {
            provider: Some(self.backend.provider_schema().to_proto()),
            resource_schemas: self
                .backend
                .resource_schemas()
                .iter()
                .map(|(name, schema)| ((*name).to_string(), schema.to_proto()))
                .collect(),
            server_capabilities: Some(Self::capabilities()),
            ..Default::default()
        })
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let request = request.into_inner();
        let diagnostics = match decode(
            request.config.as_ref(),
            &self.provider_type,
            "provider configuration",
        ) {
            Ok(config) => self.backend.validate_provider_config(&config),
            Err(d) => d,
        };
        ok(pb::validate_provider_config::Response {
            diagnostics: diagnostics.to_proto(),
        })
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let request = request.into_inner();
        tracing::debug!(terraform_version = %request.terraform_version, "configure provider");
        let diagnostics = match decode(
            request.config.as_ref(),
            &self.provider_type,
            "provider configuration",
        ) {
            Ok(config) => {
                self.backend
                    .configure(config, request.terraform_version)
                    .await
            }
            Err(d) => d,
        };
        ok(pb::configure_provider::Response {
            diagnostics: diagnostics.to_proto(),
        })
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let request = request.into_inner();
        let caps = capabilities(request.client_capabilities.as_ref());
        let diagnostics = match self
            .resource_type(&request.type_name)
            .and_then(|ty| decode(request.config.as_ref(), ty, "resource configuration"))
        {
            Ok(config) => self
                .backend
                .validate_resource_config(&request.type_name, &config, caps),
            Err(d) => d,
        };
        ok(pb::validate_resource_config::Response {
            diagnostics: diagnostics.to_proto(),
        })
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        ok(pb::validate_data_resource_config::Response {
            diagnostics: no_data_source(&request.into_inner().type_name).to_proto(),
        })
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        ok(pb::read_data_source::Response {
            diagnostics: no_data_source(&request.into_inner().type_name).to_proto(),
            ..Default::default()
        })
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let request = request.into_inner();
        let ty = match self.resource_type(&request.type_name) {
            Ok(ty) => ty,
            Err(d) => return ok(upgrade_failure(d)),
        };
        let raw = request.raw_state.unwrap_or_default();
        if raw.json.is_empty() {
            let detail = if raw.flatmap.is_empty() {
                "Terraform sent no stored state to upgrade."
            } else {
                "The stored state is in the flatmap format of Terraform before 0.12, which this \
                 provider never wrote. Remove the resource from state and import it again."
            };
            return ok(upgrade_failure(
                Diagnostic::error("Cannot upgrade stored state", detail).into(),
            ));
        }
        let response = self.backend.upgrade_resource_state(
            &request.type_name,
            UpgradeRequest {
                version: request.version,
                json: raw.json,
            },
        );
        let mut diagnostics = response.diagnostics;
        let upgraded_state = if diagnostics.has_errors() {
            None
        } else {
            match encode(&response.state, ty, "upgraded state") {
                Ok(v) => Some(v),
                Err(d) => {
                    diagnostics.extend(d);
                    None
                }
            }
        };
        ok(pb::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diagnostics.to_proto(),
        })
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let request = request.into_inner();
        let decoded = self.resource_type(&request.type_name).and_then(|ty| {
            Ok((
                ty,
                decode(request.current_state.as_ref(), ty, "current state")?,
            ))
        });
        let (ty, current_state) = match decoded {
            Ok(v) => v,
            Err(d) => {
                // Keep what Terraform has: echo the state back untouched with the error.
                return ok(pb::read_resource::Response {
                    new_state: request.current_state,
                    private: request.private,
                    diagnostics: d.to_proto(),
                    ..Default::default()
                });
            }
        };
        let response = self
            .backend
            .read_resource(
                &request.type_name,
                ReadRequest {
                    current_state,
                    private: request.private.clone(),
                    capabilities: capabilities(request.client_capabilities.as_ref()),
                },
                self.stop.token(),
            )
            .await;
        let mut diagnostics = response.diagnostics;
        let new_state = match encode(&response.new_state, ty, "refreshed state") {
            Ok(v) => Some(v),
            Err(d) => {
                diagnostics.extend(d);
                request.current_state
            }
        };
        ok(pb::read_resource::Response {
            new_state,
            private: response.private,
            diagnostics: diagnostics.to_proto(),
            ..Default::default()
        })
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let request = request.into_inner();
        let decoded = self.resource_type(&request.type_name).and_then(|ty| {
            Ok((
                ty,
                decode(request.prior_state.as_ref(), ty, "prior state")?,
                decode(
                    request.proposed_new_state.as_ref(),
                    ty,
                    "proposed new state",
                )?,
                decode(request.config.as_ref(), ty, "configuration")?,
            ))
        });
        let (ty, prior_state, proposed_new_state, config) = match decoded {
            Ok(v) => v,
            Err(d) => {
                return ok(pb::plan_resource_change::Response {
                    diagnostics: d.to_proto(),
                    ..Default::default()
                });
            }
        };
        let response = self
            .backend
            .plan_resource_change(
                &request.type_name,
                PlanRequest {
                    prior_state,
                    proposed_new_state,
                    config,
                    prior_private: request.prior_private,
                    capabilities: capabilities(request.client_capabilities.as_ref()),
                },
                self.stop.token(),
            )
            .await;
        let mut diagnostics = response.diagnostics;
        let planned_state = if diagnostics.has_errors() {
            None
        } else {
            match encode(&response.planned_state, ty, "planned state") {
                Ok(v) => Some(v),
                Err(d) => {
                    diagnostics.extend(d);
                    None
                }
            }
        };
        ok(pb::plan_resource_change::Response {
            planned_state,
            requires_replace: response
                .requires_replace
                .iter()
                .map(|p| p.to_proto())
                .collect(),
            planned_private: response.planned_private,
            diagnostics: diagnostics.to_proto(),
            ..Default::default()
        })
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let request = request.into_inner();
        let decoded = self.resource_type(&request.type_name).and_then(|ty| {
            Ok((
                ty,
                decode(request.prior_state.as_ref(), ty, "prior state")?,
                decode(request.planned_state.as_ref(), ty, "planned state")?,
                decode(request.config.as_ref(), ty, "configuration")?,
            ))
        });
        let (ty, prior_state, planned_state, config) = match decoded {
            Ok(v) => v,
            Err(d) => {
                // Nothing was done: returning the prior state keeps Terraform's record as is.
                return ok(pb::apply_resource_change::Response {
                    new_state: request.prior_state,
                    diagnostics: d.to_proto(),
                    ..Default::default()
                });
            }
        };
        let prior_for_fallback = prior_state.clone();
        let response = self
            .backend
            .apply_resource_change(
                &request.type_name,
                ApplyRequest {
                    prior_state,
                    planned_state,
                    config,
                    planned_private: request.planned_private,
                },
                self.stop.token(),
            )
            .await;
        let mut diagnostics = response.diagnostics;
        let new_state = match encode(&response.new_state, ty, "new state") {
            Ok(v) => Some(v),
            Err(d) => {
                diagnostics.extend(d);
                encode(&prior_for_fallback, ty, "prior state").ok()
            }
        };
        ok(pb::apply_resource_change::Response {
            new_state,
            private: response.private,
            diagnostics: diagnostics.to_proto(),
            ..Default::default()
        })
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let request = request.into_inner();
        let ty = match self.resource_type(&request.type_name) {
            Ok(ty) => ty,
            Err(d) => {
                return ok(pb::import_resource_state::Response {
                    diagnostics: d.to_proto(),
                    ..Default::default()
                });
            }
        };
        let response = self
            .backend
            .import_resource_state(
                &request.type_name,
                ImportRequest {
                    id: request.id,
                    capabilities: capabilities(request.client_capabilities.as_ref()),
                },
                self.stop.token(),
            )
            .await;
        let mut diagnostics = response.diagnostics;
        let mut imported_resources = Vec::new();
        if !diagnostics.has_errors() && !response.state.is_null() {
            match encode(&response.state, ty, "imported state") {
                Ok(state) => imported_resources.push(pb::import_resource_state::ImportedResource {
                    type_name: request.type_name,
                    state: Some(state),
                    private: response.private,
                    ..Default::default()
                }),
                Err(d) => diagnostics.extend(d),
            }
        }
        ok(pb::import_resource_state::Response {
            imported_resources,
            diagnostics: diagnostics.to_proto(),
            ..Default::default()
        })
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        tracing::info!("StopProvider: cancelling operations in flight");
        self.stop.stop();
        ok(pb::stop_provider::Response::default())
    }
}

fn no_data_source(type_name: &str) -> Diagnostics {
    Diagnostic::error(
        "Unknown data source",
        format!("This provider has no data sources; {type_name:?} is not one of them."),
    )
    .into()
}

fn upgrade_failure(diagnostics: Diagnostics) -> pb::upgrade_resource_state::Response {
    pb::upgrade_resource_state::Response {
        upgraded_state: None,
        diagnostics: diagnostics.to_proto(),
    }
}
