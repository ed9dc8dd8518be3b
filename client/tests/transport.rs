//! Requests that get no HTTP answer: each failure is classified by the typed errors behind it
//! (what [`Error::transport`] says), and the message names the host and the port.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::*;
use databricks_account_client::{Client, Error, ErrorKind, TransportFailure, parse_host};
use databricks_account_emulator::{Emulator, Options, Seed};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server on a loopback port that reads what the client sends first (the TLS ClientHello)
/// and answers every connection with `reply`, then closes it.
async fn answering(reply: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut hello = [0u8; 1024];
            let _ = stream.read(&mut hello).await;
            let _ = stream.write_all(reply).await;
        }
    });
    port
}

/// A port nothing listens on: bound, noted, released.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The token request of the canonical connection against `host`, with a budget of
/// `retry_budget`; the emulator only provides the settings.
async fn token_error(host: &str, retry_budget: Duration) -> Error {
    let emu = start();
    let mut cfg = config(&emu);
    cfg.host = Some(parse_host(host).unwrap());
    cfg.retry_timeout = retry_budget;
    Client::new(cfg)
        .unwrap()
        .check_credentials(&account(), &own_credentials(), &never())
        .await
        .expect_err("nothing there answers HTTP")
}

/// What a TLS 1.1-only server sends to a client that offers TLS 1.2 and 1.3: a fatal
/// `protocol_version` alert (record type 21, TLS 1.0 record version, level 2, code 70).
const PROTOCOL_VERSION_ALERT: &[u8] = &[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46];

#[tokio::test]
async fn a_plain_http_server_on_an_https_url_is_not_tls() {
    let port = answering(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await;
    let err = token_error(&format!("https://127.0.0.1:{port}"), Duration::ZERO).await;
    assert_eq!(err.transport(), Some(TransportFailure::NotTls), "{err:?}");
    assert_eq!(err.host(), Some("127.0.0.1"));
    assert_eq!(err.port(), Some(port));
}

#[tokio::test]
async fn a_server_without_a_common_tls_version_is_a_tls_version_failure() {
    let port = answering(PROTOCOL_VERSION_ALERT).await;
    let err = token_error(&format!("https://127.0.0.1:{port}"), Duration::ZERO).await;
    assert_eq!(
        err.transport(),
        Some(TransportFailure::TlsVersion),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_certificate_failure() {
    let emu = Emulator::start_with(
        Seed::canonical(),
        Options {
            tls: true,
            ..Options::default()
        },
    )
    .unwrap();
    let err = token_error(&emu.url(), Duration::ZERO).await;
    assert_eq!(err.kind(), ErrorKind::Tls);
    assert_eq!(err.transport(), Some(TransportFailure::Certificate));
    assert!(err.to_string().contains("is not trusted"), "{err}");
    assert!(
        std::error::Error::source(&err).is_some(),
        "the HTTP stack's error is the source"
    );
}

#[tokio::test]
async fn a_refused_connection_is_refused() {
    let port = free_port();
    let err = token_error(&format!("http://127.0.0.1:{port}"), Duration::ZERO).await;
    assert_eq!(err.transport(), Some(TransportFailure::Refused), "{err:?}");
    assert_eq!(err.port(), Some(port));
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_name_not_resolved() {
    let err = token_error("https://nonexistent.invalid", Duration::ZERO).await;
    assert_eq!(
        err.transport(),
        Some(TransportFailure::NameNotResolved),
        "{err:?}"
    );
    assert_eq!(err.host(), Some("nonexistent.invalid"));
    assert_eq!(err.port(), Some(443), "the port https:// implies");
}

#[tokio::test]
async fn a_connection_dropped_before_the_answer_is_broken() {
    let port = answering(b"").await;
    let err = token_error(&format!("http://127.0.0.1:{port}"), Duration::ZERO).await;
    assert_eq!(err.transport(), Some(TransportFailure::Broken), "{err:?}");
}
