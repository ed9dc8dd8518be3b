//! HTTPS for [`crate::Options::tls`]: a throwaway certificate authority, generated at start,
//! signs a server certificate for `localhost`, `127.0.0.1` and `::1`. Clients trust the CA
//! (e.g. through `SSL_CERT_FILE`) and so test the path production takes: HTTPS with
//! certificate verification on.
//!
//! A separate CA, rather than one self-signed server certificate, because verifiers such as
//! webpki reject a CA certificate presented as the server's own, and OpenSSL-based clients want
//! a CA in their trust file.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// A client that connects and never finishes the handshake is dropped after this long.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections whose handshake is done, waiting for the server to take them.
const ACCEPTED_BACKLOG: usize = 256;

/// The CA certificate to trust and the server's configuration.
pub(crate) struct TlsMaterial {
    pub ca_pem: String,
    pub config: Arc<rustls::ServerConfig>,
}

fn tls_error(what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("TLS set-up: {what}: {e}"))
}

/// Validity from a day ago (clock skew between the test machine's processes is harmless)
/// to a year ahead (a long CI run never outlives it).
fn validity(params: &mut CertificateParams) {
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::days(1);
    params.not_after = now + time::Duration::days(365);
}

pub(crate) fn generate() -> io::Result<TlsMaterial> {
    let alg = &rcgen::PKCS_ECDSA_P256_SHA256;
    let ca_key = KeyPair::generate_for(alg).map_err(|e| tls_error("CA key", e))?;
    let mut ca = CertificateParams::default();
    ca.distinguished_name
        .push(DnType::CommonName, "databricks-account-emulator test CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    validity(&mut ca);
    let ca_cert = ca
        .self_signed(&ca_key)
        .map_err(|e| tls_error("CA certificate", e))?;

    let server_key = KeyPair::generate_for(alg).map_err(|e| tls_error("server key", e))?;
    let mut server = CertificateParams::new(vec!["localhost".to_owned()])
        .map_err(|e| tls_error("server certificate", e))?;
    server.subject_alt_names.extend([
        SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
    ]);
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    server.is_ca = IsCa::ExplicitNoCa;
    server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    validity(&mut server);
    let issuer = Issuer::from_params(&ca, &ca_key);
    let server_cert = server
        .signed_by(&server_key, &issuer)
        .map_err(|e| tls_error("server certificate", e))?;

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error("protocol versions", e))?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(server_cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .map_err(|e| tls_error("server configuration", e))?;
    // axum serves HTTP/1.1 only (no `http2` feature).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        ca_pem: ca_cert.pem(),
        config: Arc::new(config),
    })
}

/// A listener that hands axum connections whose TLS handshake is complete. Handshakes run in
/// their own tasks, so one slow or hostile client does not hold up the others.
pub(crate) struct TlsListener {
    accepted: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local_addr: SocketAddr,
}

impl TlsListener {
    /// Must be called inside a Tokio runtime (it spawns the accept loop).
    pub fn new(
        tcp: TcpListener,
        local_addr: SocketAddr,
        config: Arc<rustls::ServerConfig>,
    ) -> Self {
        let (tx, rx) = mpsc::channel(ACCEPTED_BACKLOG);
        let acceptor = TlsAcceptor::from(config);
        tokio::spawn(async move {
            while !tx.is_closed() {
                let (stream, peer) = match tcp.accept().await {
                    Ok(conn) => conn,
                    Err(e) => {
                        // Out of file descriptors and the like: wait instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // Small request/response pairs: don't let Nagle add latency.
                let _ = stream.set_nodelay(true);
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, peer)).await;
                        }
                        // Typically a client that does not trust the CA: worth a line, since
                        // the client's own message may be all the user sees otherwise.
                        Ok(Err(e)) => tracing::info!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::info!(%peer, "TLS handshake timed out"),
                    }
                });
            }
        });
        TlsListener {
            accepted: rx,
            local_addr,
        }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.accepted.recv().await {
            Some(conn) => conn,
            // The accept loop only ends with the runtime; never hand out anything then.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local_addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ca_is_a_pem_certificate_and_the_server_config_speaks_http1() {
        let m = generate().unwrap();
        assert!(
            m.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"),
            "{}",
            m.ca_pem
        );
        assert_eq!(m.ca_pem.matches("BEGIN CERTIFICATE").count(), 1);
        assert_eq!(m.config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    }

    #[test]
    fn every_start_gets_its_own_ca() {
        assert_ne!(generate().unwrap().ca_pem, generate().unwrap().ca_pem);
    }
}
