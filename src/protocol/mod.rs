//! The tfplugin6 protocol: generated types, the cty value model and codecs, schemas,
//! attribute paths, diagnostics and the gRPC service. Knows nothing of Databricks.

pub mod backend;
pub mod cty;
pub mod diagnostics;
pub mod path;
pub mod rpc;
pub mod schema;
pub mod stop;

/// Types generated from `proto/tfplugin6.proto`.
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}
