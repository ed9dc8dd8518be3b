//! The provider on go-plugin's TCP transport (Windows' transport, asked for on Linux with
//! `TF_PROVIDER_DATABRICKS_TRANSPORT=tcp`), started the way Terraform starts it, and dialled.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, ServerName};
use tonic::transport::{Channel, Endpoint};

use super::process::{COOKIE, ClientIdentity, provider_binary};

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
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("read the handshake line");
        let line = line.trim_end().to_string();
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(fields.len(), 6, "handshake line: {line:?}");
        assert_eq!(fields[2], "tcp", "handshake line: {line:?}");
        let address: SocketAddr = fields[3]
            .parse()
            .unwrap_or_else(|e| panic!("address {:?}: {e}", fields[3]));
        let server_cert = (!fields[5].is_empty()).then(|| {
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(fields[5])
                .expect("certificate field is unpadded standard base64")
        });
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
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// Everything the process wrote to stdout after the handshake line (call after exit).
    pub fn rest_of_stdout(&mut self) -> String {
        let mut rest = String::new();
        if let Some(mut out) = self.stdout.take() {
            out.read_to_string(&mut rest).unwrap();
        }
        rest
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
        let server_cert = CertificateDer::from(self.server_cert.clone().expect("TLS is on"));
        let mut roots = rustls::RootCertStore::empty();
        roots.add(server_cert).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots);
        let mut config = match identity {
            Some(id) => builder
                .with_client_auth_cert(vec![id.der.clone()], id.key.clone_key())
                .unwrap(),
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"h2".to_vec()];
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
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
