//! The single operations the provider uses besides `verify`: list and delete secrets.

use crate::common::*;
use databricks_account_client::{DeleteOutcome, ErrorKind};
use databricks_account_emulator::{Fault, FaultRule};

#[tokio::test]
async fn list_secrets_returns_the_listed_fields_without_values() {
    let emu = start();
    let secrets = client(&emu)
        .list_secrets(
            &account(),
            SERVICE_PRINCIPAL_ID,
            &own_credentials(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].id, SECRET_ID);
    assert_eq!(secrets[0].status.as_deref(), Some("ACTIVE"));
    assert_eq!(
        secrets[0].create_time.as_deref(),
        Some("2025-01-01T00:00:00.000Z")
    );
    assert!(!format!("{secrets:?}").contains(SECRET));
}

#[tokio::test]
async fn deleting_a_secret_twice_succeeds_the_second_time_as_already_gone() {
    let emu = start();
    let client = client(&emu);
    let other = emu
        .add_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, Default::default())
        .unwrap();
    let outcome = client
        .delete_secret(
            &account(),
            SERVICE_PRINCIPAL_ID,
            &other.id,
            &own_credentials(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(outcome, DeleteOutcome::Deleted);
    let outcome = client
        .delete_secret(
            &account(),
            SERVICE_PRINCIPAL_ID,
            &other.id,
            &own_credentials(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(outcome, DeleteOutcome::AlreadyGone);
    assert_eq!(emu.calls().secrets_delete, 2);
    let left = client
        .list_secrets(
            &account(),
            SERVICE_PRINCIPAL_ID,
            &own_credentials(),
            &never(),
        )
        .await
        .unwrap();
    assert!(left.iter().all(|s| s.id != other.id));
}

#[tokio::test]
async fn a_forbidden_deletion_is_an_error() {
    let emu = start();
    let err = client(&emu)
        .delete_secret(
            &account(),
            SERVICE_PRINCIPAL_ID_2,
            SECRET_ID_2,
            &databricks_account_client::ClientCredentials::new(APPLICATION_ID_2, SECRET_2),
            &never(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert!(
        err.to_string()
            .starts_with(&format!("DELETE {}/api/2.0/accounts/", emu.url())),
        "{err}"
    );
}

#[tokio::test]
async fn a_proxy_html_503_page_is_retried() {
    let emu = start();
    emu.inject_fault(FaultRule::new(
        SCIM_PREFIX,
        Fault::Response {
            status: 503,
            body: "<html><title>Down for maintenance</title></html>".into(),
            content_type: "text/html".into(),
            headers: Default::default(),
        },
    ));
    client(&emu)
        .get_service_principal(
            &account(),
            SERVICE_PRINCIPAL_ID,
            &own_credentials(),
            &never(),
        )
        .await
        .unwrap();
    assert_eq!(emu.calls().scim_get, 2);
}
