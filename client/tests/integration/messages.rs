//! The facts an error carries for its wording: where the host came from (configured with or
//! without a scheme), a failure stated once in the message, and whether a cancelled secret
//! deletion had sent its DELETE.

use std::time::Duration;

use crate::common::*;
use databricks_account_client::{
    Client, Endpoint, ErrorKind, HostOrigin, Operation, TransportFailure, parse_host,
};
use databricks_account_emulator::{Fault, FaultRule};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A plain-HTTP server on a loopback port that answers every connection with a 400.
async fn plain_http() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut hello = [0u8; 1024];
            let _ = stream.read(&mut hello).await;
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    port
}

/// The token request of the canonical connection against `host`.
async fn token_error(host: &str) -> databricks_account_client::Error {
    let emu = start();
    let mut cfg = config(&emu);
    cfg.host = Some(parse_host(host).unwrap());
    Client::new(cfg)
        .unwrap()
        .check_credentials(&account(), &own_credentials(), &never())
        .await
        .expect_err("nothing there answers HTTPS")
}

#[tokio::test]
async fn a_host_written_without_a_scheme_is_reported_as_such() {
    let port = plain_http().await;
    let err = token_error(&format!("127.0.0.1:{port}")).await;
    assert_eq!(err.transport(), Some(TransportFailure::NotTls), "{err:?}");
    assert_eq!(err.host_origin(), Some(HostOrigin::ConfiguredWithoutScheme));
    let err = token_error(&format!("https://127.0.0.1:{port}")).await;
    assert_eq!(err.transport(), Some(TransportFailure::NotTls), "{err:?}");
    assert_eq!(err.host_origin(), Some(HostOrigin::Configured));
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_said_once() {
    let err = token_error("https://nonexistent.invalid").await;
    assert_eq!(
        err.transport(),
        Some(TransportFailure::NameNotResolved),
        "{err:?}"
    );
    let text = err.to_string();
    assert_eq!(text.matches("resolve").count(), 1, "{text}");
    assert!(
        text.contains("the host name nonexistent.invalid does not resolve to an address"),
        "{text}"
    );
}

#[tokio::test]
async fn a_deletion_cancelled_while_its_delete_is_in_flight_names_the_delete() {
    let emu = start();
    emu.inject_fault(
        FaultRule::new("/api/2.0/accounts/", Fault::delay_ms(30_000))
            .method("DELETE")
            .times(0),
    );
    let client = client(&emu);
    let cancel = never();
    let (account, management) = (account(), management());
    let deletion = client.delete_secret(
        &account,
        SERVICE_PRINCIPAL_ID,
        SECRET_ID,
        &management,
        &cancel,
    );
    let watcher = async {
        // Cancelled once the emulator has the DELETE.
        while emu.calls().secrets_delete == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        cancel.cancel();
    };
    let (result, ()) = tokio::join!(deletion, watcher);
    let err = result.expect_err("cancelled");
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert_eq!(err.operation(), Some(Operation::SecretDeletion));
    assert_eq!(err.endpoint(), Some(Endpoint::Api), "{err:?}");
    assert!(
        err.request().is_some_and(|r| r.starts_with("DELETE ")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_deletion_cancelled_before_anything_was_sent_names_no_request() {
    let emu = start();
    let client = client(&emu);
    let cancel = never();
    cancel.cancel();
    let err = client
        .delete_secret(
            &account(),
            SERVICE_PRINCIPAL_ID,
            SECRET_ID,
            &management(),
            &cancel,
        )
        .await
        .expect_err("cancelled");
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert_eq!(err.endpoint(), None, "{err:?}");
    assert_eq!(err.request(), None);
    assert_eq!(emu.calls().secrets_delete, 0);
}
