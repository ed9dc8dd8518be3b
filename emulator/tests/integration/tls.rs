//! HTTPS (`Options { tls: true }`): clients that trust the generated CA get the real API; those
//! that do not fail the handshake.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use databricks_account_emulator::{Emulator, Options, Seed, canonical::*};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::Value;

fn start_tls() -> Emulator {
    Emulator::start_with(
        Seed::canonical(),
        Options {
            tls: true,
            ..Options::default()
        },
    )
    .unwrap()
}

/// A client that trusts only the emulator's CA (no system roots).
fn trusting(emu: &Emulator) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(emu.ca_certificate_pem().unwrap().as_bytes()).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .unwrap()
}

async fn token(http: &reqwest::Client, base: &str) -> reqwest::Result<reqwest::Response> {
    http.post(format!("{base}/oidc/accounts/{ACCOUNT_ID}/v1/token"))
        .basic_auth(APPLICATION_ID, Some(SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "all-apis")])
        .send()
        .await
}

#[tokio::test]
async fn serves_https_to_clients_that_trust_its_ca_by_ip_and_by_localhost() {
    let emu = start_tls();
    let url = emu.url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let http = trusting(&emu);
    assert_eq!(token(&http, &url).await.unwrap().status(), 200);
    let localhost = format!("https://localhost:{}", emu.local_addr().port());
    assert_eq!(token(&http, &localhost).await.unwrap().status(), 200);
    assert_eq!(emu.calls().token, 2);
}

#[tokio::test]
async fn the_server_certificate_is_valid_for_the_ipv6_loopback_too() {
    // Verified by name without needing IPv6 on the machine: the TLS client checks `::1`
    // against the certificate over a connection to 127.0.0.1.
    let emu = start_tls();
    let mut roots = rustls::RootCertStore::empty();
    let pem = emu.ca_certificate_pem().unwrap();
    let der = CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
    roots.add(der).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    for name in [
        IpAddr::V6(Ipv6Addr::LOCALHOST),
        IpAddr::V4(Ipv4Addr::LOCALHOST),
    ] {
        let tcp = tokio::net::TcpStream::connect(emu.local_addr())
            .await
            .unwrap();
        let server_name = ServerName::IpAddress(name.into());
        connector
            .connect(server_name, tcp)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let tcp = tokio::net::TcpStream::connect(emu.local_addr())
        .await
        .unwrap();
    let other = ServerName::try_from("example.com").unwrap();
    assert!(
        connector.connect(other, tcp).await.is_err(),
        "valid for loopback names only"
    );
}

#[tokio::test]
async fn clients_that_do_not_trust_the_ca_fail_and_the_server_keeps_serving() {
    let emu = start_tls();
    let other = start_tls();
    // Trusts another emulator's CA, not this one's.
    let wrong = trusting(&other);
    let err = token(&wrong, &emu.url()).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    let plain = reqwest::Client::new();
    let http_url = emu.url().replace("https://", "http://");
    assert!(token(&plain, &http_url).await.is_err(), "no plain HTTP");
    assert_eq!(emu.calls().total(), 0, "no request got through");
    assert_eq!(
        token(&trusting(&emu), &emu.url()).await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn discovery_documents_name_https_urls() {
    let emu = start_tls();
    let http = trusting(&emu);
    let meta: Value = http
        .get(format!("{}/.well-known/databricks-config", emu.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        meta["oidc_endpoint"],
        format!("{}/oidc/accounts/{{account_id}}", emu.url())
    );
    let doc: Value = http
        .get(format!(
            "{}/oidc/accounts/{ACCOUNT_ID}/.well-known/openid-configuration",
            emu.url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["token_endpoint"],
        format!("{}/oidc/accounts/{ACCOUNT_ID}/v1/token", emu.url())
    );
}

#[test]
fn plain_emulators_have_no_ca_and_every_tls_start_has_its_own() {
    let plain = Emulator::start(Seed::new()).unwrap();
    assert!(plain.url().starts_with("http://"));
    assert_eq!(plain.ca_certificate_pem(), None);
    let (a, b) = (start_tls(), start_tls());
    assert_ne!(a.ca_certificate_pem(), b.ca_certificate_pem());
}
