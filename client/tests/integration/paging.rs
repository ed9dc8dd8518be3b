//! A secret list whose pages never end stops within the operation's time budget, not only at
//! its page cap: a server that hands out a new page token forever cannot hold an operation
//! longer than `retry_timeout`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::*;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use databricks_account_client::{Client, ErrorKind, Limit, parse_host};
use serde_json::{Value, json};

#[derive(serde::Deserialize)]
struct Page {
    page_token: Option<String>,
}

/// A token endpoint and a secret list whose every page points at a next one. Returns its URL
/// and the count of pages served.
async fn endless_pages() -> (String, Arc<AtomicUsize>) {
    let served = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route(
            "/oidc/accounts/{account}/v1/token",
            post(|| async {
                Json(json!({"access_token": "endless-token", "token_type": "Bearer", "expires_in": 3600}))
            }),
        )
        .route(
            "/api/2.0/accounts/{account}/servicePrincipals/{sp}/credentials/secrets",
            get(
                |State(served): State<Arc<AtomicUsize>>, Query(page): Query<Page>| async move {
                    served.fetch_add(1, Ordering::SeqCst);
                    let n: u64 = page
                        .page_token
                        .and_then(|t| t.trim_start_matches('p').parse().ok())
                        .unwrap_or(0);
                    Json::<Value>(json!({"secrets": [], "next_page_token": format!("p{}", n + 1)}))
                },
            ),
        )
        .with_state(Arc::clone(&served));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, served)
}

#[tokio::test]
async fn an_endless_chain_of_pages_stops_within_the_operation_budget() {
    let (url, served) = endless_pages().await;
    let emu = start();
    let mut cfg = config(&emu);
    cfg.host = Some(parse_host(&url).unwrap());
    cfg.retry_timeout = Duration::from_secs(1);
    // 100 requests a second: the page cap would take 10 s, ten times the budget, however fast
    // the machine answers.
    cfg.rate_limit = 100;
    let started = Instant::now();
    let err = Client::new(cfg)
        .unwrap()
        .list_secrets(
            &account(),
            SERVICE_PRINCIPAL_ID,
            &own_credentials(),
            &never(),
        )
        .await
        .expect_err("the list never ends");
    assert_eq!(err.kind(), ErrorKind::InvalidResponse, "{err:?}");
    assert_eq!(
        err.limit(),
        Some(Limit::OperationTime(Duration::from_secs(1))),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("the secret list had not ended after"),
        "{err}"
    );
    let pages = served.load(Ordering::SeqCst);
    assert!(
        pages > 1 && pages < 1000,
        "{pages} pages: the budget, not the cap, ended it"
    );
    // Generous: the page cap at this rate limit would take far longer than the budget.
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn with_budget_to_spare_the_page_cap_ends_the_chain() {
    let (url, served) = endless_pages().await;
    let emu = start();
    let mut cfg = config(&emu);
    cfg.host = Some(parse_host(&url).unwrap());
    cfg.retry_timeout = Duration::from_secs(300);
    let err = Client::new(cfg)
        .unwrap()
        .list_secrets(
            &account(),
            SERVICE_PRINCIPAL_ID,
            &own_credentials(),
            &never(),
        )
        .await
        .expect_err("the list never ends");
    assert_eq!(err.limit(), Some(Limit::Pages(1000)), "{err:?}");
    assert_eq!(served.load(Ordering::SeqCst), 1000);
}
