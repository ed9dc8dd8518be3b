//! go-plugin's side services: the controller Terraform calls to stop us, and the stdio stream
//! it opens right after connecting. The broker is left unimplemented: tfplugin6 never uses
//! it and go-plugin tolerates its absence.

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

pub mod proto {
    tonic::include_proto!("plugin");
}

use proto::grpc_controller_server::{GrpcController, GrpcControllerServer};
use proto::grpc_stdio_server::{GrpcStdio, GrpcStdioServer};

/// Answers `Shutdown` at once and then asks the server to stop; Terraform SIGKILLs a provider
/// that is still alive 2 s after this call returns.
pub struct Controller {
    shutdown: CancellationToken,
}

impl Controller {
    pub fn server(shutdown: CancellationToken) -> GrpcControllerServer<Self> {
        GrpcControllerServer::new(Self { shutdown })
    }
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _: Request<proto::Empty>) -> Result<Response<proto::Empty>, Status> {
        tracing::debug!("shutdown requested by Terraform");
        self.shutdown.cancel();
        Ok(Response::new(proto::Empty {}))
    }
}

/// We never write to our own stdout/stderr through this stream (logs go to stderr directly),
/// so it carries nothing; it stays open until shutdown so go-plugin does not log an EOF.
pub struct Stdio {
    shutdown: CancellationToken,
}

impl Stdio {
    pub fn server(shutdown: CancellationToken) -> GrpcStdioServer<Self> {
        GrpcStdioServer::new(Self { shutdown })
    }
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _: Request<()>,
    ) -> Result<Response<tonic::codegen::BoxStream<proto::StdioData>>, Status> {
        // The stream ends when the sender is dropped, i.e. at shutdown.
        let (tx, rx) = mpsc::channel(1);
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            shutdown.cancelled().await;
            drop(tx);
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}
