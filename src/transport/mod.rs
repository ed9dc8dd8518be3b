//! The go-plugin edge: everything between "Terraform starts the process" and "a tfplugin6
//! request reaches the protocol layer". Knows nothing of resources or Databricks.

pub mod go_plugin;
pub mod handshake;
pub mod listener;
pub mod logging;
pub mod signals;
pub mod tcp;
pub mod tls;
#[cfg(unix)]
pub mod unix_socket;

use std::future::Future;
use std::io::Write;
#[cfg(unix)]
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio_stream::StreamExt;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic::transport::Server;

use handshake::Address;
pub use listener::Transport;
use tcp::{PortRange, PortRangeError};
use tls::ServerIdentity;

/// How long in-flight responses (the `Shutdown` reply among them) may take to drain once a
/// shutdown starts; Terraform kills us 2 s after its `Shutdown` call returns.
const DRAIN_GRACE: Duration = Duration::from_millis(500);

/// How the process was started.
pub enum Mode {
    /// Started by Terraform: AutoMTLS when `client_cert` (PEM from `PLUGIN_CLIENT_CERT`) is
    /// set, the handshake line on stdout, SIGINT ignored.
    Managed { client_cert: Option<String> },
    /// Started by a person with `--debug`: plaintext, reattach instructions on stdout, Ctrl-C
    /// stops it.
    Debug,
}

pub struct ServeOptions {
    pub mode: Mode,
    pub transport: Transport,
    /// `PLUGIN_UNIX_SOCKET_DIR`, honoured like go-plugin does.
    #[cfg(unix)]
    pub socket_parent: Option<PathBuf>,
    /// `PLUGIN_MIN_PORT` and `PLUGIN_MAX_PORT` as set (TCP only).
    pub min_port: Option<String>,
    pub max_port: Option<String>,
}

#[derive(Debug)]
pub enum ServeError {
    Io(std::io::Error),
    Ports(PortRangeError),
    Tls(tls::TlsSetupError),
    Grpc(tonic::transport::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::Ports(e) => write!(f, "{e}"),
            Self::Tls(e) => write!(f, "{e}"),
            Self::Grpc(e) => write!(f, "gRPC server failed: {e}"),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            Self::Ports(e) => Some(e),
            Self::Tls(e) => Some(e),
            Self::Grpc(e) => Some(e),
        }
    }
}

/// The gRPC server running on one of the transports.
type Serving = Pin<Box<dyn Future<Output = Result<(), tonic::transport::Error>> + Send>>;

/// Serves `provider` (the tfplugin6 service) plus go-plugin's controller, stdio and health
/// services until Terraform asks us to shut down. A unix socket's directory is removed on
/// return.
pub async fn serve(provider: Routes, options: ServeOptions) -> Result<(), ServeError> {
    let shutdown = CancellationToken::new();

    let (tls_config, server_cert) = match &options.mode {
        Mode::Managed {
            client_cert: Some(pem),
        } => {
            let client_cert = tls::parse_client_cert(pem).map_err(ServeError::Tls)?;
            let identity = ServerIdentity::generate().map_err(ServeError::Tls)?;
            let config = tls::server_config(&identity, client_cert).map_err(ServeError::Tls)?;
            (Some(Arc::new(config)), Some(identity.der))
        }
        Mode::Managed { client_cert: None } | Mode::Debug => (None, None),
    };

    let (health_reporter, health) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;

    let router = Server::builder()
        .add_routes(provider)
        .add_service(go_plugin::Controller::server(shutdown.clone()))
        .add_service(go_plugin::Stdio::server(shutdown.clone()))
        .add_service(health);
    let stopped = shutdown.clone().cancelled_owned();

    // The socket is bound before the handshake line goes out, so Terraform's dial queues in
    // the backlog until the server polls: announcing before the first poll is safe.
    #[cfg(unix)]
    let mut socket_dir = None;
    let (address, server): (Address, Serving) = match options.transport {
        #[cfg(unix)]
        Transport::Unix => {
            let (socket, listener) =
                unix_socket::PrivateSocket::bind(options.socket_parent.as_deref())
                    .map_err(ServeError::Io)?;
            let address = Address::Unix(socket.path().to_path_buf());
            socket_dir = Some(socket);
            let accepted = tokio_stream::wrappers::UnixListenerStream::new(listener);
            let incoming = listener::incoming(accepted, tls_config);
            (
                address,
                Box::pin(router.serve_with_incoming_shutdown(incoming, stopped)),
            )
        }
        Transport::Tcp => {
            let range =
                PortRange::from_env(options.min_port.as_deref(), options.max_port.as_deref())
                    .map_err(ServeError::Ports)?;
            let listener = range.bind().await.map_err(ServeError::Io)?;
            let address = Address::Tcp(listener.local_addr().map_err(ServeError::Io)?);
            // Small gRPC frames go out at once, as Go's sockets do by default.
            let accepted = TcpListenerStream::new(listener).map(|accepted| {
                accepted.inspect(|stream| {
                    if let Err(e) = stream.set_nodelay(true) {
                        tracing::debug!(error = %e, "TCP_NODELAY not set");
                    }
                })
            });
            let incoming = listener::incoming(accepted, tls_config);
            (
                address,
                Box::pin(router.serve_with_incoming_shutdown(incoming, stopped)),
            )
        }
    };

    signals::listen(matches!(options.mode, Mode::Debug), shutdown.clone())
        .map_err(ServeError::Io)?;

    match &options.mode {
        Mode::Managed { .. } => {
            let line = handshake::handshake_line(&address, server_cert.as_deref());
            announce(&line).map_err(ServeError::Io)?;
            tracing::debug!(network = address.network(), address = %address, tls = server_cert.is_some(), "serving");
        }
        Mode::Debug => {
            let value = handshake::reattach_value(&address, std::process::id());
            // For a person, not a protocol: a closed stdout must not stop the server.
            if let Err(e) = announce(&debug_instructions(&value)) {
                tracing::warn!(error = %e, "could not print the debug instructions");
            }
        }
    }

    let mut server = server;
    tokio::select! {
        result = &mut server => result.map_err(ServeError::Grpc)?,
        () = shutdown.cancelled() => {
            // Bounded: a client that keeps a stream open must not keep us alive.
            if let Ok(result) = tokio::time::timeout(DRAIN_GRACE, &mut server).await {
                result.map_err(ServeError::Grpc)?;
            }
        }
    }
    tracing::debug!("provider stopped");
    #[cfg(unix)]
    drop(socket_dir);
    Ok(())
}

/// Writes to stdout in one piece and flushes; nothing else in the provider writes there.
fn announce(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(format!("{text}\n").as_bytes())?;
    out.flush()
}

fn debug_instructions(reattach: &str) -> String {
    format!(
        "Provider started in debug mode. To attach Terraform, run in another shell:\n\n\
         \texport TF_REATTACH_PROVIDERS='{reattach}'\n\n\
         then run terraform commands there as usual. Press Ctrl-C here to stop the provider."
    )
}
