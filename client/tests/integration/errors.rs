//! Every error envelope, as the client reports it: kind, code, and a message that names the
//! request and never a secret.

use std::collections::BTreeMap;

use crate::common::*;
use databricks_account_client::{ClientCredentials, Endpoint, Error, ErrorKind, Limit};
use databricks_account_emulator::{Emulator, Fault, FaultRule};

fn respond(status: u16, content_type: &str, body: &str) -> Fault {
    Fault::Response {
        status,
        body: body.into(),
        content_type: content_type.into(),
        headers: BTreeMap::new(),
    }
}

/// Scripts `fault` for every SCIM call and reads the canonical principal.
async fn scim_error(emu: &Emulator, fault: Fault) -> Error {
    emu.inject_fault(FaultRule::new(SCIM_PREFIX, fault).times(0));
    client(emu)
        .get_service_principal(
            &account(),
            SERVICE_PRINCIPAL_ID,
            &own_credentials(),
            &never(),
        )
        .await
        .expect_err("the fault makes the read fail")
}

fn assert_names_the_scim_request(emu: &Emulator, err: &Error) {
    let text = err.to_string();
    let expected = format!("GET {}{SCIM_PREFIX}{SERVICE_PRINCIPAL_ID}", emu.url());
    assert!(text.starts_with(&expected), "{text}");
    assert_eq!(err.request(), Some(expected.as_str()));
    assert!(!text.contains(SECRET), "{text}");
}

#[tokio::test]
async fn oauth_envelope_of_a_refused_secret_is_credentials_rejected() {
    let emu = start();
    let err = client(&emu)
        .check_credentials(
            &account(),
            &ClientCredentials::new(APPLICATION_ID, "dosebad"),
            &never(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CredentialsRejected);
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("invalid_client"));
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "POST {}{TOKEN_PATH}: HTTP 401 Unauthorized",
            emu.url()
        )),
        "{text}"
    );
    assert!(text.contains("Client authentication failed"), "{text}");
    assert!(!text.contains("dosebad"), "{text}");
    assert_eq!(emu.calls().token, 1, "a refusal is not retried");
}

#[tokio::test]
async fn databricks_envelope_with_a_string_code() {
    let emu = start();
    let err = scim_error(
        &emu,
        respond(
            404,
            "application/json",
            r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Principal is gone"}"#,
        ),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.code(), Some("RESOURCE_DOES_NOT_EXIST"));
    assert!(err.detail().contains("Principal is gone"), "{err}");
    assert_names_the_scim_request(&emu, &err);
}

#[tokio::test]
async fn databricks_envelope_with_a_numeric_code() {
    let emu = start();
    let err = scim_error(
        &emu,
        respond(401, "application/json", r#"{"error_code":401,"message":"Credential was not sent or was of an unsupported type for this API. [ReqId: 1]"}"#),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(err.code(), Some("401"));
    assert!(err.detail().contains("Credential was not sent"), "{err}");
    assert_names_the_scim_request(&emu, &err);
}

#[tokio::test]
async fn databricks_envelope_details_give_the_request_id() {
    let emu = start();
    let err = scim_error(
        &emu,
        respond(400, "application/json", r#"{"error_code":"INVALID_PARAMETER_VALUE","message":"bad id","details":[{"@type":"type.googleapis.com/google.rpc.RequestInfo","request_id":"req42","serving_data":""}]}"#),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.detail().contains("request ID req42"), "{err}");
}

#[tokio::test]
async fn scim_envelope_of_a_missing_principal_is_not_found() {
    let emu = start();
    let err = client(&emu)
        .get_service_principal(&account(), "1234567890123456", &own_credentials(), &never())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.code(), Some("SCIM_404"));
    assert!(err.to_string().contains("1234567890123456"), "{err}");
}

#[tokio::test]
async fn scim_envelope_with_scim_type() {
    let emu = start();
    let err = scim_error(
        &emu,
        respond(400, "application/scim+json", r#"{"detail":"Request is unparsable, syntactically incorrect, or violates schema.","schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"invalidSyntax","status":"400"}"#),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.code(), Some("SCIM_400"));
    assert!(
        err.detail().contains("invalidSyntax Request is unparsable"),
        "{err}"
    );
    assert_names_the_scim_request(&emu, &err);
}

#[tokio::test]
async fn api_1_2_envelope() {
    let emu = start();
    let err = scim_error(
        &emu,
        respond(
            400,
            "application/json",
            r#"{"error":"Principal lookup is malformed."}"#,
        ),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.code(), None);
    assert!(
        err.detail().contains("Principal lookup is malformed."),
        "{err}"
    );
}

#[tokio::test]
async fn plain_text_code_and_message() {
    let emu = start();
    let err = scim_error(
        &emu,
        respond(
            400,
            "text/plain",
            "MALFORMED_REQUEST: vpc_endpoints malformed parameters",
        ),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.code(), Some("MALFORMED_REQUEST"));
    assert!(
        err.detail().contains("vpc_endpoints malformed parameters"),
        "{err}"
    );
}

#[tokio::test]
async fn html_page_says_it_is_not_the_account_api() {
    let emu = start();
    let err = scim_error(&emu, Fault::HtmlLoginPage).await;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.is_html_page());
    assert!(
        err.to_string()
            .contains("the host returned an HTML page, not the Databricks account API — check the host / account ID"),
        "{err}"
    );
    assert_names_the_scim_request(&emu, &err);
}

#[tokio::test]
async fn html_404_page_is_not_taken_for_a_missing_principal() {
    let emu = start();
    let err = scim_error(
        &emu,
        respond(404, "text/html", "<html><head><title>Page not found</title></head><body><pre>No such route</pre></body></html>"),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.to_string().contains("No such route"), "{err}");
}

#[tokio::test]
async fn html_from_the_token_endpoint_points_at_the_host() {
    let emu = start();
    emu.inject_fault(FaultRule::new("/oidc/", Fault::HtmlLoginPage));
    let err = client(&emu)
        .check_credentials(&account(), &own_credentials(), &never())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.is_html_page(), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("POST {}{TOKEN_PATH}", emu.url())),
        "{err}"
    );
}

#[tokio::test]
async fn redirect_to_a_login_page_is_reported_not_followed() {
    let emu = start();
    let err = scim_error(&emu, Fault::LoginRedirect).await;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert_eq!(err.status(), Some(302));
    let text = err.to_string();
    assert!(
        text.contains("redirected to") && text.contains("/login"),
        "{text}"
    );
    assert!(text.contains("check the host"), "{text}");
    assert_eq!(emu.calls().other, 0, "the login page was not fetched");
}

#[tokio::test]
async fn empty_body_uses_the_status_text() {
    let emu = start();
    let err = scim_error(&emu, respond(403, "", "")).await;
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert!(
        err.detail().contains("HTTP 403 Forbidden: Forbidden"),
        "{err}"
    );
    assert_eq!(err.endpoint(), Some(Endpoint::Api));
}

#[tokio::test]
async fn truncated_json_of_a_success_is_an_invalid_response() {
    let emu = start();
    let err = scim_error(&emu, Fault::TruncatedJson).await;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.detail().contains("truncated JSON"), "{err}");
    assert_names_the_scim_request(&emu, &err);
}

#[tokio::test]
async fn truncated_token_answer_does_not_quote_the_token() {
    let emu = start();
    emu.inject_fault(FaultRule::new(
        "/oidc/",
        respond(
            200,
            "application/json",
            r#"{"access_token":"tok-leak-123","token_type":"Bearer","expires_in":36"#,
        ),
    ));
    let err = client(&emu)
        .check_credentials(&account(), &own_credentials(), &never())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(
        !format!("{err} {err:?}").contains("tok-leak-123"),
        "{err:?}"
    );
}

#[tokio::test]
async fn invalid_json_error_body_is_an_invalid_response() {
    let emu = start();
    let err = scim_error(&emu, respond(400, "application/json", "{not json")).await;
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.detail().contains("not valid JSON"), "{err}");
}

#[tokio::test]
async fn token_answer_with_expires_in_as_a_string_is_accepted() {
    let emu = start();
    emu.inject_fault(FaultRule::new("/oidc/", respond(200, "application/json", r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":"3600","scope":"all-apis"}"#)));
    client(&emu)
        .check_credentials(&account(), &own_credentials(), &never())
        .await
        .unwrap();
}

#[tokio::test]
async fn token_answer_without_access_token_is_an_invalid_response() {
    let emu = start();
    emu.inject_fault(FaultRule::new(
        "/oidc/",
        respond(
            200,
            "application/json",
            r#"{"token_type":"Bearer","expires_in":3600}"#,
        ),
    ));
    let err = client(&emu)
        .check_credentials(&account(), &own_credentials(), &never())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidResponse);
    assert!(err.detail().contains("no access_token"), "{err}");
}

#[tokio::test]
async fn connection_refused_is_a_connection_error_after_retries() {
    // A port that was just free: bind, note, release.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emu = start();
    let mut cfg = config(&emu);
    cfg.host =
        Some(databricks_account_client::parse_host(&format!("http://127.0.0.1:{port}")).unwrap());
    cfg.retry_timeout = std::time::Duration::from_millis(300);
    let err = databricks_account_client::Client::new(cfg)
        .unwrap()
        .check_credentials(&account(), &own_credentials(), &never())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BudgetExhausted);
    assert_eq!(err.root_kind(), ErrorKind::Connection);
    assert!(err.attempts() >= 2, "{err}");
    let text = err.to_string();
    assert!(
        text.contains("could not connect to http://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.starts_with(&format!("POST http://127.0.0.1:{port}/oidc/")),
        "the message names the host it tried: {text}"
    );
    assert!(
        matches!(err.limit(), Some(Limit::RetryBudget { .. })),
        "{err:?}"
    );
    assert_eq!(err.endpoint(), Some(Endpoint::Token));
}
