//! The admin HTTP API (`/_emulator/`), the in-process admin methods, start-up and seeds.

use std::net::SocketAddr;

use crate::common::{Ctx, is_uuid, json, start, start_with};
use databricks_account_emulator::{
    Emulator, NewSecret, NewServicePrincipal, Options, Seed, Settings, canonical::*,
};
use serde_json::{Value, json};

const SP_PATH: &str = "/accounts/0d2a7b1c-1234-4abc-9def-0123456789ab/service-principals";

fn sp_path(sp: &str) -> String {
    format!("{SP_PATH}/{sp}")
}

impl Ctx {
    async fn admin_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, self.admin(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        json(req.send().await.unwrap()).await
    }
}

use reqwest::Method;

#[tokio::test]
async fn health_and_state_export() {
    let ctx = start();
    let (status, body) = ctx.admin_call(Method::GET, "/health", None).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));
    let (status, state) = ctx.admin_call(Method::GET, "/state", None).await;
    assert_eq!(status, 200);
    let seed: Seed = serde_json::from_value(state).unwrap();
    assert_eq!(seed, ctx.emu.snapshot());
    let sp = &seed.accounts[0].service_principals;
    assert_eq!(sp.len(), 2);
    assert_eq!(sp[0].secrets[0].secret, SECRET);
    // A snapshot is a valid seed: a second emulator started from it behaves the same.
    let again = start_with(seed);
    again.admin_token().await;
}

#[tokio::test]
async fn calls_are_counted_per_endpoint_and_reset() {
    let ctx = start();
    let token = ctx.admin_token().await;
    for _ in 0..2 {
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
            .await;
        ctx.list_secrets(&token, SERVICE_PRINCIPAL_ID).await;
    }
    let (status, body) = ctx.admin_call(Method::GET, "/calls", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"token": 1, "scim_get": 2, "scim_list": 0, "secrets_list": 2, "secrets_create": 0,
               "secrets_delete": 0, "scim_create": 0, "scim_replace": 0, "scim_patch": 0,
               "scim_delete": 0, "discovery": 0, "other": 0})
    );
    assert_eq!(ctx.emu.calls().total(), 5);
    let (status, body) = ctx.admin_call(Method::DELETE, "/calls", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["token"], 0);
    ctx.admin_token().await;
    let (_, _) = ctx.admin_call(Method::POST, "/calls/reset", None).await;
    assert_eq!(ctx.emu.calls().total(), 0);
    ctx.admin_token().await;
    ctx.emu.reset_calls();
    assert_eq!(ctx.emu.calls().token, 0);
}

#[tokio::test]
async fn delete_expire_deactivate_and_activate_a_secret_over_http() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let secret = format!("{}/secrets/{SECRET_ID_2}", sp_path(SERVICE_PRINCIPAL_ID_2));

    let (status, body) = ctx
        .admin_call(Method::POST, &format!("{secret}/deactivate"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "INACTIVE");
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID_2, SECRET_2)
            .await
            .status(),
        401
    );
    let (_, body) = ctx
        .admin_call(Method::POST, &format!("{secret}/activate"), None)
        .await;
    assert_eq!(body["status"], "ACTIVE");
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID_2, SECRET_2)
            .await
            .status(),
        200
    );

    // Expire at a given time (in the future: still valid), then now (default).
    let (status, body) = ctx
        .admin_call(
            Method::POST,
            &format!("{secret}/expire"),
            Some(json!({"expire_time": "2099-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["expire_time"], "2099-01-01T00:00:00.000Z");
    let listed = ctx.list_secrets(&token, SERVICE_PRINCIPAL_ID_2).await;
    assert_eq!(
        listed["secrets"][0]["expire_time"],
        "2099-01-01T00:00:00.000Z"
    );
    let (status, _) = ctx
        .admin_call(Method::POST, &format!("{secret}/expire"), None)
        .await;
    assert_eq!(status, 200);
    assert!(
        ctx.secret_ids(&token, SERVICE_PRINCIPAL_ID_2)
            .await
            .is_empty()
    );
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID_2, SECRET_2)
            .await
            .status(),
        401
    );

    // PATCH: never expires again.
    let (status, body) = ctx
        .admin_call(
            Method::PATCH,
            &secret,
            Some(json!({"expire_time": null, "status": "ACTIVE"})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body.get("expire_time").is_none());
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID_2, SECRET_2)
            .await
            .status(),
        200
    );

    let (status, _) = ctx.admin_call(Method::DELETE, &secret, None).await;
    assert_eq!(status, 200);
    let (status, body) = ctx.admin_call(Method::DELETE, &secret, None).await;
    assert_eq!(status, 404);
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn add_secret_over_http_returns_a_working_value() {
    let ctx = start();
    let path = format!("{}/secrets", sp_path(SERVICE_PRINCIPAL_ID_2));
    let (status, created) = ctx.admin_call(Method::POST, &path, None).await;
    assert_eq!(status, 200);
    let value = created["secret"].as_str().unwrap();
    assert!(value.starts_with("dose"));
    assert_eq!(created["id"].as_str().unwrap().len(), 64);
    assert!(created["expire_time"].is_string(), "730 days by default");
    ctx.token_for(ACCOUNT_ID, APPLICATION_ID_2, value).await;

    let (status, created) = ctx
        .admin_call(
            Method::POST,
            &path,
            Some(json!({"id": "ff".repeat(32), "secret": "dosemine", "never_expires": true})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(created.get("expire_time").is_none());
    ctx.token_for(ACCOUNT_ID, APPLICATION_ID_2, "dosemine")
        .await;
    let (status, _) = ctx
        .admin_call(Method::POST, &path, Some(json!({"id": "ff".repeat(32)})))
        .await;
    assert_eq!(status, 409, "duplicate id");
    let (status, _) = ctx
        .admin_call(Method::POST, &path, Some(json!({"bogus": 1})))
        .await;
    assert_eq!(status, 400);
    // The admin API is not bound by the 5-secret limit.
    for _ in 0..6 {
        let (status, _) = ctx.admin_call(Method::POST, &path, None).await;
        assert_eq!(status, 200);
    }
}

#[tokio::test]
async fn remove_and_add_the_account_admin_role_over_http() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let role = format!("{}/roles/account_admin", sp_path(SERVICE_PRINCIPAL_ID));
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2);
    let (status, body) = ctx.admin_call(Method::DELETE, &role, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["roles"], json!([]));
    assert_eq!(ctx.get(&url, &token).await.status(), 403);
    let (status, body) = ctx.admin_call(Method::PUT, &role, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["roles"], json!(["account_admin"]));
    assert_eq!(ctx.get(&url, &token).await.status(), 200);
    let (status, _) = ctx.admin_call(Method::POST, &role, None).await;
    assert_eq!(status, 200, "POST works too and is idempotent");
    assert_eq!(
        ctx.emu
            .service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
            .unwrap()
            .roles,
        ["account_admin"]
    );
}

#[tokio::test]
async fn deactivate_activate_delete_and_add_service_principals_over_http() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let scim = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2);
    let sp = sp_path(SERVICE_PRINCIPAL_ID_2);

    let (status, body) = ctx
        .admin_call(Method::POST, &format!("{sp}/deactivate"), None)
        .await;
    assert_eq!((status, &body["active"]), (200, &json!(false)));
    let (_, body) = json(ctx.get(&scim, &token).await).await;
    assert_eq!(body["active"], false);
    let (_, body) = ctx
        .admin_call(Method::POST, &format!("{sp}/activate"), None)
        .await;
    assert_eq!(body["active"], true);

    let (status, body) = ctx.admin_call(Method::GET, &sp, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["application_id"], APPLICATION_ID_2);
    let (status, body) = ctx
        .admin_call(Method::PATCH, &sp, Some(json!({"display_name": "renamed"})))
        .await;
    assert_eq!((status, &body["display_name"]), (200, &json!("renamed")));

    let (status, _) = ctx.admin_call(Method::DELETE, &sp, None).await;
    assert_eq!(status, 200);
    assert_eq!(ctx.get(&scim, &token).await.status(), 404);
    let (status, _) = ctx.admin_call(Method::DELETE, &sp, None).await;
    assert_eq!(status, 404);

    // Add with generated ids in the real formats.
    let (status, added) = ctx
        .admin_call(
            Method::POST,
            SP_PATH,
            Some(json!({"display_name": "new-sp", "roles": ["account_admin"], "secrets": [{}]})),
        )
        .await;
    assert_eq!(status, 200, "{added}");
    let id = added["id"].as_str().unwrap();
    assert_eq!(id.len(), 16);
    assert!(id.bytes().all(|b| b.is_ascii_digit()));
    let app = added["application_id"].as_str().unwrap();
    assert!(is_uuid(app));
    let secret = added["secrets"][0]["secret"].as_str().unwrap();
    let new_token = ctx.token_for(ACCOUNT_ID, app, secret).await;
    let (status, body) = json(ctx.get(&ctx.scim_url(ACCOUNT_ID, id), &new_token).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["displayName"], "new-sp");

    // Explicit ids; duplicates conflict.
    let explicit =
        json!({"id": "1234567890123456", "application_id": "01234567-89ab-4cde-8f01-23456789abcd"});
    let (status, _) = ctx
        .admin_call(Method::POST, SP_PATH, Some(explicit.clone()))
        .await;
    assert_eq!(status, 200);
    let (status, _) = ctx.admin_call(Method::POST, SP_PATH, Some(explicit)).await;
    assert_eq!(status, 409);
    let (status, _) = ctx
        .admin_call(Method::POST, "/accounts/nope/service-principals", None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn add_account_over_http() {
    let ctx = start();
    let (status, body) = ctx.admin_call(Method::POST, "/accounts", None).await;
    assert_eq!(status, 200);
    let acc = body["account_id"].as_str().unwrap().to_owned();
    assert!(is_uuid(&acc));
    let (status, _) = ctx
        .admin_call(
            Method::POST,
            "/accounts",
            Some(json!({"account_id": ACCOUNT_ID})),
        )
        .await;
    assert_eq!(status, 409);
    let (status, _) = ctx
        .admin_call(
            Method::POST,
            &format!("/accounts/{acc}/service-principals"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    // The token endpoint now knows the account.
    let (status, body) = json(ctx.token_request(&acc, APPLICATION_ID, SECRET).await).await;
    assert_eq!((status, &body["error"]), (401, &json!("invalid_client")));
}

#[tokio::test]
async fn settings_get_patch_and_put() {
    let ctx = start();
    let (status, body) = ctx.admin_call(Method::GET, "/settings", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"token_ttl_seconds": 3600, "list_omits_expired_secrets": true,
               "scim_get_omits_roles": false, "max_secrets_per_service_principal": 5,
               "request_log_limit": 10000})
    );
    let (status, body) = ctx
        .admin_call(
            Method::PATCH,
            "/settings",
            Some(json!({"scim_get_omits_roles": true, "token_ttl_seconds": 60, "latency": {"fixed_ms": 1}})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["scim_get_omits_roles"], true);
    assert_eq!(ctx.emu.settings().token_ttl_seconds, 60);
    let (_, body) = json(ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await).await;
    assert_eq!(body["expires_in"], 60);
    // null resets a field to its default.
    let (_, body) = ctx
        .admin_call(
            Method::PATCH,
            "/settings",
            Some(json!({"token_ttl_seconds": null, "latency": null})),
        )
        .await;
    assert_eq!(body["token_ttl_seconds"], 3600);
    assert!(body.get("latency").is_none());
    let (status, _) = ctx
        .admin_call(
            Method::PATCH,
            "/settings",
            Some(json!({"no_such_setting": 1})),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = ctx
        .admin_call(Method::PUT, "/settings", Some(json!({})))
        .await;
    assert_eq!(status, 200);
    assert_eq!(ctx.emu.settings(), Settings::default());
}

#[tokio::test]
async fn faults_latency_and_random_faults_over_http() {
    let ctx = start();
    let (status, body) = ctx
        .admin_call(
            Method::POST,
            "/faults",
            Some(json!({"path_prefix": "/oidc/", "count": 2,
                        "fault": {"kind": "too_many_requests", "retry_after_seconds": 7}})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], 1);
    let (_, listed) = ctx.admin_call(Method::GET, "/faults", None).await;
    assert_eq!(listed[0]["count"], 2);
    assert_eq!(listed[0]["fault"]["kind"], "too_many_requests");
    let resp = ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    let (_, listed) = ctx.admin_call(Method::GET, "/faults", None).await;
    assert_eq!(listed[0]["count"], 1);
    let (status, _) = ctx.admin_call(Method::DELETE, "/faults", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET)
            .await
            .status(),
        200
    );
    let (status, _) = ctx
        .admin_call(
            Method::POST,
            "/faults",
            Some(json!({"fault": {"kind": "nope"}})),
        )
        .await;
    assert_eq!(status, 400);

    let (status, body) = ctx
        .admin_call(
            Method::PUT,
            "/latency",
            Some(json!({"min_ms": 5, "max_ms": 10})),
        )
        .await;
    assert_eq!((status, body), (200, json!({"min_ms": 5, "max_ms": 10})));
    assert!(ctx.emu.settings().latency.is_some());
    ctx.admin_call(Method::DELETE, "/latency", None).await;
    assert!(ctx.emu.settings().latency.is_none());

    let (status, body) = ctx
        .admin_call(
            Method::PUT,
            "/random-faults",
            Some(json!({"probability": 1.0, "seed": 3, "kinds": ["unavailable"]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET)
            .await
            .status(),
        503
    );
    let (status, _) = ctx.admin_call(Method::DELETE, "/random-faults", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET)
            .await
            .status(),
        200
    );
    let (status, _) = ctx
        .admin_call(
            Method::PUT,
            "/random-faults",
            Some(json!({"probability": 2})),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn expire_tokens_over_http() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let (status, _) = ctx.admin_call(Method::POST, "/tokens/expire", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn unknown_admin_endpoint_is_json_404() {
    let ctx = start();
    let (status, body) = ctx.admin_call(Method::GET, "/nothing-here", None).await;
    assert_eq!(status, 404);
    assert!(body["error"].is_string());
    let (status, _) = ctx
        .admin_call(
            Method::POST,
            &format!("{}/secrets/x/expire", sp_path("9")),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(ctx.emu.calls().total(), 0);
}

#[tokio::test]
async fn in_process_admin_methods_report_missing_objects() {
    let ctx = start();
    let e = &ctx.emu;
    assert!(
        e.delete_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, "nope")
            .is_err()
    );
    assert!(e.expire_secret(ACCOUNT_ID, "0", SECRET_ID).is_err());
    assert!(
        e.remove_role("no-account", SERVICE_PRINCIPAL_ID, "account_admin")
            .is_err()
    );
    assert!(e.deactivate_service_principal(ACCOUNT_ID, "0").is_err());
    assert!(e.add_account(ACCOUNT_ID).is_err());
    let sp = e
        .add_service_principal(ACCOUNT_ID, NewServicePrincipal::default())
        .unwrap();
    assert!(sp.active && sp.roles.is_empty() && sp.secrets.is_empty());
    let s = e
        .add_secret(
            ACCOUNT_ID,
            &sp.id,
            NewSecret {
                lifetime_seconds: Some(10 * 86_400),
                ..Default::default()
            },
        )
        .unwrap();
    let left = s.expire_time.unwrap() - s.create_time;
    assert_eq!(left.whole_days(), 10);
    let later = time::OffsetDateTime::now_utc() + time::Duration::days(3);
    let s = e
        .set_secret_expire_time(ACCOUNT_ID, &sp.id, &s.id, Some(later))
        .unwrap();
    assert!(s.expire_time.is_some());
}

#[test]
fn start_on_a_given_address_and_shutdown() {
    let emu = Emulator::start_on(
        "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
        Seed::canonical(),
    )
    .unwrap();
    let addr = emu.local_addr();
    assert_eq!(emu.url(), format!("http://{addr}"));
    emu.shutdown();
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "the port is closed"
    );
    // Binding an address in use fails cleanly.
    let first = Emulator::start(Seed::default()).unwrap();
    let err = Emulator::start_on(first.local_addr(), Seed::default()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
}

#[test]
fn start_refuses_an_address_other_machines_can_reach_unless_remote_is_allowed() {
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.10:0"] {
        let options = Options {
            addr: addr.parse().unwrap(),
            ..Options::default()
        };
        let err = Emulator::start_with(Seed::default(), options).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{addr}");
        assert!(err.to_string().contains("allow_remote"), "{addr}: {err}");
    }
    let emu = Emulator::start_with(
        Seed::default(),
        Options {
            addr: "0.0.0.0:0".parse().unwrap(),
            allow_remote: true,
            ..Options::default()
        },
    )
    .unwrap();
    assert!(emu.url().starts_with("http://127.0.0.1:"), "{}", emu.url());
}

#[test]
fn invalid_seed_is_invalid_data() {
    let mut seed = Seed::canonical();
    let dup = seed.accounts[0].service_principals[0].clone();
    seed.accounts[0].service_principals.push(dup);
    let err = Emulator::start(seed).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        Seed::from_json(r#"{"accounts":[{"account_id":"a","service_principals":[{"id":"1"}]}]}"#)
            .is_err()
    );
}

#[test]
fn quickstart_seed_file_and_readme_example_parse() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let seed = Seed::load(format!("{dir}/seeds/quickstart.json")).unwrap();
    assert_eq!(seed, Seed::canonical());
    let readme = std::fs::read_to_string(format!("{dir}/README.md")).unwrap();
    let example = readme
        .split("<!-- seed-example -->")
        .nth(1)
        .and_then(|s| s.split("```json").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("README has a seed example");
    let seed = Seed::from_json(example).unwrap();
    let emu = Emulator::start(seed).unwrap();
    emu.shutdown();
}

#[tokio::test]
async fn serves_many_concurrent_clients() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let client = reqwest::Client::new();
        let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID);
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    assert_eq!(ctx.emu.calls().scim_get, 200);
}

#[test]
fn works_from_a_plain_test_and_drop_stops_it() {
    let addr;
    {
        let emu = Emulator::start(Seed::canonical()).unwrap();
        addr = emu.local_addr();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let status = rt.block_on(async {
            reqwest::Client::new()
                .get(format!("{}/_emulator/health", emu.url()))
                .send()
                .await
                .unwrap()
                .status()
        });
        assert_eq!(status, 200);
    }
    assert!(std::net::TcpStream::connect(addr).is_err());
}

// ---- who may use the admin API --------------------------------------------------------------

/// A raw admin call: `headers` as given (a `Host` among them replaces reqwest's), `body` sent
/// as is. Returns the status.
async fn raw_admin(
    ctx: &Ctx,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> u16 {
    let mut req = ctx.http.request(method, ctx.admin(path));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    if let Some(b) = body {
        req = req.body(b.to_owned());
    }
    req.send().await.unwrap().status().as_u16()
}

const FAULT_RULE: &str = r#"{"path_prefix":"/api/","count":1,"fault":{"kind":"unavailable"}}"#;

#[tokio::test]
async fn admin_api_refuses_requests_whose_host_is_not_loopback_so_dns_rebinding_fails() {
    let ctx = start();
    let port = ctx.emu.local_addr().port();
    let json_type = ("content-type", "application/json");
    for host in [
        "attacker.example".to_owned(),
        format!("attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("192.0.2.10:{port}"),
        "[fe80::1]".to_owned(),
        "user@localhost".to_owned(),
        String::new(),
    ] {
        let h = ("host", host.as_str());
        assert_eq!(
            raw_admin(&ctx, Method::GET, "/state", &[h], None).await,
            403,
            "GET with Host {host:?}"
        );
        let resp = ctx
            .http
            .post(ctx.admin("/faults"))
            .header("host", &host)
            .header("content-type", "application/json")
            .body(FAULT_RULE)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.unwrap();
        assert_eq!(status, 403, "POST with Host {host:?}");
        assert!(body["error"].as_str().unwrap().contains("Host"), "{body}");
        assert_eq!(ctx.emu.faults(), vec![], "Host {host:?} changed nothing");
    }
    for host in [
        "localhost".to_owned(),
        format!("LOCALHOST:{port}"),
        "127.0.0.1".to_owned(),
        format!("127.0.0.1:{port}"),
        "127.1.2.3:9".to_owned(),
        "[::1]".to_owned(),
        format!("[::1]:{port}"),
    ] {
        let h = ("host", host.as_str());
        assert_eq!(
            raw_admin(&ctx, Method::GET, "/calls", &[h], None).await,
            200,
            "Host {host:?}"
        );
        assert_eq!(
            raw_admin(&ctx, Method::DELETE, "/faults", &[h, json_type], None).await,
            200,
            "Host {host:?}"
        );
    }
    // The account API itself answers any Host: its discovery documents are built from it.
    let resp = ctx
        .http
        .get(format!("{}/.well-known/databricks-config", ctx.base))
        .header("host", "accounts.example")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn admin_api_refuses_writes_that_are_not_json_as_a_cross_site_form_would_send() {
    let ctx = start();
    let token = ctx.admin_token().await;
    for content_type in [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonp",
    ] {
        let h = ("content-type", content_type);
        for (method, path) in [
            (Method::POST, "/faults"),
            (Method::PUT, "/latency"),
            (Method::PATCH, "/settings"),
        ] {
            assert_eq!(
                raw_admin(&ctx, method.clone(), path, &[h], Some(FAULT_RULE)).await,
                415,
                "{method} {path} as {content_type}"
            );
        }
        // An empty form (no fields) is a write too.
        assert_eq!(
            raw_admin(&ctx, Method::POST, "/tokens/expire", &[h], Some("")).await,
            415,
            "{content_type}"
        );
    }
    // A body without any Content-Type is refused as well.
    assert_eq!(
        raw_admin(&ctx, Method::POST, "/faults", &[], Some(FAULT_RULE)).await,
        415
    );
    assert_eq!(ctx.emu.faults(), vec![], "no refused write took effect");
    assert_eq!(ctx.emu.settings(), Settings::default());
    let resp = ctx
        .get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
        .await;
    assert_eq!(resp.status(), 200, "the token was not expired");

    for content_type in [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
    ] {
        let h = ("content-type", content_type);
        assert_eq!(
            raw_admin(&ctx, Method::POST, "/faults", &[h], Some(FAULT_RULE)).await,
            200,
            "{content_type}"
        );
    }
    assert_eq!(ctx.emu.faults().len(), 3);
    // Writes without a body need no Content-Type (`curl -X POST`, `curl -X DELETE`).
    assert_eq!(
        raw_admin(&ctx, Method::DELETE, "/faults", &[], None).await,
        200
    );
    assert_eq!(
        raw_admin(&ctx, Method::POST, "/tokens/expire", &[], None).await,
        200
    );
    let resp = ctx
        .get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
        .await;
    assert_eq!(resp.status(), 401, "this time the token was expired");
}

#[tokio::test]
async fn admin_api_refuses_requests_sent_by_web_pages_of_other_origins() {
    let ctx = start();
    let token = ctx.admin_token().await;
    // A page's `fetch(url, {method: "POST", mode: "no-cors"})`: no body, no Content-Type, but
    // the browser names the page's origin.
    for origin in [
        "https://attacker.example",
        "http://attacker.example:8080",
        "null",
    ] {
        let h = ("origin", origin);
        assert_eq!(
            raw_admin(&ctx, Method::POST, "/tokens/expire", &[h], None).await,
            403,
            "{origin}"
        );
        assert_eq!(
            raw_admin(&ctx, Method::GET, "/state", &[h], None).await,
            403,
            "{origin}"
        );
    }
    let resp = ctx
        .get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
        .await;
    assert_eq!(resp.status(), 200, "the token was not expired");
    let own = ctx.base.clone();
    for origin in [own.as_str(), "http://localhost:3000"] {
        let h = ("origin", origin);
        assert_eq!(
            raw_admin(&ctx, Method::GET, "/calls", &[h], None).await,
            200,
            "{origin}"
        );
    }
}

#[tokio::test]
async fn with_remote_access_allowed_the_admin_api_also_answers_ip_addresses_but_no_other_names() {
    let emu = Emulator::start_with(
        Seed::canonical(),
        Options {
            allow_remote: true,
            ..Options::default()
        },
    )
    .unwrap();
    let ctx = Ctx {
        base: emu.url(),
        emu,
        http: reqwest::Client::new(),
    };
    let port = ctx.emu.local_addr().port();
    for host in [
        format!("192.0.2.10:{port}"),
        "10.1.2.3".to_owned(),
        format!("[2001:db8::1]:{port}"),
        "localhost".to_owned(),
    ] {
        let h = ("host", host.as_str());
        assert_eq!(
            raw_admin(&ctx, Method::GET, "/calls", &[h], None).await,
            200,
            "Host {host:?}"
        );
    }
    for host in [
        "emulator.example",
        "attacker.example:80",
        "192.0.2.10.nip.io",
    ] {
        let h = ("host", host);
        assert_eq!(
            raw_admin(&ctx, Method::GET, "/calls", &[h], None).await,
            403,
            "Host {host:?}"
        );
    }
    let h = ("content-type", "text/plain");
    assert_eq!(
        raw_admin(&ctx, Method::POST, "/faults", &[h], Some(FAULT_RULE)).await,
        415,
        "the Content-Type rule holds in remote mode too"
    );
}
