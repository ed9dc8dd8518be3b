//! terraform-provider-databricks: a Terraform provider, written in Rust, that verifies and
//! records Okta Workflows connections to Databricks.
//!
//! Data flows one way: Terraform → [`transport`] (go-plugin edge) → [`protocol`]
//! (tfplugin6, values, schemas) → [`provider`] and [`resource`] (plain functions over decoded
//! values) → the Databricks account client crate → HTTP.

pub mod protocol;
pub mod provider;
pub mod resource;
pub mod transport;
pub mod validation;

use tonic::service::Routes;

/// The tfplugin6 service for this provider, ready for [`transport::serve`].
pub fn provider_routes() -> Routes {
    let service = protocol::rpc::ProviderService::new(
        provider::DatabricksProvider::new(),
        protocol::stop::StopSignal::default(),
    );
    Routes::new(service.into_server())
}
