//! The request log of the admin API (`GET`/`DELETE /_emulator/requests`, `Emulator::requests`).

use crate::common::{json, start, start_with};
use base64::Engine;
use databricks_account_emulator::{
    DEFAULT_REQUEST_LOG_LIMIT, Fault, FaultRule, RequestRecord, Seed, Settings, canonical::*,
};
use serde_json::json;

#[tokio::test]
async fn each_api_request_is_recorded_with_what_identifies_its_caller() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = format!(
        "{}?attributes=roles",
        ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
    );
    let resp = ctx
        .http
        .get(&url)
        .bearer_auth(&token)
        .header("User-Agent", "my-tool/1.2.3 os/linux")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let log = ctx.emu.requests();
    assert_eq!(log.len(), 2, "{log:#?}");
    let token_call = &log[0];
    assert_eq!(token_call.method, "POST");
    assert_eq!(
        token_call.path,
        format!("/oidc/accounts/{ACCOUNT_ID}/v1/token")
    );
    assert_eq!(token_call.query, None);
    assert_eq!(token_call.status, 200);
    assert_eq!(token_call.auth_scheme.as_deref(), Some("Basic"));
    assert_eq!(token_call.client_id.as_deref(), Some(APPLICATION_ID));
    let scim_call = &log[1];
    assert_eq!(
        scim_call,
        &RequestRecord {
            method: "GET".into(),
            path: format!(
                "/api/2.0/accounts/{ACCOUNT_ID}/scim/v2/ServicePrincipals/{SERVICE_PRINCIPAL_ID}"
            ),
            query: Some("attributes=roles".into()),
            status: 200,
            auth_scheme: Some("Bearer".into()),
            client_id: None,
            user_agent: Some("my-tool/1.2.3 os/linux".into()),
            latency_ms: scim_call.latency_ms,
        }
    );
}

#[tokio::test]
async fn the_log_never_holds_a_secret_or_a_token() {
    let ctx = start();
    let token = ctx.admin_token().await;
    ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
        .await;
    let (_, created) = json(
        ctx.http
            .post(ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID))
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let new_secret = created["secret"].as_str().unwrap().to_owned();
    // Credentials where they do not belong: in the query string and the form body.
    ctx.http
        .post(format!(
            "{}?client_secret={SECRET}&access_token={token}&page_token=p1",
            ctx.token_url(ACCOUNT_ID)
        ))
        .form(&[("client_id", APPLICATION_ID), ("client_secret", SECRET)])
        .send()
        .await
        .unwrap();
    let resp = ctx.http.get(ctx.admin("/requests")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.unwrap();
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{APPLICATION_ID}:{SECRET}"));
    for secret in [SECRET, &token, &new_secret, &basic] {
        assert!(!text.contains(secret), "{secret:?} in the log: {text}");
    }
    let log: Vec<RequestRecord> = serde_json::from_str(&text).unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(
        log[3].query.as_deref(),
        Some("client_secret=REDACTED&access_token=REDACTED&page_token=p1")
    );
}

#[tokio::test]
async fn admin_requests_are_not_recorded() {
    let ctx = start();
    ctx.http.get(ctx.admin("/state")).send().await.unwrap();
    ctx.http.get(ctx.admin("/calls")).send().await.unwrap();
    ctx.http.get(ctx.admin("/requests")).send().await.unwrap();
    assert!(ctx.emu.requests().is_empty(), "{:?}", ctx.emu.requests());
}

#[tokio::test]
async fn the_log_keeps_only_the_newest_records_up_to_its_limit() {
    assert_eq!(
        Settings::default().request_log_limit,
        DEFAULT_REQUEST_LOG_LIMIT
    );
    let ctx = start_with(Seed::canonical().with_settings(Settings {
        request_log_limit: 3,
        ..Settings::default()
    }));
    for i in 0..5 {
        ctx.http
            .get(format!("{}/nothing/{i}", ctx.base))
            .send()
            .await
            .unwrap();
    }
    let paths: Vec<String> = ctx.emu.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/nothing/2", "/nothing/3", "/nothing/4"]);
    // Lowering the limit drops the oldest at once; 0 turns the log off.
    ctx.emu
        .update_settings(|s| s.request_log_limit = 1)
        .unwrap();
    assert_eq!(ctx.emu.requests().len(), 1);
    ctx.emu
        .update_settings(|s| s.request_log_limit = 0)
        .unwrap();
    ctx.http
        .get(format!("{}/x", ctx.base))
        .send()
        .await
        .unwrap();
    assert!(ctx.emu.requests().is_empty());
}

#[tokio::test]
async fn the_log_is_cleared_through_the_library_and_the_admin_api() {
    let ctx = start();
    ctx.admin_token().await;
    assert_eq!(ctx.emu.requests().len(), 1);
    ctx.emu.clear_requests();
    assert!(ctx.emu.requests().is_empty());
    ctx.admin_token().await;
    let resp = ctx
        .http
        .delete(ctx.admin("/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let (status, log) = json(ctx.http.get(ctx.admin("/requests")).send().await.unwrap()).await;
    assert_eq!((status, log), (200, json!([])));
}

#[tokio::test]
async fn faulted_and_delayed_requests_are_recorded_with_their_outcome() {
    let ctx = start();
    ctx.emu
        .inject_fault(FaultRule::new("/a", Fault::too_many_requests(1)));
    ctx.emu
        .inject_fault(FaultRule::new("/b", Fault::delay_ms(60)));
    ctx.emu
        .inject_fault(FaultRule::new("/c", Fault::DropConnection));
    for p in ["/a", "/b"] {
        ctx.http
            .get(format!("{}{p}", ctx.base))
            .send()
            .await
            .unwrap();
    }
    assert!(
        ctx.http
            .get(format!("{}/c", ctx.base))
            .send()
            .await
            .is_err()
    );
    let log = ctx.emu.requests();
    let outcome: Vec<(&str, u16)> = log.iter().map(|r| (r.path.as_str(), r.status)).collect();
    assert_eq!(outcome, [("/a", 429), ("/b", 404), ("/c", 0)]);
    assert!(log[1].latency_ms >= 60, "{:?}", log[1]);
}
