//! Discovery as the SDKs follow it: host metadata, then the account's OIDC document, then the
//! token endpoint that document names.

use crate::common::{json, start};
use databricks_account_emulator::{Fault, FaultRule, canonical::*};
use serde_json::json;

#[tokio::test]
async fn host_metadata_names_the_account_oidc_endpoint_with_the_placeholder() {
    let ctx = start();
    let (status, meta) = json(
        ctx.http
            .get(format!("{}/.well-known/databricks-config", ctx.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        meta,
        json!({
            "oidc_endpoint": format!("{}/oidc/accounts/{{account_id}}", ctx.base),
            "host_type": "account"
        })
    );
}

#[tokio::test]
async fn documents_name_the_host_the_client_used() {
    let ctx = start();
    let port = ctx.emu.local_addr().port();
    let via_localhost = format!("http://localhost:{port}");
    let (_, meta) = json(
        ctx.http
            .get(format!("{via_localhost}/.well-known/databricks-config"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        meta["oidc_endpoint"],
        format!("{via_localhost}/oidc/accounts/{{account_id}}")
    );
    let (_, doc) = json(
        ctx.http
            .get(format!(
                "{via_localhost}/oidc/accounts/{ACCOUNT_ID}/.well-known/oauth-authorization-server"
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        doc["token_endpoint"],
        format!("{via_localhost}/oidc/accounts/{ACCOUNT_ID}/v1/token")
    );
}

#[tokio::test]
async fn every_oidc_document_of_an_account_names_its_token_endpoint() {
    let ctx = start();
    let root = format!("{}/oidc/accounts/{ACCOUNT_ID}", ctx.base);
    for path in [
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
        "",
    ] {
        let (status, doc) = json(ctx.http.get(format!("{root}{path}")).send().await.unwrap()).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(doc["issuer"], root);
        assert_eq!(doc["token_endpoint"], format!("{root}/v1/token"));
        assert_eq!(
            doc["authorization_endpoint"],
            format!("{root}/v1/authorize")
        );
        assert_eq!(doc["grant_types_supported"], json!(["client_credentials"]));
        assert_eq!(
            doc["token_endpoint_auth_methods_supported"],
            json!(["client_secret_basic"])
        );
    }
    // An upper-case account id in the path still names the account as it is stored.
    let (_, doc) = json(
        ctx.http
            .get(format!(
                "{}/oidc/accounts/{}/.well-known/oauth-authorization-server",
                ctx.base,
                ACCOUNT_ID.to_uppercase()
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(doc["token_endpoint"], format!("{root}/v1/token"));
}

#[tokio::test]
async fn the_token_endpoint_found_by_discovery_issues_tokens() {
    let ctx = start();
    let (_, meta) = json(
        ctx.http
            .get(format!("{}/.well-known/databricks-config", ctx.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let oidc = meta["oidc_endpoint"]
        .as_str()
        .unwrap()
        .replace("{account_id}", ACCOUNT_ID);
    let (_, doc) = json(
        ctx.http
            .get(format!("{oidc}/.well-known/oauth-authorization-server"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let resp = ctx
        .http
        .post(doc["token_endpoint"].as_str().unwrap())
        .basic_auth(APPLICATION_ID, Some(SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "all-apis")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn discovery_of_an_unknown_account_is_404() {
    let ctx = start();
    let (status, body) = json(
        ctx.http
            .get(format!(
                "{}/oidc/accounts/00000000-0000-4000-8000-000000000000/.well-known/oauth-authorization-server",
                ctx.base
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error_code"], "RESOURCE_DOES_NOT_EXIST");
    // Other methods and the workspace-style path are not served.
    let resp = ctx
        .http
        .post(format!("{}/.well-known/databricks-config", ctx.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let resp = ctx
        .http
        .get(format!(
            "{}/oidc/.well-known/oauth-authorization-server",
            ctx.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn discovery_needs_no_token_is_counted_and_can_be_faulted() {
    let ctx = start();
    ctx.emu
        .inject_fault(FaultRule::new("/.well-known/", Fault::too_many_requests(1)));
    let url = format!("{}/.well-known/databricks-config", ctx.base);
    assert_eq!(ctx.http.get(&url).send().await.unwrap().status(), 429);
    assert_eq!(ctx.http.get(&url).send().await.unwrap().status(), 200);
    let calls = ctx.emu.calls();
    assert_eq!((calls.discovery, calls.other), (2, 0), "{calls:?}");
}
