//! Retries: which failures are retried, `Retry-After`, the retry budget, timeouts and
//! cancellation.

use std::time::{Duration, Instant};

use crate::common::*;
use crate::log_lines;
use databricks_account_client::{CancellationToken, Client, ErrorKind, Limit};
use databricks_account_emulator::{Fault, FaultRule};

async fn read_principal(
    client: &Client,
) -> Result<databricks_account_client::ServicePrincipal, databricks_account_client::Error> {
    client
        .get_service_principal(
            &account(),
            SERVICE_PRINCIPAL_ID,
            &own_credentials(),
            &never(),
        )
        .await
}

#[tokio::test]
async fn storm_of_429_honours_retry_after_and_stops_within_the_budget() {
    let emu = start();
    emu.inject_fault(FaultRule::new(SCIM_PREFIX, Fault::too_many_requests(1)).times(0));
    let mut cfg = config(&emu);
    cfg.retry_timeout = Duration::from_millis(2500);
    let client = Client::new(cfg).unwrap();
    let started = Instant::now();
    let err = read_principal(&client).await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.kind(), ErrorKind::BudgetExhausted, "{err}");
    assert_eq!(err.root_kind(), ErrorKind::RateLimited);
    // Waits of 1 s (Retry-After) after attempts 1 and 2; a third wait would overrun 2.5 s.
    assert_eq!(err.attempts(), 3, "{err}");
    assert_eq!(emu.calls().scim_get, 3);
    assert!(
        took >= Duration::from_secs(2),
        "Retry-After not honoured: {took:?}"
    );
    assert!(
        took < Duration::from_millis(2500) + Duration::from_secs(1),
        "budget overrun: {took:?}"
    );
    let text = err.to_string();
    assert!(text.contains("gave up after 3 attempts"), "{text}");
    assert!(text.contains("REQUEST_LIMIT_EXCEEDED"), "{text}");
    assert!(
        text.starts_with(&format!("GET {}{SCIM_PREFIX}", emu.url())),
        "{text}"
    );
}

#[tokio::test]
async fn retry_after_longer_than_the_budget_gives_up_at_once() {
    let emu = start();
    emu.inject_fault(FaultRule::new(SCIM_PREFIX, Fault::too_many_requests(60)));
    let started = Instant::now();
    let err = read_principal(&client(&emu)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BudgetExhausted);
    assert_eq!(err.attempts(), 1);
    assert!(err.to_string().contains("60.0 s"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_then_success_waits_the_retry_after_seconds() {
    let emu = start();
    emu.inject_fault(FaultRule::new(SCIM_PREFIX, Fault::too_many_requests(1)));
    let started = Instant::now();
    let sp = read_principal(&client(&emu)).await.unwrap();
    assert_eq!(sp.id, SERVICE_PRINCIPAL_ID);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(emu.calls().scim_get, 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let emu = start();
    emu.inject_fault(FaultRule::new(
        SCIM_PREFIX,
        Fault::too_many_requests_http_date(2),
    ));
    let started = Instant::now();
    read_principal(&client(&emu)).await.unwrap();
    // HTTP dates have whole seconds, so "2 s from now" is at least 1 s away.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(emu.calls().scim_get, 2);
}

#[tokio::test]
async fn a_500_then_success_is_retried_for_a_read() {
    let emu = start();
    emu.inject_fault(FaultRule::new(
        SCIM_PREFIX,
        Fault::server_error(500, "INTERNAL_ERROR"),
    ));
    read_principal(&client(&emu)).await.unwrap();
    assert_eq!(emu.calls().scim_get, 2);
}

#[tokio::test]
async fn a_503_then_success_is_retried() {
    let emu = start();
    emu.inject_fault(FaultRule::new(SCIM_PREFIX, Fault::unavailable()).times(2));
    read_principal(&client(&emu)).await.unwrap();
    assert_eq!(emu.calls().scim_get, 3);
}

#[tokio::test]
async fn request_limit_exceeded_on_a_500_of_the_token_endpoint_is_retried() {
    let emu = start();
    emu.inject_fault(FaultRule::new(
        "/oidc/",
        Fault::server_error(500, "REQUEST_LIMIT_EXCEEDED"),
    ));
    client(&emu)
        .check_credentials(&account(), &own_credentials(), &never())
        .await
        .unwrap();
    assert_eq!(emu.calls().token, 2);
}

#[tokio::test]
async fn the_token_exchange_is_retried_on_every_transient_status() {
    // It creates nothing, so a 500 is as safe to repeat as a 502, 503 or 504.
    for status in [429u16, 500, 502, 503, 504] {
        let emu = start();
        emu.inject_fault(FaultRule::new(
            "/oidc/",
            Fault::Response {
                status,
                body: r#"{"error_code":"INTERNAL_ERROR","message":"try again"}"#.into(),
                content_type: "application/json".into(),
                headers: Default::default(),
            },
        ));
        client(&emu)
            .check_credentials(&account(), &own_credentials(), &never())
            .await
            .unwrap_or_else(|e| panic!("HTTP {status} once should be retried: {e}"));
        assert_eq!(emu.calls().token, 2, "HTTP {status}");
    }
}

#[tokio::test]
async fn a_dropped_connection_of_the_token_exchange_is_retried() {
    let emu = start();
    emu.inject_fault(FaultRule::new("/oidc/", Fault::DropConnection));
    client(&emu)
        .check_credentials(&account(), &own_credentials(), &never())
        .await
        .unwrap();
    assert_eq!(emu.calls().token, 2);
}

#[tokio::test]
async fn the_token_exchange_retries_within_the_retry_budget_not_a_fixed_minute() {
    let emu = start();
    emu.inject_fault(FaultRule::new("/oidc/", Fault::unavailable()).times(0));
    let mut cfg = config(&emu);
    cfg.retry_timeout = std::time::Duration::from_millis(700);
    let started = std::time::Instant::now();
    let err = databricks_account_client::Client::new(cfg)
        .unwrap()
        .check_credentials(&account(), &own_credentials(), &never())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BudgetExhausted);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(err.root_kind(), ErrorKind::Unavailable);
    assert!(
        matches!(err.limit(), Some(Limit::RetryBudget { budget, .. }) if budget == Duration::from_millis(700)),
        "{err:?}"
    );
    assert!(
        err.elapsed()
            .is_some_and(|t| t < Duration::from_millis(700))
    );
    let text = err.to_string();
    assert!(
        text.contains("of the 1 s retry budget. Last error:"),
        "{text}"
    );
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for status in [400u16, 401, 403, 404] {
        let emu = start();
        emu.inject_fault(
            FaultRule::new(
                SCIM_PREFIX,
                Fault::Response {
                    status,
                    body: r#"{"error_code":"X","message":"no"}"#.into(),
                    content_type: "application/json".into(),
                    headers: Default::default(),
                },
            )
            .times(0),
        );
        let err = read_principal(&client(&emu)).await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{err}");
        assert_eq!(err.attempts(), 1);
        // The 401 is retried once with a new token only when the token came from the cache;
        // here it was fresh.
        assert_eq!(emu.calls().scim_get, 1, "status {status}");
    }
}

#[tokio::test]
async fn a_slow_answer_times_out_and_the_retry_succeeds() {
    let emu = start();
    emu.inject_fault(FaultRule::new(SCIM_PREFIX, Fault::delay_ms(3000)));
    let mut cfg = config(&emu);
    cfg.http_timeout = Duration::from_millis(300);
    read_principal(&Client::new(cfg).unwrap()).await.unwrap();
    assert_eq!(emu.calls().scim_get, 2);
}

#[tokio::test]
async fn timeouts_until_the_budget_is_spent_report_the_timeout() {
    let emu = start();
    emu.inject_fault(FaultRule::new(SCIM_PREFIX, Fault::delay_ms(5000)).times(0));
    let mut cfg = config(&emu);
    cfg.http_timeout = Duration::from_millis(200);
    cfg.retry_timeout = Duration::from_millis(500);
    let err = read_principal(&Client::new(cfg).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BudgetExhausted);
    assert_eq!(err.root_kind(), ErrorKind::Timeout);
    let last = err.last_cause().unwrap();
    assert_eq!(
        last.limit(),
        Some(Limit::RequestTimeout(Duration::from_millis(200)))
    );
    assert!(
        err.to_string()
            .contains("sent no complete answer within 0 s, the timeout of one request"),
        "{err}"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let emu = start();
    emu.inject_fault(FaultRule::new(SCIM_PREFIX, Fault::DropConnection));
    read_principal(&client(&emu)).await.unwrap();
    assert_eq!(emu.calls().scim_get, 2);
}

#[tokio::test]
async fn cancellation_during_a_retry_wait_returns_promptly() {
    let emu = start();
    emu.inject_fault(FaultRule::new(SCIM_PREFIX, Fault::too_many_requests(30)).times(0));
    let mut cfg = config(&emu);
    cfg.retry_timeout = Duration::from_secs(120);
    let client = Client::new(cfg).unwrap();
    let cancel = CancellationToken::new();
    let (_logging, mut warnings) = log_lines::warnings();
    // Cancelled once the client has logged that it waits (30 s) before the next attempt: it
    // logs that right before the wait starts.
    let cancel_in_the_wait = async {
        log_lines::until_logged(&mut warnings, "retrying account API call").await;
        cancel.cancel();
        std::future::pending::<()>().await
    };
    let (account, credentials) = (account(), own_credentials());
    let started = Instant::now();
    let call = client.get_service_principal(&account, SERVICE_PRINCIPAL_ID, &credentials, &cancel);
    let err = tokio::select! {
        result = call => result.unwrap_err(),
        () = cancel_in_the_wait => unreachable!("waits forever once it has cancelled"),
    };
    assert_eq!(err.kind(), ErrorKind::Cancelled, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(emu.calls().scim_get, 1, "no attempt after the cancellation");
}

#[tokio::test]
async fn cancellation_aborts_a_request_in_flight() {
    let emu = start();
    emu.inject_fault(FaultRule::new(SCIM_PREFIX, Fault::delay_ms(30_000)));
    let mut cfg = config(&emu);
    cfg.http_timeout = Duration::from_secs(60);
    let client = Client::new(cfg).unwrap();
    let cancel = CancellationToken::new();
    // Cancelled once the SCIM request is in flight: the emulator counts it on arrival, then
    // holds it for the delay.
    let cancel_in_flight = async {
        while emu.calls().scim_get == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        cancel.cancel();
        std::future::pending::<()>().await
    };
    let input = own_input();
    let started = Instant::now();
    let err = tokio::select! {
        result = client.verify(&input, &cancel) => result.unwrap_err(),
        () = cancel_in_flight => unreachable!("waits forever once it has cancelled"),
    };
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert_eq!(emu.calls().scim_get, 1);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_already_cancelled_token_sends_nothing() {
    let emu = start();
    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = client(&emu)
        .verify(&own_input(), &cancel)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert_eq!(emu.calls().total(), 0);
}

#[tokio::test]
async fn the_rate_limit_spaces_requests_to_one_host() {
    let emu = start();
    let mut cfg = config(&emu);
    cfg.rate_limit = 5;
    let client = Client::new(cfg).unwrap();
    let started = Instant::now();
    // 1 token + 10 reads = 11 requests at 5/s with a burst of 5: at least 1.2 s.
    for _ in 0..10 {
        read_principal(&client).await.unwrap();
    }
    assert_eq!(emu.calls().scim_get + emu.calls().token, 11);
    assert!(
        started.elapsed() >= Duration::from_millis(1100),
        "{:?}",
        started.elapsed()
    );
}
