//! The go-plugin edge: everything between "Terraform starts the process" and "a tfplugin6
//! request reaches the protocol layer". Knows nothing of resources or Databricks.

pub mod go_plugin;
pub mod handshake;
pub mod listener;
pub mod logging;
pub mod tls;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic::transport::Server;

use listener::PrivateSocket;
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
    /// `PLUGIN_UNIX_SOCKET_DIR`, honoured like go-plugin does.
    pub socket_parent: Option<PathBuf>,
}

#[derive(Debug)]
pub enum ServeError {
    Io(std::io::Error),
    Tls(tls::TlsSetupError),
    Grpc(tonic::transport::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::Tls(e) => write!(f, "{e}"),
            Self::Grpc(e) => write!(f, "gRPC server failed: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// Serves `provider` (the tfplugin6 service) plus go-plugin's controller, stdio and health
/// services until Terraform asks us to shut down. The socket directory is removed on return.
pub async fn serve(provider: Routes, options: ServeOptions) -> Result<(), ServeError> {
    let shutdown = CancellationToken::new();
    let (socket, unix_listener) =
        PrivateSocket::bind(options.socket_parent.as_deref()).map_err(ServeError::Io)?;

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

    let server = Server::builder()
        .add_routes(provider)
        .add_service(go_plugin::Controller::server(shutdown.clone()))
        .add_service(go_plugin::Stdio::server(shutdown.clone()))
        .add_service(health)
        .serve_with_incoming_shutdown(
            listener::incoming(unix_listener, tls_config),
            shutdown.clone().cancelled_owned(),
        );

    listen_for_signals(matches!(options.mode, Mode::Debug), shutdown.clone())
        .map_err(ServeError::Io)?;

    // The socket is bound, so Terraform's dial queues in the backlog until the server polls:
    // announcing before the first poll is safe.
    match &options.mode {
        Mode::Managed { .. } => {
            let line = handshake::handshake_line(socket.path(), server_cert.as_deref());
            announce(&line).map_err(ServeError::Io)?;
            tracing::debug!(socket = %socket.path().display(), tls = server_cert.is_some(), "serving");
        }
        Mode::Debug => {
            let value = handshake::reattach_value(socket.path(), std::process::id());
            // For a person, not a protocol: a closed stdout must not stop the server.
            if let Err(e) = announce(&debug_instructions(&value)) {
                tracing::warn!(error = %e, "could not print the debug instructions");
            }
        }
    }

    tokio::pin!(server);
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
    drop(socket);
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

/// SIGINT reaches providers with Terraform's Ctrl-C (same process group); Terraform itself
/// coordinates a graceful stop through StopProvider, so a managed provider ignores it. In
/// debug mode it is how a person stops the server. SIGTERM always shuts down cleanly so the
/// socket directory is removed.
fn listen_for_signals(debug: bool, shutdown: CancellationToken) -> std::io::Result<()> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = interrupt.recv() => {
                    if debug {
                        shutdown.cancel();
                        return;
                    }
                    tracing::debug!("ignoring SIGINT; Terraform stops providers through StopProvider");
                }
                Some(()) = terminate.recv() => {
                    shutdown.cancel();
                    return;
                }
                else => return,
            }
        }
    });
    Ok(())
}
