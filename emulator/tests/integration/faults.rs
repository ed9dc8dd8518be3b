//! Fault injection (T17–T20 and the other kinds), latency and random faults.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::common::{json, start};
use databricks_account_emulator::{
    Fault, FaultRule, Latency, RandomFaultKind, RandomFaults, canonical::*,
};
use serde_json::json;

const API: &str = "/api/2.0/accounts/";
const OIDC: &str = "/oidc/";

#[tokio::test]
async fn t17_injected_429_has_retry_after_seconds_and_request_limit_exceeded() {
    let ctx = start();
    ctx.emu
        .inject_fault(FaultRule::new(OIDC, Fault::too_many_requests(2)));
    let resp = ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "2");
    let (_, body) = json(resp).await;
    assert_eq!(body["error_code"], "REQUEST_LIMIT_EXCEEDED");
    assert!(body["message"].is_string());
    // One request only: the next one is answered normally.
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET)
            .await
            .status(),
        200
    );
    assert_eq!(ctx.emu.calls().token, 2, "the faulted request counts");
}

#[tokio::test]
async fn t17_retry_after_can_be_an_http_date() {
    let ctx = start();
    let token = ctx.admin_token().await;
    ctx.emu
        .inject_fault(FaultRule::new(API, Fault::too_many_requests_http_date(5)));
    let resp = ctx
        .get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
        .await;
    assert_eq!(resp.status(), 429);
    let value = resp.headers()["retry-after"].to_str().unwrap().to_owned();
    assert!(value.ends_with(" GMT") && value.len() == 29, "{value}");
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(&value, &fmt)
        .unwrap()
        .assume_utc();
    let delta = (at - time::OffsetDateTime::now_utc()).whole_seconds();
    assert!((3..=6).contains(&delta), "{delta}");
}

#[tokio::test]
async fn t17_429_without_retry_after_via_json_rule() {
    let ctx = start();
    let rule: FaultRule = serde_json::from_value(json!({
        "path_prefix": OIDC,
        "fault": {"kind": "too_many_requests", "retry_after_seconds": null}
    }))
    .unwrap();
    ctx.emu.inject_fault(rule);
    let resp = ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("retry-after").is_none());
}

#[tokio::test]
async fn t18_injected_503_is_temporarily_unavailable() {
    let ctx = start();
    let token = ctx.admin_token().await;
    ctx.emu
        .inject_fault(FaultRule::new(API, Fault::unavailable()));
    let (status, body) = json(
        ctx.get(&ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
            .await,
    )
    .await;
    assert_eq!(status, 503);
    assert_eq!(body["error_code"], "TEMPORARILY_UNAVAILABLE");
    ctx.emu.inject_fault(FaultRule::new(
        API,
        Fault::Unavailable {
            retry_after_seconds: Some(3),
        },
    ));
    let resp = ctx
        .get(&ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
        .await;
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["retry-after"], "3");
}

#[tokio::test]
async fn t19_scim_500_with_request_limit_exceeded() {
    let ctx = start();
    let token = ctx.admin_token().await;
    ctx.emu.inject_fault(
        FaultRule::new(
            format!("{API}{ACCOUNT_ID}/scim/"),
            Fault::server_error(500, "REQUEST_LIMIT_EXCEEDED"),
        )
        .method("GET"),
    );
    // The secrets path does not match the SCIM prefix.
    assert_eq!(
        ctx.get(&ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
            .await
            .status(),
        200
    );
    let (status, body) = json(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
            .await,
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(body["error_code"], "REQUEST_LIMIT_EXCEEDED");
    let (status, body) = json(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], SERVICE_PRINCIPAL_ID);
}

#[tokio::test]
async fn server_error_defaults_to_500_internal_error() {
    let ctx = start();
    let rule: FaultRule =
        serde_json::from_value(json!({"path_prefix": "", "fault": {"kind": "server_error"}}))
            .unwrap();
    ctx.emu.inject_fault(rule);
    let (status, body) = json(ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await).await;
    assert_eq!(status, 500);
    assert_eq!(body["error_code"], "INTERNAL_ERROR");
}

#[tokio::test]
async fn t20_html_login_page_fault() {
    let ctx = start();
    ctx.emu
        .inject_fault(FaultRule::new(OIDC, Fault::HtmlLoginPage));
    let resp = ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let text = resp.text().await.unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"));
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
}

#[tokio::test]
async fn t20_login_redirect_fault_points_to_login_with_next_url() {
    let ctx = start();
    let token = ctx.admin_token().await;
    ctx.emu
        .inject_fault(FaultRule::new(API, Fault::LoginRedirect).times(2));
    let url = format!(
        "{}?attributes=roles",
        ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
    );
    let resp = ctx.get(&url, &token).await;
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("/login?next_url=%2Fapi%2F2.0%2Faccounts%2F"),
        "{location}"
    );
    assert!(location.ends_with("%3Fattributes%3Droles"), "{location}");
    // A client that follows redirects lands on the HTML login page.
    let following = reqwest::Client::new();
    let resp = following
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.url().path() == "/login");
    assert!(resp.text().await.unwrap().contains("<html"));
}

#[tokio::test]
async fn delay_fault_waits_then_answers_normally() {
    let ctx = start();
    ctx.emu
        .inject_fault(FaultRule::new(OIDC, Fault::delay_ms(300)));
    let t = Instant::now();
    let resp = ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
    assert_eq!(resp.status(), 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    let t = Instant::now();
    ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
    assert!(t.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn delay_fault_trips_a_client_timeout() {
    let ctx = start();
    ctx.emu
        .inject_fault(FaultRule::new(OIDC, Fault::delay_ms(2_000)));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .post(ctx.token_url(ACCOUNT_ID))
        .basic_auth(APPLICATION_ID, Some(SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
}

#[tokio::test]
async fn dropped_connection_fault_gives_the_client_a_connection_error() {
    let ctx = start();
    let token = ctx.admin_token().await;
    ctx.emu
        .inject_fault(FaultRule::new(API, Fault::DropConnection));
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID);
    let outcome = match ctx.http.get(&url).bearer_auth(&token).send().await {
        Err(e) => Err(e),
        Ok(resp) => resp.bytes().await.map(|_| ()),
    };
    assert!(outcome.is_err(), "the client must see an error");
    // The server keeps serving.
    assert_eq!(ctx.get(&url, &token).await.status(), 200);
}

#[tokio::test]
async fn truncated_json_fault_cuts_the_real_body() {
    let ctx = start();
    ctx.emu
        .inject_fault(FaultRule::new(OIDC, Fault::TruncatedJson));
    let resp = ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let text = resp.text().await.unwrap();
    assert!(text.starts_with("{\"access_token\":"), "{text}");
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
}

#[tokio::test]
async fn custom_response_fault() {
    let ctx = start();
    ctx.emu.inject_fault(FaultRule::new(
        API,
        Fault::Response {
            status: 401,
            body: r#"{"error_code":401,"message":"Credential was not sent or was of an unsupported type for this API. [ReqId: 1]"}"#.into(),
            content_type: "application/json".into(),
            headers: BTreeMap::from([("X-Databricks-Reason-Phrase".into(), "Unauthorized".into())]),
        },
    ));
    let token = ctx.admin_token().await;
    let resp = ctx
        .get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
        .await;
    assert_eq!(resp.headers()["x-databricks-reason-phrase"], "Unauthorized");
    let (status, body) = json(resp).await;
    assert_eq!(status, 401);
    assert_eq!(body["error_code"], 401);
}

#[tokio::test]
async fn fault_rules_match_method_and_count_down() {
    let ctx = start();
    let token = ctx.admin_token().await;
    ctx.emu.inject_fault(
        FaultRule::new(API, Fault::unavailable())
            .method("post")
            .times(2),
    );
    let url = ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2);
    assert_eq!(
        ctx.get(&url, &token).await.status(),
        200,
        "GET does not match"
    );
    for _ in 0..2 {
        let resp = ctx
            .http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 503);
    }
    let resp = ctx
        .http
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(ctx.emu.faults().is_empty());
}

#[tokio::test]
async fn fault_with_count_zero_lasts_until_cleared() {
    let ctx = start();
    ctx.emu
        .inject_fault(FaultRule::new(OIDC, Fault::unavailable()).times(0));
    for _ in 0..5 {
        assert_eq!(
            ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET)
                .await
                .status(),
            503
        );
    }
    assert_eq!(ctx.emu.faults().len(), 1);
    ctx.emu.clear_faults();
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn rules_apply_in_the_order_they_were_added() {
    let ctx = start();
    ctx.emu
        .inject_fault(FaultRule::new(OIDC, Fault::too_many_requests(1)));
    ctx.emu
        .inject_fault(FaultRule::new("", Fault::unavailable()));
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET)
            .await
            .status(),
        429
    );
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET)
            .await
            .status(),
        503
    );
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn global_latency_fixed_and_range_apply_to_api_requests_only() {
    let ctx = start();
    ctx.emu.set_latency(Some(Latency::fixed(150)));
    let t = Instant::now();
    ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
    assert!(t.elapsed() >= Duration::from_millis(150));
    let t = Instant::now();
    let resp = ctx.http.get(ctx.admin("/calls")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        t.elapsed() < Duration::from_millis(150),
        "admin API is not delayed"
    );
    ctx.emu.set_latency(Some(Latency::range(50, 100)));
    for _ in 0..3 {
        let t = Instant::now();
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
        assert!(t.elapsed() >= Duration::from_millis(50));
    }
    ctx.emu.set_latency(None);
    assert_eq!(ctx.emu.calls().token, 4, "delayed requests count");
}

#[tokio::test]
async fn random_faults_are_429_with_retry_after_1_or_503_and_reproducible() {
    let ctx = start();
    let mut run = Vec::new();
    for _ in 0..2 {
        ctx.emu
            .set_random_faults(Some(RandomFaults::new(0.5, 1234)))
            .unwrap();
        let mut statuses = Vec::new();
        for _ in 0..40 {
            let resp = ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
            let status = resp.status().as_u16();
            if status == 429 {
                assert_eq!(resp.headers()["retry-after"], "1");
            }
            statuses.push(status);
        }
        run.push(statuses);
    }
    assert_eq!(run[0], run[1], "same seed, same sequence");
    let s = &run[0];
    assert!(
        s.contains(&200) && s.contains(&429) && s.contains(&503),
        "{s:?}"
    );
    // Only 503s, only under a prefix.
    ctx.emu
        .set_random_faults(Some(RandomFaults {
            probability: 1.0,
            seed: 1,
            kinds: vec![RandomFaultKind::Unavailable],
            path_prefix: Some(API.into()),
        }))
        .unwrap();
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET)
            .await
            .status(),
        200
    );
    let resp = ctx
        .http
        .get(ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    ctx.emu.set_random_faults(None).unwrap();
    assert!(
        ctx.emu
            .set_random_faults(Some(RandomFaults::new(1.5, 0)))
            .is_err()
    );
}

#[tokio::test]
async fn admin_api_is_never_faulted_or_counted() {
    let ctx = start();
    ctx.emu
        .inject_fault(FaultRule::new("", Fault::unavailable()).times(0));
    ctx.emu
        .set_random_faults(Some(RandomFaults::new(1.0, 0)))
        .unwrap();
    let resp = ctx.http.get(ctx.admin("/health")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(ctx.emu.calls().total(), 0);
}
