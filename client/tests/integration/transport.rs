//! Requests that get no HTTP answer: each failure is classified by the typed errors behind it
//! (what [`Error::transport`] says), the message names the host and the port, and what cannot
//! heal is not retried: a TLS handshake that fails for protocol, version or certificate
//! reasons, a plain-HTTP answer on an `https://` URL, a name that does not resolve. A refused
//! connection is retried only briefly.

use std::time::Duration;

use crate::common::*;
use databricks_account_client::{Client, Error, ErrorKind, Limit, TransportFailure, parse_host};
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

/// A budget far longer than any of these tests may take: what ends them is not the budget.
const LONG: Duration = Duration::from_secs(300);

/// The error was final at the first attempt.
#[track_caller]
fn not_retried(err: &Error) {
    assert_eq!(err.attempts(), 1, "{err:?}");
    assert_eq!(err.limit(), None, "{err:?}");
    assert!(err.last_cause().is_none(), "{err:?}");
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
    let err = token_error(&format!("https://127.0.0.1:{port}"), LONG).await;
    assert_eq!(err.transport(), Some(TransportFailure::NotTls), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Tls);
    not_retried(&err);
    assert_eq!(err.host(), Some("127.0.0.1"));
    assert_eq!(err.port(), Some(port));
    let text = err.to_string();
    assert!(
        text.contains(&format!("https://127.0.0.1:{port} did not answer in TLS")),
        "{text}"
    );
    assert!(text.contains("plain HTTP"), "{text}");
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
    let err = token_error(&emu.url(), LONG).await;
    assert_eq!(err.kind(), ErrorKind::Tls);
    not_retried(&err);
    assert_eq!(emu.calls().total(), 0, "no request got past the handshake");
    assert_eq!(err.transport(), Some(TransportFailure::Certificate));
    assert!(err.to_string().contains("is not trusted"), "{err}");
    assert!(
        std::error::Error::source(&err).is_some(),
        "the HTTP stack's error is the source"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_briefly_not_for_the_whole_budget() {
    let port = free_port();
    let started = std::time::Instant::now();
    let err = token_error(&format!("http://127.0.0.1:{port}"), LONG).await;
    assert_eq!(err.transport(), Some(TransportFailure::Refused), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.attempts() >= 2, "retried: {err:?}");
    let Some(Limit::RetryWindow { window, .. }) = err.limit() else {
        panic!("the retry window ended it: {err:?}");
    };
    assert_eq!(window, Duration::from_secs(15));
    // The last attempt starts within the window; its refusal (and the timer's rounding up to
    // the next millisecond) may land a moment after it.
    assert!(
        err.elapsed()
            .is_some_and(|t| t <= window + Duration::from_millis(500)),
        "{err:?}"
    );
    // Generous: the point is "not the 300 s budget".
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(err.port(), Some(port));
    let text = err.to_string();
    assert!(
        text.contains("a refused connection is retried for at most 15 s"),
        "{text}"
    );
    assert!(
        text.contains(&format!("could not connect to http://127.0.0.1:{port}")),
        "{text}"
    );
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_name_not_resolved() {
    let err = token_error("https://nonexistent.invalid", LONG).await;
    assert_eq!(
        err.transport(),
        Some(TransportFailure::NameNotResolved),
        "{err:?}"
    );
    not_retried(&err);
    assert!(
        err.to_string().contains(
            "could not connect to https://nonexistent.invalid (port 443): the host name nonexistent.invalid does not resolve"
        ),
        "{err}"
    );
    assert_eq!(err.host(), Some("nonexistent.invalid"));
    assert_eq!(err.port(), Some(443), "the port https:// implies");
}

#[tokio::test]
async fn a_connection_dropped_before_the_answer_is_broken() {
    let port = answering(b"").await;
    let err = token_error(
        &format!("http://127.0.0.1:{port}"),
        Duration::from_millis(300),
    )
    .await;
    assert_eq!(
        err.kind(),
        ErrorKind::BudgetExhausted,
        "retried within the budget"
    );
    assert_eq!(err.transport(), Some(TransportFailure::Broken), "{err:?}");
    assert!(err.attempts() >= 2, "{err:?}");
}

#[tokio::test]
async fn a_server_that_hangs_up_in_the_handshake_is_retried_briefly() {
    let port = answering(b"").await;
    let err = token_error(&format!("https://127.0.0.1:{port}"), LONG).await;
    assert_eq!(
        err.transport(),
        Some(TransportFailure::HandshakeClosed),
        "{err:?}"
    );
    assert!(
        matches!(err.limit(), Some(Limit::RetryWindow { .. })),
        "{err:?}"
    );
}
