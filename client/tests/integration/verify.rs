//! `Client::verify` against the emulator: every status, with own and management credentials.

use crate::common::*;
use databricks_account_client::{
    CredentialSource, Endpoint, ErrorKind, SecretString, VerifyStatus, VerifyWith,
};
use databricks_account_emulator::time::{
    Duration as TimeDuration, OffsetDateTime, format_description::well_known::Rfc3339,
};
use databricks_account_emulator::{NewSecret, ServicePrincipalUpdate};

fn statuses(outcome: &databricks_account_client::VerifyOutcome) -> Vec<VerifyStatus> {
    outcome.failures.iter().map(|f| f.status).collect()
}

#[tokio::test]
async fn healthy_connection_is_verified_with_observed_facts_in_three_calls() {
    let emu = start();
    let client = client(&emu);
    let outcome = client.verify(&own_input(), &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::Verified, "{outcome:?}");
    assert!(outcome.failures.is_empty());
    assert_eq!(outcome.checked_with, CredentialSource::Own);
    assert_eq!(
        outcome.service_principal_name(),
        Some("okta-workflows-connector")
    );
    assert_eq!(outcome.secret_create_time(), Some("2025-01-01T00:00:00Z"));
    let expire = outcome
        .secret_expire_time()
        .expect("canonical secret expires");
    assert!(OffsetDateTime::parse(expire, &Rfc3339).unwrap() > OffsetDateTime::now_utc());
    let calls = emu.calls();
    assert_eq!((calls.token, calls.scim_get, calls.secrets_list), (1, 1, 1));
}

#[tokio::test]
async fn own_credentials_always_exchange_a_fresh_token() {
    let emu = start();
    let client = client(&emu);
    client.verify(&own_input(), &never()).await.unwrap();
    client.verify(&own_input(), &never()).await.unwrap();
    assert_eq!(emu.calls().token, 2);
}

#[tokio::test]
async fn wrong_secret_is_credentials_rejected_and_nothing_else_is_called() {
    let emu = start();
    let mut input = own_input();
    input.credentials = VerifyWith::OwnSecret(SecretString::new("dosewrong"));
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::CredentialsRejected);
    assert_eq!(outcome.failures.len(), 1);
    assert!(
        outcome.failures[0].reason.contains(APPLICATION_ID),
        "{}",
        outcome.failures[0].reason
    );
    assert!(outcome.service_principal.is_none() && outcome.secret.is_none());
    let calls = emu.calls();
    assert_eq!((calls.token, calls.scim_get, calls.secrets_list), (1, 0, 0));
}

#[tokio::test]
async fn refused_own_secret_with_a_passed_recorded_expiry_is_secret_expired() {
    let emu = start();
    emu.expire_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
        .unwrap();
    let client = client(&emu);
    let mut input = own_input();
    let past = (OffsetDateTime::now_utc() - TimeDuration::days(1))
        .format(&Rfc3339)
        .unwrap();
    input.recorded_secret_expire_time = Some(past);
    let outcome = client.verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::SecretExpired);
    // Without a recorded expiry (or with one in the future) the refusal is unexplained.
    input.recorded_secret_expire_time = None;
    let outcome = client.verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::CredentialsRejected);
    let future = (OffsetDateTime::now_utc() + TimeDuration::days(30))
        .format(&Rfc3339)
        .unwrap();
    input.recorded_secret_expire_time = Some(future);
    let outcome = client.verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::CredentialsRejected);
}

#[tokio::test]
async fn own_credentials_of_a_principal_without_the_role_are_not_account_admin() {
    let emu = start();
    let mut input = own_input();
    input.client_id = Some(APPLICATION_ID_2.into());
    input.service_principal_id = SERVICE_PRINCIPAL_ID_2.into();
    input.secret_id = SECRET_ID_2.into();
    input.credentials = VerifyWith::OwnSecret(SecretString::new(SECRET_2));
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::NotAccountAdmin);
    assert_eq!(statuses(&outcome), [VerifyStatus::NotAccountAdmin]);
    assert!(
        outcome.failures[0].reason.contains("403"),
        "{}",
        outcome.failures[0].reason
    );
}

#[tokio::test]
async fn own_credentials_with_an_unknown_principal_id_are_service_principal_not_found() {
    let emu = start();
    let mut input = own_input();
    input.service_principal_id = "1111111111111111".into();
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(statuses(&outcome), [VerifyStatus::ServicePrincipalNotFound]);
    // A missing principal has no secret list to read.
    assert_eq!(emu.calls().secrets_list, 0);
}

#[tokio::test]
async fn another_principals_id_reports_every_failed_check_first_is_client_id_mismatch() {
    let emu = start();
    let mut input = own_input();
    // Valid admin credentials of principal 1, but the SCIM ID of principal 2.
    input.service_principal_id = SERVICE_PRINCIPAL_ID_2.into();
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::ClientIdMismatch);
    assert_eq!(
        statuses(&outcome),
        [
            VerifyStatus::ClientIdMismatch,
            VerifyStatus::NotAccountAdmin,
            VerifyStatus::SecretNotFound
        ]
    );
    assert_eq!(outcome.service_principal_name(), Some("reporting-bot"));
}

#[tokio::test]
async fn management_credentials_see_a_deleted_principal() {
    let emu = start();
    emu.delete_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
        .unwrap();
    let outcome = client(&emu)
        .verify(&management_input(), &never())
        .await
        .unwrap();
    assert_eq!(outcome.checked_with, CredentialSource::Management);
    assert_eq!(statuses(&outcome), [VerifyStatus::ServicePrincipalNotFound]);
}

#[tokio::test]
async fn management_credentials_see_a_deactivated_principal() {
    let emu = start();
    emu.deactivate_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
        .unwrap();
    let outcome = client(&emu)
        .verify(&management_input(), &never())
        .await
        .unwrap();
    assert_eq!(statuses(&outcome), [VerifyStatus::ServicePrincipalInactive]);
    assert_eq!(
        outcome.service_principal.as_ref().map(|p| p.active),
        Some(false)
    );
}

#[tokio::test]
async fn management_credentials_see_a_removed_role() {
    let emu = start();
    emu.remove_role(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, "account_admin")
        .unwrap();
    let outcome = client(&emu)
        .verify(&management_input(), &never())
        .await
        .unwrap();
    assert_eq!(statuses(&outcome), [VerifyStatus::NotAccountAdmin]);
    // roles empty → asked again with ?attributes=roles.
    assert_eq!(emu.calls().scim_get, 2);
}

#[tokio::test]
async fn management_credentials_see_a_changed_application_id() {
    let emu = start();
    emu.update_service_principal(
        ACCOUNT_ID,
        SERVICE_PRINCIPAL_ID,
        ServicePrincipalUpdate {
            application_id: Some("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let outcome = client(&emu)
        .verify(&management_input(), &never())
        .await
        .unwrap();
    assert_eq!(statuses(&outcome), [VerifyStatus::ClientIdMismatch]);
}

#[tokio::test]
async fn client_id_is_compared_case_insensitively() {
    let emu = start();
    let mut input = management_input();
    input.client_id = Some(APPLICATION_ID.to_uppercase());
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::Verified, "{outcome:?}");
}

#[tokio::test]
async fn management_credentials_see_a_deleted_secret() {
    let emu = start();
    emu.delete_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
        .unwrap();
    let outcome = client(&emu)
        .verify(&management_input(), &never())
        .await
        .unwrap();
    assert_eq!(statuses(&outcome), [VerifyStatus::SecretNotFound]);
    assert!(outcome.secret.is_none());
}

#[tokio::test]
async fn management_credentials_see_a_deactivated_secret() {
    let emu = start();
    emu.deactivate_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
        .unwrap();
    let outcome = client(&emu)
        .verify(&management_input(), &never())
        .await
        .unwrap();
    assert_eq!(statuses(&outcome), [VerifyStatus::SecretInactive]);
    assert_eq!(
        outcome.secret.as_ref().and_then(|s| s.status.as_deref()),
        Some("INACTIVE")
    );
}

#[tokio::test]
async fn an_expired_secret_still_listed_is_secret_expired() {
    let emu = start();
    emu.update_settings(|s| s.list_omits_expired_secrets = false)
        .unwrap();
    emu.expire_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
        .unwrap();
    let outcome = client(&emu)
        .verify(&management_input(), &never())
        .await
        .unwrap();
    assert_eq!(statuses(&outcome), [VerifyStatus::SecretExpired]);
    assert!(outcome.secret_expire_time().is_some());
}

#[tokio::test]
async fn an_expired_secret_left_out_of_the_list_is_secret_expired_when_the_recorded_expiry_passed()
{
    let emu = start();
    emu.expire_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
        .unwrap();
    let client = client(&emu);
    let mut input = management_input();
    let outcome = client.verify(&input, &never()).await.unwrap();
    assert_eq!(statuses(&outcome), [VerifyStatus::SecretNotFound]);
    input.recorded_secret_expire_time = Some(
        (OffsetDateTime::now_utc() - TimeDuration::seconds(5))
            .format(&Rfc3339)
            .unwrap(),
    );
    let outcome = client.verify(&input, &never()).await.unwrap();
    assert_eq!(statuses(&outcome), [VerifyStatus::SecretExpired]);
}

#[tokio::test]
async fn a_secret_without_expiry_verifies_with_no_expire_time() {
    let emu = start();
    let secret = emu
        .add_secret(
            ACCOUNT_ID,
            SERVICE_PRINCIPAL_ID,
            NewSecret {
                never_expires: true,
                ..NewSecret::default()
            },
        )
        .unwrap();
    let mut input = management_input();
    input.secret_id = secret.id.clone();
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::Verified);
    assert!(outcome.secret.is_some());
    assert_eq!(outcome.secret_expire_time(), None);
}

#[tokio::test]
async fn several_failures_are_all_reported_in_check_order() {
    let emu = start();
    emu.update_settings(|s| s.list_omits_expired_secrets = false)
        .unwrap();
    emu.deactivate_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
        .unwrap();
    emu.remove_role(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, "account_admin")
        .unwrap();
    emu.deactivate_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
        .unwrap();
    emu.expire_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
        .unwrap();
    let outcome = client(&emu)
        .verify(&management_input(), &never())
        .await
        .unwrap();
    assert_eq!(outcome.status, VerifyStatus::ServicePrincipalInactive);
    assert_eq!(
        statuses(&outcome),
        [
            VerifyStatus::ServicePrincipalInactive,
            VerifyStatus::NotAccountAdmin,
            VerifyStatus::SecretInactive,
            VerifyStatus::SecretExpired
        ]
    );
    for f in &outcome.failures {
        assert!(!f.reason.is_empty());
    }
}

#[tokio::test]
async fn roles_left_out_of_the_first_answer_are_fetched_with_attributes_roles() {
    let emu = start();
    emu.update_settings(|s| s.scim_get_omits_roles = true)
        .unwrap();
    let outcome = client(&emu).verify(&own_input(), &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::Verified, "{outcome:?}");
    assert_eq!(emu.calls().scim_get, 2);
}

#[tokio::test]
async fn the_secret_is_found_on_a_later_page() {
    let emu = start();
    let mut last = None;
    for _ in 0..120 {
        last = Some(
            emu.add_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, NewSecret::default())
                .unwrap(),
        );
    }
    let mut input = management_input();
    input.secret_id = last.unwrap().id;
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::Verified, "{outcome:?}");
    assert_eq!(emu.calls().secrets_list, 2);
}

#[tokio::test]
async fn refused_management_credentials_are_an_error_not_an_outcome() {
    let emu = start();
    let mut input = management_input();
    input.credentials = VerifyWith::Management(databricks_account_client::ClientCredentials::new(
        MGMT_APP_ID,
        "dosenotthemanagementsecret",
    ));
    let err = client(&emu).verify(&input, &never()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CredentialsRejected);
    let text = err.to_string();
    assert!(text.contains("management credentials"), "{text}");
    assert!(text.contains(MGMT_APP_ID), "{text}");
    assert!(!text.contains("dosenotthemanagementsecret"), "{text}");
}

#[tokio::test]
async fn management_credentials_without_the_role_are_an_error() {
    let emu = start();
    let mut input = management_input();
    input.credentials = VerifyWith::Management(databricks_account_client::ClientCredentials::new(
        APPLICATION_ID_2,
        SECRET_2,
    ));
    let err = client(&emu).verify(&input, &never()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert_eq!(err.endpoint(), Some(Endpoint::Api));
    // Whose role is missing, as data: the management principal's, by its client ID.
    let context = err.context().expect("the error names the verification");
    assert_eq!(context.credentials, CredentialSource::Management);
    assert_eq!(context.client_id.as_deref(), Some(APPLICATION_ID_2));
    assert_eq!(context.service_principal_id, SERVICE_PRINCIPAL_ID);
    assert!(
        err.to_string().contains(&format!(
            "with the management credentials (client ID {APPLICATION_ID_2})"
        )),
        "{err}"
    );
}

#[tokio::test]
async fn unknown_account_is_an_error_that_names_the_account_id() {
    let emu = start();
    let mut input = own_input();
    input.account_id = "99999999-1234-4abc-9def-0123456789ab".into();
    let err = client(&emu).verify(&input, &never()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.endpoint(), Some(Endpoint::Token));
    assert!(
        err.to_string()
            .contains("/oidc/accounts/99999999-1234-4abc-9def-0123456789ab/"),
        "{err}"
    );
}

#[tokio::test]
async fn a_refresh_with_the_own_secret_skips_the_list_once_the_secret_was_observed() {
    let emu = start();
    let mut input = own_input();
    input.secret_already_observed = true;
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::Verified, "{outcome:?}");
    assert!(outcome.secret.is_none(), "the list was not read");
    let calls = emu.calls();
    assert_eq!((calls.token, calls.scim_get, calls.secrets_list), (1, 1, 0));

    // A deleted secret is still caught: its token is refused.
    emu.delete_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
        .unwrap();
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::CredentialsRejected);
}

#[tokio::test]
async fn management_credentials_always_read_the_list() {
    let emu = start();
    let mut input = management_input();
    input.secret_already_observed = true;
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::Verified, "{outcome:?}");
    assert!(outcome.secret.is_some());
    assert_eq!(emu.calls().secrets_list, 1);
}

#[tokio::test]
async fn an_imported_connection_learns_its_client_id_from_the_principal() {
    let emu = start();
    let mut input = management_input();
    input.client_id = None;
    let outcome = client(&emu).verify(&input, &never()).await.unwrap();
    assert_eq!(outcome.status, VerifyStatus::Verified, "{outcome:?}");
    assert_eq!(
        outcome
            .service_principal
            .as_ref()
            .and_then(|p| p.application_id.as_deref()),
        Some(APPLICATION_ID)
    );
}

#[tokio::test]
async fn a_malformed_principal_answer_is_an_error_naming_the_request_not_a_status() {
    for body in [
        "{}",
        "[]",
        r#"{"id":"2323502488275632","applicationId":"x"}"#,
    ] {
        let emu = start();
        emu.inject_fault(
            databricks_account_emulator::FaultRule::new(
                SCIM_PREFIX,
                databricks_account_emulator::Fault::Response {
                    status: 200,
                    body: body.into(),
                    content_type: "application/json".into(),
                    headers: Default::default(),
                },
            )
            .times(0),
        );
        for input in [own_input(), management_input()] {
            let err = client(&emu).verify(&input, &never()).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{body}: {err}");
            let text = err.to_string();
            assert!(text.contains("is not a service principal"), "{text}");
            assert!(
                text.contains(&format!("GET {}{SCIM_PREFIX}", emu.url())),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn a_secret_list_that_is_not_a_list_is_an_error_not_secret_not_found() {
    let emu = start();
    // The list answers with an object where the list should be.
    emu.inject_fault(
        databricks_account_emulator::FaultRule::new(
            format!("/api/2.0/accounts/{ACCOUNT_ID}/servicePrincipals/"),
            databricks_account_emulator::Fault::Response {
                status: 200,
                body: r#"{"secrets":{"id":"x"}}"#.into(),
                content_type: "application/json".into(),
                headers: Default::default(),
            },
        )
        .times(0),
    );
    let err = client(&emu)
        .verify(&management_input(), &never())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err}");
    assert!(err.to_string().contains("not a secret list"), "{err}");
}
