//! Request coalescing and the token cache keep a check within its call budget. With the
//! connection's own secret every check reads afresh: a token, a SCIM GET and (unless the
//! secret's times are already on record) the secret list.
//! With management credentials an account costs one token (cached until shortly before it
//! expires), and a service principal one SCIM GET and one secret list, shared by identical
//! concurrent reads and, for up to `management_read_reuse` (60 s by default), by later ones.

use std::sync::Arc;

use crate::common::*;
use databricks_account_client::{ErrorKind, VerifyStatus};
use databricks_account_emulator::{Fault, FaultRule, Latency};
use tokio::sync::Barrier;

#[tokio::test]
async fn ten_concurrent_reads_of_one_principal_make_one_scim_call() {
    let emu = start();
    // Slow answers keep the first read in flight while the others arrive.
    emu.set_latency(Some(Latency::fixed(200)));
    let client = client(&emu);
    let barrier = Arc::new(Barrier::new(10));
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (client, barrier) = (client.clone(), Arc::clone(&barrier));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            client
                .get_service_principal(
                    &account(),
                    SERVICE_PRINCIPAL_ID,
                    &own_credentials(),
                    &never(),
                )
                .await
        }));
    }
    for task in tasks {
        let sp = task.await.unwrap().unwrap();
        assert_eq!(sp.display_name.as_deref(), Some("okta-workflows-connector"));
    }
    let calls = emu.calls();
    assert_eq!(calls.scim_get, 1);
    assert_eq!(calls.token, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_verifies_with_management_credentials_make_one_token_call() {
    let emu = start();
    emu.set_latency(Some(Latency::fixed(100)));
    let client = client(&emu);
    let barrier = Arc::new(Barrier::new(20));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (client, barrier) = (client.clone(), Arc::clone(&barrier));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            client.verify(&management_input(), &never()).await
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().status, VerifyStatus::Verified);
    }
    let calls = emu.calls();
    assert_eq!(calls.token, 1);
    // Same principal, same credentials: the reads are shared too.
    assert_eq!(calls.scim_get, 1);
    assert_eq!(calls.secrets_list, 1);
}

#[tokio::test]
async fn management_token_is_cached_across_verifications() {
    let emu = start();
    let client = client_without_read_reuse(&emu);
    for _ in 0..3 {
        client.verify(&management_input(), &never()).await.unwrap();
    }
    let calls = emu.calls();
    assert_eq!(calls.token, 1);
    assert_eq!(
        calls.scim_get, 3,
        "without read reuse, finished reads are not kept"
    );
}

#[tokio::test]
async fn a_changed_secret_gets_its_own_token() {
    let emu = start();
    let client = client(&emu);
    client.verify(&management_input(), &never()).await.unwrap();
    let mut input = management_input();
    input.credentials = databricks_account_client::VerifyWith::Management(
        databricks_account_client::ClientCredentials::new(MGMT_APP_ID, "dosesomethingelse"),
    );
    let err = client.verify(&input, &never()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CredentialsRejected);
    assert_eq!(emu.calls().token, 2);
}

#[tokio::test]
async fn sequential_management_verifies_of_one_principal_share_its_reads() {
    let emu = start();
    let client = client(&emu);
    for _ in 0..5 {
        let outcome = client.verify(&management_input(), &never()).await.unwrap();
        assert_eq!(outcome.status, VerifyStatus::Verified);
    }
    let calls = emu.calls();
    assert_eq!((calls.token, calls.scim_get, calls.secrets_list), (1, 1, 1));
}

#[tokio::test]
async fn own_secret_verifies_always_read_afresh() {
    let emu = start();
    let client = client(&emu);
    for _ in 0..3 {
        client.verify(&own_input(), &never()).await.unwrap();
    }
    let calls = emu.calls();
    assert_eq!((calls.token, calls.scim_get, calls.secrets_list), (3, 3, 3));
}

#[tokio::test]
async fn a_refused_cached_token_is_replaced_once_and_the_call_retried() {
    let emu = start();
    let client = client_without_read_reuse(&emu);
    client.verify(&management_input(), &never()).await.unwrap();
    emu.expire_tokens();
    let outcome = client.verify(&management_input(), &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::Verified);
    let calls = emu.calls();
    assert_eq!(calls.token, 2);
    // First verify 1 + second verify: refused, then retried.
    assert_eq!(calls.scim_get, 3);
}

#[tokio::test]
async fn a_token_refused_again_after_renewal_is_an_error() {
    let emu = start();
    let client = client_without_read_reuse(&emu);
    client.verify(&management_input(), &never()).await.unwrap();
    emu.inject_fault(
        FaultRule::new(
            SCIM_PREFIX,
            Fault::Response {
                status: 401,
                body: r#"{"error_code":"UNAUTHENTICATED","message":"Invalid access token."}"#
                    .into(),
                content_type: "application/json".into(),
                headers: Default::default(),
            },
        )
        .times(0),
    );
    let err = client
        .verify(&management_input(), &never())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    let calls = emu.calls();
    assert_eq!(
        (calls.token, calls.scim_get),
        (2, 3),
        "exactly one renewal and one retry"
    );
}

#[tokio::test]
async fn a_short_lived_token_is_renewed_before_it_expires() {
    let emu = start();
    emu.update_settings(|s| s.token_ttl_seconds = 1).unwrap();
    let client = client_without_read_reuse(&emu);
    client.verify(&management_input(), &never()).await.unwrap();
    // Renewed a quarter of its life early: after 0.8 s the 1 s token is no longer used. The
    // token's age is what is under test, so time has to pass; no event is waited for.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    client.verify(&management_input(), &never()).await.unwrap();
    let calls = emu.calls();
    assert_eq!(calls.token, 2);
    assert_eq!(calls.scim_get, 2, "no 401 round trip was needed");
}
