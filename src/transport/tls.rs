//! AutoMTLS: the server identity we present and the client certificate we demand.
//!
//! Terraform generates a one-time P-521 certificate (CA:TRUE, self-signed) per run and hands
//! it to us in `PLUGIN_CLIENT_CERT`. Stock webpki verification rejects it (a CA used as an end
//! entity) and rustls' *ring* backend cannot check P-521 signatures, so we pin the exact
//! certificate bytes instead and verify handshake signatures with aws-lc-rs, which covers
//! `ecdsa_secp521r1_sha512`. Our own certificate is a fresh P-256 key per start.

use std::sync::Arc;

use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName as TlsName, SignatureScheme,
};
use time::{Duration, OffsetDateTime};

/// Errors while preparing TLS; all of them stop the provider before the handshake line.
#[derive(Debug)]
pub enum TlsSetupError {
    ClientCert(String),
    ServerCert(String),
    Config(String),
}

impl std::fmt::Display for TlsSetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ClientCert(e) => {
                write!(f, "PLUGIN_CLIENT_CERT is not a usable PEM certificate: {e}")
            }
            Self::ServerCert(e) => {
                write!(f, "could not generate the provider's TLS certificate: {e}")
            }
            Self::Config(e) => write!(f, "could not build the TLS configuration: {e}"),
        }
    }
}

impl std::error::Error for TlsSetupError {}

/// The certificate the provider serves with; `der` goes into the handshake line.
pub struct ServerIdentity {
    pub der: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

impl ServerIdentity {
    /// A fresh P-256 certificate for `localhost`, the name Terraform's client checks.
    pub fn generate() -> Result<Self, TlsSetupError> {
        let err = |e: rcgen::Error| TlsSetupError::ServerCert(e.to_string());
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(err)?;
        let mut params = CertificateParams::default();
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, "localhost");
        name.push(DnType::OrganizationName, "terraform-provider-databricks");
        params.distinguished_name = name;
        params.subject_alt_names = vec![SanType::DnsName("localhost".try_into().map_err(err)?)];
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::KeyAgreement,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        // Backdated like go-plugin's, so a client clock a little behind still accepts it.
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::seconds(30);
        params.not_after = now + Duration::days(3650);
        let cert = params.self_signed(&key).map_err(err)?;
        Ok(Self {
            der: cert.der().clone(),
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        })
    }
}

/// Parses `PLUGIN_CLIENT_CERT` (PEM) into the one certificate we will accept.
pub fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, TlsSetupError> {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| TlsSetupError::ClientCert(e.to_string()))
}

/// The aws-lc-rs provider: the only rustls backend that verifies P-521 signatures.
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Server config requiring the pinned client certificate, offering ALPN `h2` (grpc-go ≥ 1.67,
/// i.e. Terraform ≥ 1.12, refuses TLS servers that don't select it).
pub fn server_config(
    identity: &ServerIdentity,
    client_cert: CertificateDer<'static>,
) -> Result<rustls::ServerConfig, TlsSetupError> {
    let provider = crypto_provider();
    let verifier = Arc::new(PinnedClientCert {
        expected: client_cert,
        algorithms: provider.signature_verification_algorithms,
    });
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError::Config(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![identity.der.clone()], identity.key.clone_key())
        .map_err(|e| TlsSetupError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// Accepts exactly one certificate, compared byte for byte, and checks that the peer proves
/// possession of its key.
#[derive(Debug)]
struct PinnedClientCert {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    /// No hints: Go's client then considers its certificate acceptable to any issuer.
    fn root_hint_subjects(&self) -> &[TlsName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            tracing::warn!("refused a TLS client whose certificate is not Terraform's");
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    /// Listed in the CertificateRequest; Go only sends a P-521 certificate if
    /// `ecdsa_secp521r1_sha512` is among them.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_schemes_include_p521_so_go_sends_its_certificate() {
        let algorithms = crypto_provider().signature_verification_algorithms;
        assert!(
            algorithms
                .supported_schemes()
                .contains(&SignatureScheme::ECDSA_NISTP521_SHA512)
        );
    }

    #[test]
    fn pinned_verifier_accepts_only_the_exact_certificate() {
        let a = ServerIdentity::generate().unwrap();
        let b = ServerIdentity::generate().unwrap();
        let verifier = PinnedClientCert {
            expected: a.der.clone(),
            algorithms: crypto_provider().signature_verification_algorithms,
        };
        assert!(
            verifier
                .verify_client_cert(&a.der, &[], UnixTime::now())
                .is_ok()
        );
        assert!(
            verifier
                .verify_client_cert(&b.der, &[], UnixTime::now())
                .is_err()
        );
        assert!(verifier.client_auth_mandatory());
    }

    #[test]
    fn client_cert_pem_round_trips_and_garbage_is_an_error() {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let cert = CertificateParams::new(vec!["localhost".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let parsed = parse_client_cert(&cert.pem()).unwrap();
        assert_eq!(parsed.as_ref(), cert.der().as_ref());
        assert!(parse_client_cert("not a certificate").is_err());
    }

    #[test]
    fn server_config_offers_h2() {
        let id = ServerIdentity::generate().unwrap();
        let config = server_config(&id, id.der.clone()).unwrap();
        assert_eq!(config.alpn_protocols, vec![b"h2".to_vec()]);
    }
}
