//! Starting the provider binary the way Terraform does, and dialling it.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tonic::transport::{Channel, Endpoint};

pub const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

pub fn provider_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-databricks"))
}

/// A client identity shaped like go-plugin's: P-521, self-signed, CA:TRUE, SAN localhost.
pub struct ClientIdentity {
    pub pem: String,
    pub der: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
}

impl ClientIdentity {
    pub fn go_plugin_like() -> Self {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "HashiCorp");
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let cert = params.self_signed(&key).unwrap();
        Self {
            pem: cert.pem(),
            der: cert.der().clone(),
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

/// A running provider and what it announced.
pub struct ProviderProcess {
    pub child: Child,
    pub socket: PathBuf,
    pub server_cert: Option<Vec<u8>>,
    pub handshake_line: String,
    stdout: Option<BufReader<ChildStdout>>,
}

impl ProviderProcess {
    /// Starts the binary with Terraform's environment; `client_cert` switches AutoMTLS on.
    pub fn start(client_cert: Option<&str>) -> Self {
        Self::start_with(client_cert, None)
    }

    /// [`ProviderProcess::start`] with debug logs (hclog JSON lines) written to `log`.
    pub fn start_logging(client_cert: Option<&str>, log: &std::path::Path) -> Self {
        Self::start_with(client_cert, Some(log))
    }

    fn start_with(client_cert: Option<&str>, log: Option<&std::path::Path>) -> Self {
        let mut cmd = Command::new(provider_binary());
        cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env_remove("PLUGIN_CLIENT_CERT")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER_DATABRICKS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        match log {
            Some(log) => cmd
                .env("TF_LOG_PROVIDER", "debug")
                .stderr(std::fs::File::create(log).unwrap()),
            None => cmd.env_remove("TF_LOG_PROVIDER"),
        };
        if let Some(pem) = client_cert {
            cmd.env("PLUGIN_CLIENT_CERT", pem);
        }
        let mut child = cmd.spawn().expect("start the provider binary");
        let (line, stdout) = read_handshake(&mut child);
        let fields: Vec<&str> = line.split('|').collect();
        let server_cert = announced_certificate(fields[5]);
        Self {
            socket: PathBuf::from(fields[3]),
            server_cert,
            handshake_line: line,
            child,
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

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// A plaintext HTTP/2 channel over the unix socket.
    pub async fn plain_channel(&self) -> Result<Channel, tonic::transport::Error> {
        let path = self.socket.clone();
        Endpoint::from_static("http://localhost")
            .connect_with_connector(tower::service_fn(move |_| {
                let path = path.clone();
                async move {
                    Ok::<_, std::io::Error>(TokioIo::new(
                        tokio::net::UnixStream::connect(path).await?,
                    ))
                }
            }))
            .await
    }

    /// A TLS channel that trusts the announced server certificate and presents `identity`.
    pub async fn tls_channel(
        &self,
        identity: Option<&ClientIdentity>,
    ) -> Result<Channel, tonic::transport::Error> {
        let connector = tls_connector(self.server_cert.as_deref(), identity);
        let path = self.socket.clone();
        Endpoint::from_static("http://localhost")
            .connect_timeout(Duration::from_secs(5))
            .connect_with_connector(tower::service_fn(move |_| {
                let path = path.clone();
                let connector = connector.clone();
                async move {
                    let stream = tokio::net::UnixStream::connect(path).await?;
                    let name = ServerName::try_from("localhost").unwrap();
                    let tls = connector.connect(name, stream).await?;
                    Ok::<_, std::io::Error>(TokioIo::new(tls))
                }
            }))
            .await
    }
}

/// Reads the handshake line of a provider just started with a piped stdout: the line, trimmed
/// and checked to have go-plugin's six fields, and the rest of stdout.
pub fn read_handshake(child: &mut Child) -> (String, BufReader<ChildStdout>) {
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout
        .read_line(&mut line)
        .expect("read the handshake line");
    let line = line.trim_end().to_string();
    assert_eq!(line.split('|').count(), 6, "handshake line: {line:?}");
    (line, stdout)
}

/// The server certificate of a handshake line's last field (empty without AutoMTLS).
pub fn announced_certificate(field: &str) -> Option<Vec<u8>> {
    (!field.is_empty()).then(|| {
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(field)
            .expect("certificate field is unpadded standard base64")
    })
}

/// Waits for `child` to exit, up to `limit`; None if still running.
pub fn wait_for_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

/// Everything left on a provider's stdout (call after exit).
pub fn rest_of_stdout(stdout: &mut Option<BufReader<ChildStdout>>) -> String {
    let mut rest = String::new();
    if let Some(mut out) = stdout.take() {
        out.read_to_string(&mut rest).unwrap();
    }
    rest
}

/// A TLS connector, as Terraform's, that trusts exactly the announced server certificate,
/// presents `identity` (or no client certificate) and speaks h2.
pub fn tls_connector(
    server_cert: Option<&[u8]>,
    identity: Option<&ClientIdentity>,
) -> tokio_rustls::TlsConnector {
    let server_cert = CertificateDer::from(server_cert.expect("TLS is on").to_vec());
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
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

impl Drop for ProviderProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The provider, started with `--debug`; Terraform reattaches to it.
pub struct DebugProvider {
    pub child: Child,
    /// The `TF_REATTACH_PROVIDERS` value it printed.
    pub reattach: String,
    // Held open so the provider never writes into a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl DebugProvider {
    /// Starts it with its stderr in `log`.
    pub fn start(log: &std::path::Path) -> Self {
        Self::start_binary(&provider_binary(), log, &[])
    }

    /// [`DebugProvider::start`] with another build of the provider (`binary`) and further
    /// environment variables.
    pub fn start_binary(
        binary: &std::path::Path,
        log: &std::path::Path,
        env: &[(&str, &str)],
    ) -> Self {
        let mut child = Command::new(binary)
            .arg("--debug")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .env_remove("TF_LOG_PROVIDER_DATABRICKS")
            .env_remove("TF_PLUGIN_MAGIC_COOKIE")
            .env_remove("PLUGIN_CLIENT_CERT")
            // With reattach the provider resolves its environment variables in this process's
            // environment, not Terraform's: only `main.tf` configures it, and the developer's
            // ~/.databrickscfg is out of reach (HOME is the log's directory).
            .env_remove("DATABRICKS_HOST")
            .env_remove("DATABRICKS_ACCOUNT_ID")
            .env_remove("DATABRICKS_CLIENT_ID")
            .env_remove("DATABRICKS_CLIENT_SECRET")
            .env_remove("DATABRICKS_RATE_LIMIT")
            .env_remove("DATABRICKS_CONFIG_PROFILE")
            .env_remove("DATABRICKS_CONFIG_FILE")
            .env("HOME", log.parent().unwrap_or(log))
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .expect("start the provider with --debug");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut reattach = None;
        let mut line = String::new();
        while reattach.is_none() {
            line.clear();
            if stdout.read_line(&mut line).unwrap() == 0 {
                panic!(
                    "the provider ended its stdout before printing TF_REATTACH_PROVIDERS; \
                     stderr: {}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
            }
            reattach = line
                .trim()
                .strip_prefix("export TF_REATTACH_PROVIDERS='")
                .and_then(|v| v.strip_suffix('\''))
                .map(str::to_string);
        }
        Self {
            child,
            reattach: reattach.unwrap(),
            _stdout: stdout,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for DebugProvider {
    fn drop(&mut self) {
        // SIGTERM shuts down cleanly in every mode.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
