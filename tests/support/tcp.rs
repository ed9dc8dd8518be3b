//! The provider on go-plugin's TCP transport (Windows' transport, asked for on Linux with
//! `TF_PROVIDER_DATABRICKS_TRANSPORT=tcp`), started the way Terraform starts it, and dialled.

use std::io::BufReader;
use std::net::SocketAddr;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tonic::transport::{Channel, Endpoint};

use super::process::{
    COOKIE, ClientIdentity, announced_certificate, provider_binary, read_handshake, rest_of_stdout,
    tls_connector, wait_for_exit,
};

/// The switch, documented in the README as a test aid.
pub const TRANSPORT_VARIABLE: &str = "TF_PROVIDER_DATABRICKS_TRANSPORT";

/// A provider serving over TCP and what it announced.
pub struct TcpProvider {
    pub child: Child,
    pub handshake_line: String,
    pub address: SocketAddr,
    pub server_cert: Option<Vec<u8>>,
    stdout: Option<BufReader<ChildStdout>>,
}

impl TcpProvider {
    /// Starts the binary with Terraform's environment, the TCP switch and the given port range
    /// (`PLUGIN_MIN_PORT`, `PLUGIN_MAX_PORT`); `client_cert` switches AutoMTLS on.
    pub fn start(client_cert: Option<&str>, ports: (u16, u16)) -> Self {
        let mut cmd = Command::new(provider_binary());
        cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_MIN_PORT", ports.0.to_string())
            .env("PLUGIN_MAX_PORT", ports.1.to_string())
            .env(TRANSPORT_VARIABLE, "tcp")
            .env_remove("PLUGIN_CLIENT_CERT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(pem) = client_cert {
            cmd.env("PLUGIN_CLIENT_CERT", pem);
        }
        let mut child = cmd.spawn().expect("start the provider binary");
        let (line, stdout) = read_handshake(&mut child);
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(fields[2], "tcp", "handshake line: {line:?}");
        let address: SocketAddr = fields[3]
            .parse()
            .unwrap_or_else(|e| panic!("address {:?}: {e}", fields[3]));
        let server_cert = announced_certificate(fields[5]);
        Self {
            child,
            handshake_line: line,
            address,
            server_cert,
            stdout: Some(stdout),
        }
    }

    /// Waits for exit up to `limit`; None if still running.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        wait_for_exit(&mut self.child, limit)
    }

    /// Everything the process wrote to stdout after the handshake line (call after exit).
    pub fn rest_of_stdout(&mut self) -> String {
        rest_of_stdout(&mut self.stdout)
    }

    /// A plaintext HTTP/2 channel to the announced address.
    pub async fn plain_channel(&self) -> Result<Channel, tonic::transport::Error> {
        Endpoint::from_shared(format!("http://{}", self.address))
            .unwrap()
            .connect()
            .await
    }

    /// A TLS channel that trusts the announced certificate and presents `identity`.
    pub async fn tls_channel(
        &self,
        identity: Option<&ClientIdentity>,
    ) -> Result<Channel, tonic::transport::Error> {
        let connector = tls_connector(self.server_cert.as_deref(), identity);
        let address = self.address;
        Endpoint::from_static("http://localhost")
            .connect_timeout(Duration::from_secs(5))
            .connect_with_connector(tower::service_fn(move |_| {
                let connector = connector.clone();
                async move {
                    let stream = tokio::net::TcpStream::connect(address).await?;
                    let name = ServerName::try_from("localhost").unwrap();
                    let tls = connector.connect(name, stream).await?;
                    Ok::<_, std::io::Error>(TokioIo::new(tls))
                }
            }))
            .await
    }
}

impl Drop for TcpProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
