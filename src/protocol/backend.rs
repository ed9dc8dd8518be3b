//! The seam between the protocol layer and the provider: plain requests and responses over
//! decoded values. A backend never sees gRPC messages or msgpack bytes.

use std::future::Future;

use tokio_util::sync::CancellationToken;

use super::cty::Value;
use super::diagnostics::Diagnostics;
use super::path::AttributePath;
use super::schema::Schema;

/// What the Terraform client says it can handle.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientCapabilities {
    pub deferral_allowed: bool,
    pub write_only_attributes_allowed: bool,
}

pub struct PlanRequest {
    pub prior_state: Value,
    pub proposed_new_state: Value,
    pub config: Value,
    pub prior_private: Vec<u8>,
    pub capabilities: ClientCapabilities,
}

pub struct PlanResponse {
    pub planned_state: Value,
    pub requires_replace: Vec<AttributePath>,
    pub planned_private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub struct ApplyRequest {
    pub prior_state: Value,
    pub planned_state: Value,
    pub config: Value,
    pub planned_private: Vec<u8>,
}

pub struct ApplyResponse {
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub struct ReadRequest {
    pub current_state: Value,
    pub private: Vec<u8>,
    pub capabilities: ClientCapabilities,
}

pub struct ReadResponse {
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub struct ImportRequest {
    pub id: String,
    pub capabilities: ClientCapabilities,
}

/// `state` is `Value::Null` when nothing was imported (with an error diagnostic).
pub struct ImportResponse {
    pub state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// Stored state as Terraform keeps it: JSON written under schema `version`.
pub struct UpgradeRequest {
    pub version: i64,
    pub json: Vec<u8>,
}

pub struct UpgradeResponse {
    pub state: Value,
    pub diagnostics: Diagnostics,
}

/// A provider as the protocol layer drives it. Resource methods are only called with a
/// `type_name` that appears in `resource_schemas`, and with values already decoded against
/// that schema.
pub trait Backend: Send + Sync + 'static {
    fn provider_schema(&self) -> &Schema;
    fn resource_schemas(&self) -> &[(&'static str, Schema)];

    fn validate_provider_config(&self, config: &Value) -> Diagnostics;
    /// `terraform_version` is the version of the Terraform CLI that configures the provider.
    fn configure(
        &self,
        config: Value,
        terraform_version: String,
    ) -> impl Future<Output = Diagnostics> + Send;

    fn validate_resource_config(
        &self,
        type_name: &str,
        config: &Value,
        capabilities: ClientCapabilities,
    ) -> Diagnostics;
    fn plan_resource_change(
        &self,
        type_name: &str,
        request: PlanRequest,
        cancel: CancellationToken,
    ) -> impl Future<Output = PlanResponse> + Send;
    fn apply_resource_change(
        &self,
        type_name: &str,
        request: ApplyRequest,
        cancel: CancellationToken,
    ) -> impl Future<Output = ApplyResponse> + Send;
    fn read_resource(
        &self,
        type_name: &str,
        request: ReadRequest,
        cancel: CancellationToken,
    ) -> impl Future<Output = ReadResponse> + Send;
    fn import_resource_state(
        &self,
        type_name: &str,
        request: ImportRequest,
        cancel: CancellationToken,
    ) -> impl Future<Output = ImportResponse> + Send;
    fn upgrade_resource_state(&self, type_name: &str, request: UpgradeRequest) -> UpgradeResponse;
}
