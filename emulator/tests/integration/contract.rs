//! Contract tests over API.md's vectors T1–T16 and T21–T24, on the raw HTTP API.
//! The fault vectors T17–T20 are in `faults.rs`.

use crate::common::{Ctx, is_uuid, json, start, start_with};
use base64::Engine;
use databricks_account_emulator::{
    Account, NewSecret, Secret, Seed, ServicePrincipal, ServicePrincipalUpdate, Settings,
    canonical::*,
};
use serde_json::{Value, json};

fn token_error_is_invalid_client(status: u16, body: &Value) {
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(body["error_description"], "Client authentication failed");
    assert!(is_uuid(body["error_id"].as_str().unwrap()), "{body}");
}

// ---- T1–T4: token endpoint -----------------------------------------------------------------

#[tokio::test]
async fn t01_token_exchange_returns_bearer_token() {
    let ctx = start();
    let resp = ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await;
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], json!(3600), "a JSON number");
    assert_eq!(body["scope"], "all-apis");
    let token = body["access_token"].as_str().unwrap();
    assert!(!token.is_empty());
    assert_eq!(body.as_object().unwrap().len(), 4);
    // The token works as `Authorization: Bearer <token>`.
    let resp = ctx
        .get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), token)
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(ctx.emu.calls().token, 1);
}

#[tokio::test]
async fn t01_token_request_with_exact_header_and_body_of_the_vector() {
    let ctx = start();
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{APPLICATION_ID}:{SECRET}"));
    let resp = ctx
        .http
        .post(ctx.token_url(ACCOUNT_ID))
        .header("Authorization", format!("Basic {basic}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&scope=all-apis")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn t01_basic_credentials_are_percent_decoded() {
    let ctx = start();
    let odd = "dose a+b/c:d%";
    ctx.emu
        .add_secret(
            ACCOUNT_ID,
            SERVICE_PRINCIPAL_ID,
            NewSecret {
                secret: Some(odd.into()),
                ..Default::default()
            },
        )
        .unwrap();
    // golang.org/x/oauth2 style: url.QueryEscape on both parts before Base64.
    let encoded = format!(
        "{}:{}",
        APPLICATION_ID.to_uppercase().replace('-', "%2D"),
        "dose+a%2Bb%2Fc%3Ad%25"
    );
    let basic = base64::engine::general_purpose::STANDARD.encode(encoded);
    let resp = ctx
        .http
        .post(ctx.token_url(ACCOUNT_ID))
        .header("Authorization", format!("Basic {basic}"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn t01_token_lifetime_comes_from_settings() {
    let ctx = start_with(Seed::canonical().with_settings(Settings {
        token_ttl_seconds: 120,
        ..Settings::default()
    }));
    let (status, body) = json(ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["expires_in"], json!(120));
}

#[tokio::test]
async fn t02_wrong_secret_is_invalid_client() {
    let ctx = start();
    let (status, body) = json(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, "dosewrong")
            .await,
    )
    .await;
    token_error_is_invalid_client(status, &body);
    // Unknown client id: the same answer.
    let (status, body) = json(
        ctx.token_request(ACCOUNT_ID, "00000000-0000-4000-8000-000000000000", SECRET)
            .await,
    )
    .await;
    token_error_is_invalid_client(status, &body);
    // Another principal's secret does not work for this client id.
    let (status, body) = json(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET_2)
            .await,
    )
    .await;
    token_error_is_invalid_client(status, &body);
}

#[tokio::test]
async fn t02_deleted_expired_or_inactive_secret_and_inactive_or_deleted_principal_are_invalid_client()
 {
    type Break = fn(&Ctx);
    let cases: [(&str, Break); 5] = [
        ("deleted secret", |c| {
            c.emu
                .delete_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
                .unwrap()
        }),
        ("expired secret", |c| {
            c.emu
                .expire_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
                .map(|_| ())
                .unwrap()
        }),
        ("inactive secret", |c| {
            c.emu
                .deactivate_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, SECRET_ID)
                .map(|_| ())
                .unwrap()
        }),
        ("inactive principal", |c| {
            c.emu
                .deactivate_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
                .unwrap()
        }),
        ("deleted principal", |c| {
            c.emu
                .delete_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
                .unwrap()
        }),
    ];
    for (name, break_it) in cases {
        let ctx = start();
        ctx.admin_token().await;
        break_it(&ctx);
        let (status, body) =
            json(ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await).await;
        assert_eq!(status, 401, "{name}");
        token_error_is_invalid_client(status, &body);
    }
}

#[tokio::test]
async fn t02_missing_or_malformed_basic_credentials_are_invalid_client() {
    let ctx = start();
    let form = [("grant_type", "client_credentials")];
    let no_auth = ctx
        .http
        .post(ctx.token_url(ACCOUNT_ID))
        .form(&form)
        .send()
        .await
        .unwrap();
    let (status, body) = json(no_auth).await;
    token_error_is_invalid_client(status, &body);
    for header in [
        "Basic !!!notbase64",
        "Basic bm9jb2xvbg==",
        "Bearer abc",
        "Basic",
    ] {
        let resp = ctx
            .http
            .post(ctx.token_url(ACCOUNT_ID))
            .header("Authorization", header)
            .form(&form)
            .send()
            .await
            .unwrap();
        let (status, body) = json(resp).await;
        token_error_is_invalid_client(status, &body);
    }
}

#[tokio::test]
async fn t03_missing_or_unsupported_grant_type_is_400_unsupported_grant_type() {
    let ctx = start();
    for form in [
        vec![("scope", "all-apis")],
        vec![("grant_type", "password"), ("scope", "all-apis")],
        vec![("grant_type", "authorization_code")],
    ] {
        let resp = ctx
            .http
            .post(ctx.token_url(ACCOUNT_ID))
            .basic_auth(APPLICATION_ID, Some(SECRET))
            .form(&form)
            .send()
            .await
            .unwrap();
        let (status, body) = json(resp).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"], "unsupported_grant_type");
        assert!(body["error_description"].is_string());
    }
}

#[tokio::test]
async fn t03_token_body_must_be_form_encoded() {
    let ctx = start();
    let resp = ctx
        .http
        .post(ctx.token_url(ACCOUNT_ID))
        .basic_auth(APPLICATION_ID, Some(SECRET))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json(resp).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn t04_unknown_account_is_400_invalid_request_invalid_account() {
    let ctx = start();
    let (status, body) = json(
        ctx.token_request(
            "11111111-2222-4333-8444-555555555555",
            APPLICATION_ID,
            SECRET,
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"error": "invalid_request", "error_description": "Invalid account"})
    );
}

#[tokio::test]
async fn t04_account_id_is_case_insensitive() {
    let ctx = start();
    let resp = ctx
        .token_request(&ACCOUNT_ID.to_uppercase(), APPLICATION_ID, SECRET)
        .await;
    assert_eq!(resp.status(), 200);
}

// ---- T5–T11: SCIM ------------------------------------------------------------------------------

#[tokio::test]
async fn t05_scim_get_returns_the_service_principal_object() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let resp = ctx
        .get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
        .await;
    assert_eq!(resp.headers()["content-type"], "application/json");
    let (status, body) = json(resp).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"],
            "id": SERVICE_PRINCIPAL_ID,
            "applicationId": APPLICATION_ID,
            "displayName": DISPLAY_NAME,
            "active": true,
            "roles": [{"value": "account_admin"}],
            "account_id": ACCOUNT_ID
        })
    );
    assert_eq!(ctx.emu.calls().scim_get, 1);
}

#[tokio::test]
async fn t05_scim_get_accepts_json_and_scim_json_content_types() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID);
    // Terraform's style.
    let resp = ctx
        .http
        .get(&url)
        .bearer_auth(&token)
        .header("Content-Type", "application/scim+json; charset=utf-8")
        .header("Accept", "application/scim+json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/scim+json");
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["id"], SERVICE_PRINCIPAL_ID);
    // The Go SDK's style.
    let resp = ctx
        .http
        .get(&url)
        .bearer_auth(&token)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn t05_scim_get_honours_attributes_and_excluded_attributes() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID);
    let (_, body) = json(
        ctx.http
            .get(&url)
            .bearer_auth(&token)
            .query(&[("attributes", "roles")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        body,
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"],
            "id": SERVICE_PRINCIPAL_ID,
            "roles": [{"value": "account_admin"}]
        })
    );
    // Terraform's attribute list: unknown names are ignored.
    let (_, body) = json(
        ctx.http
            .get(&url)
            .bearer_auth(&token)
            .query(&[(
                "attributes",
                "userName,displayName,active,externalId,entitlements",
            )])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert_eq!(body["displayName"], DISPLAY_NAME);
    assert_eq!(body["active"], true);
    let (_, body) = json(
        ctx.http
            .get(&url)
            .bearer_auth(&token)
            .query(&[("excludedAttributes", "roles,displayName,id")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(body.get("roles").is_none() && body.get("displayName").is_none());
    assert_eq!(body["id"], SERVICE_PRINCIPAL_ID, "id is always returned");
    assert_eq!(body["applicationId"], APPLICATION_ID);
}

#[tokio::test]
async fn t06_scim_get_of_deleted_principal_is_scim_404() {
    let ctx = start();
    let token = ctx.admin_token().await;
    ctx.emu
        .delete_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2)
        .unwrap();
    for sp in [SERVICE_PRINCIPAL_ID_2, "123", "not-a-number"] {
        let (status, body) = json(ctx.get(&ctx.scim_url(ACCOUNT_ID, sp), &token).await).await;
        assert_eq!(status, 404);
        assert_eq!(
            body["schemas"],
            json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
        );
        assert_eq!(body["status"], "404");
        assert!(body["detail"].as_str().unwrap().contains(sp));
    }
}

#[tokio::test]
async fn t07_scim_get_of_inactive_principal_is_200_with_active_false() {
    let ctx = start();
    let token = ctx.admin_token().await;
    ctx.emu
        .deactivate_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2)
        .unwrap();
    let (status, body) = json(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2), &token)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["active"], false);
    ctx.emu
        .activate_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2)
        .unwrap();
    let (_, body) = json(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2), &token)
            .await,
    )
    .await;
    assert_eq!(body["active"], true);
}

#[tokio::test]
async fn t08_scim_get_with_no_roles_shows_empty_roles() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let (status, body) = json(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2), &token)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["roles"], json!([]));
    let (_, body) = json(
        ctx.get(
            &format!(
                "{}?attributes=roles",
                ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2)
            ),
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(
        body["roles"],
        json!([]),
        "still none with ?attributes=roles"
    );
}

#[tokio::test]
async fn t08_setting_makes_default_scim_get_omit_roles_so_clients_ask_for_them() {
    let ctx = start();
    ctx.emu
        .update_settings(|s| s.scim_get_omits_roles = true)
        .unwrap();
    let token = ctx.admin_token().await;
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID);
    let (_, body) = json(ctx.get(&url, &token).await).await;
    assert!(body.get("roles").is_none(), "{body}");
    assert_eq!(body["active"], true);
    let (_, body) = json(ctx.get(&format!("{url}?attributes=roles"), &token).await).await;
    assert_eq!(body["roles"], json!([{"value": "account_admin"}]));
}

#[tokio::test]
async fn t09_application_id_is_reported_as_stored_so_mismatches_show() {
    let ctx = start();
    let token = ctx.admin_token().await;
    // Reading another principal: its applicationId is not the caller's client id.
    let (_, body) = json(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2), &token)
            .await,
    )
    .await;
    assert_eq!(body["applicationId"], APPLICATION_ID_2);
    assert_ne!(body["applicationId"], APPLICATION_ID);
    // And after an admin change of the application id.
    let new_app = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    ctx.emu
        .update_service_principal(
            ACCOUNT_ID,
            SERVICE_PRINCIPAL_ID_2,
            ServicePrincipalUpdate {
                application_id: Some(new_app.into()),
                ..Default::default()
            },
        )
        .unwrap();
    let (_, body) = json(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2), &token)
            .await,
    )
    .await;
    assert_eq!(body["applicationId"], new_app);
}

fn is_unauthenticated(status: u16, body: &Value) {
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error_code"], "UNAUTHENTICATED");
    assert!(body["message"].is_string());
}

#[tokio::test]
async fn t10_missing_unknown_or_expired_token_is_401_unauthenticated() {
    let ctx = start();
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID);
    let (status, body) = json(ctx.http.get(&url).send().await.unwrap()).await;
    is_unauthenticated(status, &body);
    let (status, body) = json(ctx.get(&url, "not-a-token").await).await;
    is_unauthenticated(status, &body);
    let (status, body) = json(
        ctx.http
            .get(&url)
            .basic_auth(APPLICATION_ID, Some(SECRET))
            .send()
            .await
            .unwrap(),
    )
    .await;
    is_unauthenticated(status, &body);
    // Expired via the admin switch …
    let token = ctx.admin_token().await;
    ctx.emu.expire_tokens();
    let (status, body) = json(ctx.get(&url, &token).await).await;
    is_unauthenticated(status, &body);
    // … and through the TTL; a new token works again.
    ctx.emu
        .update_settings(|s| s.token_ttl_seconds = 0)
        .unwrap();
    let token = ctx.admin_token().await;
    let (status, body) = json(
        ctx.get(&ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
            .await,
    )
    .await;
    is_unauthenticated(status, &body);
    ctx.emu
        .update_settings(|s| s.token_ttl_seconds = 3600)
        .unwrap();
    let token = ctx.admin_token().await;
    assert_eq!(ctx.get(&url, &token).await.status(), 200);
}

#[tokio::test]
async fn t10_token_of_another_account_is_401_unauthenticated() {
    let other = "99999999-8888-4777-8666-555555555555";
    let seed = Seed::canonical().with_account(
        Account::new(other).with_service_principal(
            ServicePrincipal::new(
                "1000000000000001",
                "12345678-1234-4234-8234-123456789012",
                "other",
            )
            .account_admin()
            .with_secret(Secret::new("ab".repeat(32), "doseother")),
        ),
    );
    let ctx = start_with(seed);
    let token = ctx
        .token_for(other, "12345678-1234-4234-8234-123456789012", "doseother")
        .await;
    assert_eq!(
        ctx.get(&ctx.scim_url(other, "1000000000000001"), &token)
            .await
            .status(),
        200
    );
    let (status, body) = json(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
            .await,
    )
    .await;
    is_unauthenticated(status, &body);
    let (status, body) = json(
        ctx.get(&ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
            .await,
    )
    .await;
    is_unauthenticated(status, &body);
    // An unknown account in the path: also 401 for a token of a real one.
    let (status, body) = json(
        ctx.get(&ctx.scim_url("nope", SERVICE_PRINCIPAL_ID), &token)
            .await,
    )
    .await;
    is_unauthenticated(status, &body);
}

#[tokio::test]
async fn t10_token_of_a_since_deactivated_or_deleted_principal_is_401() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2);
    ctx.emu
        .deactivate_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
        .unwrap();
    let (status, body) = json(ctx.get(&url, &token).await).await;
    is_unauthenticated(status, &body);
    ctx.emu
        .activate_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
        .unwrap();
    assert_eq!(ctx.get(&url, &token).await.status(), 200);
    ctx.emu
        .delete_service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
        .unwrap();
    let (status, body) = json(ctx.get(&url, &token).await).await;
    is_unauthenticated(status, &body);
}

#[tokio::test]
async fn t11_non_admin_principal_gets_403_permission_denied() {
    let ctx = start();
    // The second principal has a working secret but no role: the token is issued …
    let token = ctx.token_for(ACCOUNT_ID, APPLICATION_ID_2, SECRET_2).await;
    let expected = json!({
        "error_code": "PERMISSION_DENIED",
        "message": "API is disabled for users without account admin status"
    });
    // … and every account API refuses it, even for its own records.
    for url in [
        ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2),
        ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID),
        ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2),
    ] {
        let (status, body) = json(ctx.get(&url, &token).await).await;
        assert_eq!(status, 403, "{url}");
        assert_eq!(body, expected);
    }
    let resp = ctx
        .http
        .post(ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn t11_removing_account_admin_makes_the_existing_token_get_403() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID);
    ctx.emu
        .remove_role(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, "account_admin")
        .unwrap();
    let (status, body) = json(ctx.get(&url, &token).await).await;
    assert_eq!(status, 403);
    assert_eq!(body["error_code"], "PERMISSION_DENIED");
    // The token endpoint itself still issues tokens to a non-admin.
    ctx.admin_token().await;
    ctx.emu
        .add_role(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, "account_admin")
        .unwrap();
    assert_eq!(ctx.get(&url, &token).await.status(), 200);
}

#[tokio::test]
async fn scim_list_filters_by_application_id() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = format!(
        "{}/api/2.0/accounts/{ACCOUNT_ID}/scim/v2/ServicePrincipals",
        ctx.base
    );
    let resp = ctx
        .http
        .get(&url)
        .bearer_auth(&token)
        .query(&[("filter", format!("applicationId eq \"{APPLICATION_ID_2}\""))])
        .send()
        .await
        .unwrap();
    let (status, body) = json(resp).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
    );
    assert_eq!(body["totalResults"], 1);
    assert_eq!(body["Resources"][0]["id"], SERVICE_PRINCIPAL_ID_2);
    let (_, body) = json(ctx.get(&url, &token).await).await;
    assert_eq!(body["totalResults"], 2);
    let resp = ctx
        .http
        .get(&url)
        .bearer_auth(&token)
        .query(&[("filter", "displayName co \"x\"")])
        .send()
        .await
        .unwrap();
    let (status, body) = json(resp).await;
    assert_eq!(status, 400);
    assert_eq!(body["scimType"], "invalidFilter");
    assert_eq!(ctx.emu.calls().scim_list, 3);
}

// ---- T12–T16: secrets list -----------------------------------------------------------------

#[tokio::test]
async fn t12_secrets_list_returns_the_documented_fields() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let body = ctx.list_secrets(&token, SERVICE_PRINCIPAL_ID).await;
    let secrets = body["secrets"].as_array().unwrap();
    assert_eq!(secrets.len(), 1);
    assert!(body.get("next_page_token").is_none());
    let s = secrets[0].as_object().unwrap();
    let mut keys: Vec<&str> = s.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "create_time",
            "expire_time",
            "id",
            "secret_hash",
            "status",
            "update_time"
        ]
    );
    assert_eq!(s["id"], SECRET_ID);
    assert_eq!(s["status"], "ACTIVE");
    assert_eq!(s["create_time"], "2025-01-01T00:00:00.000Z");
    assert_eq!(s["update_time"], "2025-01-01T00:00:00.000Z");
    let expire = s["expire_time"].as_str().unwrap();
    assert!(expire.ends_with('Z') && expire.len() == 24, "{expire}");
    assert!(s.get("secret").is_none(), "the value is never listed");
    assert_eq!(ctx.emu.calls().secrets_list, 1);
}

#[tokio::test]
async fn t13_secrets_list_paginates_with_next_page_token() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let added = ctx
        .emu
        .add_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, NewSecret::default())
        .unwrap();
    let url = ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID);
    let (status, page1) = json(
        ctx.http
            .get(&url)
            .bearer_auth(&token)
            .query(&[("page_size", "1")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page1["secrets"].as_array().unwrap().len(), 1);
    assert_eq!(page1["secrets"][0]["id"], SECRET_ID);
    let next = page1["next_page_token"].as_str().unwrap();
    assert!(!next.is_empty());
    let (_, page2) = json(
        ctx.http
            .get(&url)
            .bearer_auth(&token)
            .query(&[("page_size", "1"), ("page_token", next)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page2["secrets"].as_array().unwrap().len(), 1);
    assert_eq!(page2["secrets"][0]["id"], added.id);
    assert!(page2.get("next_page_token").is_none());
    let (status, body) = json(
        ctx.http
            .get(&url)
            .bearer_auth(&token)
            .query(&[("page_token", "garbage")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error_code"], "INVALID_PARAMETER_VALUE");
    let (status, _) = json(
        ctx.http
            .get(&url)
            .bearer_auth(&token)
            .query(&[("page_size", "-1")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn t13_default_page_size_is_100_and_larger_sizes_are_capped() {
    let ctx = start();
    for _ in 0..150 {
        ctx.emu
            .add_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2, NewSecret::default())
            .unwrap();
    }
    let token = ctx.admin_token().await;
    let url = ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2);
    for query in ["", "?page_size=0", "?page_size=500"] {
        let (_, body) = json(ctx.get(&format!("{url}{query}"), &token).await).await;
        assert_eq!(body["secrets"].as_array().unwrap().len(), 100, "{query}");
        let next = body["next_page_token"].as_str().unwrap();
        let (_, rest) = json(ctx.get(&format!("{url}?page_token={next}"), &token).await).await;
        assert_eq!(rest["secrets"].as_array().unwrap().len(), 51);
        assert!(rest.get("next_page_token").is_none());
    }
}

#[tokio::test]
async fn t14_expired_secret_is_omitted_by_default_and_listed_with_the_switch() {
    let ctx = start();
    let token = ctx.admin_token().await;
    // An admin principal can list while its own (other) secret is expired: use SP2's.
    ctx.emu
        .expire_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2, SECRET_ID_2)
        .unwrap();
    let body = ctx.list_secrets(&token, SERVICE_PRINCIPAL_ID_2).await;
    assert_eq!(body, json!({}), "no secrets: the field is left out");
    ctx.emu
        .update_settings(|s| s.list_omits_expired_secrets = false)
        .unwrap();
    let body = ctx.list_secrets(&token, SERVICE_PRINCIPAL_ID_2).await;
    let s = &body["secrets"][0];
    assert_eq!(s["id"], SECRET_ID_2);
    let expire = time::OffsetDateTime::parse(
        s["expire_time"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(expire < time::OffsetDateTime::now_utc());
}

#[tokio::test]
async fn t14_seeded_already_expired_secret_is_omitted() {
    let seed = Seed::canonical();
    let mut seed = seed;
    seed.accounts[0].service_principals[1]
        .secrets
        .push(Secret::new("cd".repeat(32), "doseold").expiring_in_seconds(-60));
    let ctx = start_with(seed);
    let token = ctx.admin_token().await;
    assert_eq!(
        ctx.secret_ids(&token, SERVICE_PRINCIPAL_ID_2).await,
        [SECRET_ID_2]
    );
    let (status, _) = json(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID_2, "doseold")
            .await,
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn t15_secret_without_expire_time_is_listed_without_the_field() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let body = ctx.list_secrets(&token, SERVICE_PRINCIPAL_ID_2).await;
    let s = &body["secrets"][0];
    assert_eq!(s["id"], SECRET_ID_2);
    assert_eq!(s["status"], "ACTIVE");
    assert!(s.get("expire_time").is_none());
    // And it authenticates forever.
    ctx.token_for(ACCOUNT_ID, APPLICATION_ID_2, SECRET_2).await;
}

#[tokio::test]
async fn t15_deactivated_secret_is_listed_as_inactive() {
    let ctx = start();
    let token = ctx.admin_token().await;
    ctx.emu
        .deactivate_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2, SECRET_ID_2)
        .unwrap();
    let body = ctx.list_secrets(&token, SERVICE_PRINCIPAL_ID_2).await;
    assert_eq!(body["secrets"][0]["status"], "INACTIVE");
}

#[tokio::test]
async fn t16_secrets_list_for_unknown_principal_is_404_resource_does_not_exist() {
    let ctx = start();
    let token = ctx.admin_token().await;
    for sp in ["1234567890123456", "abc"] {
        let (status, body) = json(ctx.get(&ctx.secrets_url(ACCOUNT_ID, sp), &token).await).await;
        assert_eq!(status, 404);
        assert_eq!(body["error_code"], "RESOURCE_DOES_NOT_EXIST");
        assert!(body["message"].as_str().unwrap().contains(sp));
    }
}

// ---- T21–T24: secret create and delete -------------------------------------------------------

fn assert_secret_value(v: &str) {
    let rest = v.strip_prefix("dose").unwrap();
    assert!((32..=36).contains(&rest.len()), "{v}");
    assert!(rest.bytes().all(|b| b.is_ascii_alphanumeric()), "{v}");
}

#[tokio::test]
async fn t21_create_secret_with_maximum_lifetime_returns_the_secret_value() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let resp = ctx
        .http
        .post(ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2))
        .bearer_auth(&token)
        .json(&json!({"lifetime": "63072000s"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json(resp).await;
    assert_eq!(status, 200, "{body}");
    let id = body["id"].as_str().unwrap();
    assert_eq!(id.len(), 64);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_secret_value(body["secret"].as_str().unwrap());
    assert_eq!(body["status"], "ACTIVE");
    assert!(body["secret_hash"].is_string());
    let parse = |k: &str| {
        time::OffsetDateTime::parse(
            body[k].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert_eq!(
        (parse("expire_time") - parse("create_time")).whole_seconds(),
        63_072_000
    );
    assert_eq!(parse("create_time"), parse("update_time"));
    // The new secret authenticates and is listed without its value.
    ctx.token_for(
        ACCOUNT_ID,
        APPLICATION_ID_2,
        body["secret"].as_str().unwrap(),
    )
    .await;
    let ids = ctx.secret_ids(&token, SERVICE_PRINCIPAL_ID_2).await;
    assert!(ids.contains(&id.to_owned()));
    assert_eq!(ctx.emu.calls().secrets_create, 1);
}

#[tokio::test]
async fn t21_create_secret_without_body_uses_the_default_lifetime() {
    let ctx = start();
    let token = ctx.admin_token().await;
    for body in ["", "{}"] {
        let resp = ctx
            .http
            .post(ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2))
            .bearer_auth(&token)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, created) = json(resp).await;
        assert_eq!(status, 200);
        assert!(created["expire_time"].is_string());
    }
    let resp = ctx
        .http
        .post(ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2))
        .bearer_auth(&token)
        .json(&json!({"lifetime": "3600s"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn t22_lifetime_over_730_days_or_malformed_is_400_invalid_parameter_value() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2);
    for lifetime in [
        json!("63072001s"),
        json!("86400"),
        json!("730d"),
        json!("0s"),
        json!(86400),
    ] {
        let resp = ctx
            .http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({ "lifetime": lifetime }))
            .send()
            .await
            .unwrap();
        let (status, body) = json(resp).await;
        assert_eq!(status, 400, "{lifetime}");
        assert_eq!(body["error_code"], "INVALID_PARAMETER_VALUE");
    }
    let resp = ctx
        .http
        .post(&url)
        .bearer_auth(&token)
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = json(resp).await;
    assert_eq!(status, 400);
    assert_eq!(body["error_code"], "MALFORMED_REQUEST");
    assert_eq!(
        ctx.secret_ids(&token, SERVICE_PRINCIPAL_ID_2).await.len(),
        1
    );
}

#[tokio::test]
async fn t23_sixth_secret_is_400_quota_exceeded() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID);
    for _ in 0..4 {
        let resp = ctx
            .http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    let (status, body) = json(
        ctx.http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error_code"], "QUOTA_EXCEEDED");
    assert_eq!(ctx.secret_ids(&token, SERVICE_PRINCIPAL_ID).await.len(), 5);
    // Expired secrets do not count.
    let ids = ctx.secret_ids(&token, SERVICE_PRINCIPAL_ID).await;
    ctx.emu
        .expire_secret(ACCOUNT_ID, SERVICE_PRINCIPAL_ID, &ids[4])
        .unwrap();
    let resp = ctx
        .http
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn t24_delete_secret_returns_empty_object_then_404() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = format!(
        "{}/{SECRET_ID_2}",
        ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2)
    );
    let (status, body) = json(
        ctx.http
            .delete(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({}));
    assert!(
        ctx.secret_ids(&token, SERVICE_PRINCIPAL_ID_2)
            .await
            .is_empty()
    );
    let (status, _) = json(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID_2, SECRET_2)
            .await,
    )
    .await;
    assert_eq!(status, 401, "a deleted secret no longer authenticates");
    let (status, body) = json(
        ctx.http
            .delete(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error_code"], "RESOURCE_DOES_NOT_EXIST");
    let unknown_sp = format!(
        "{}/{SECRET_ID}",
        ctx.secrets_url(ACCOUNT_ID, "1111111111111111")
    );
    let (status, _) = json(
        ctx.http
            .delete(&unknown_sp)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(ctx.emu.calls().secrets_delete, 3);
}

#[tokio::test]
async fn t24_principal_can_delete_its_own_secret_then_its_token_still_works_until_expiry() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = format!(
        "{}/{SECRET_ID}",
        ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID)
    );
    assert_eq!(
        ctx.http
            .delete(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Tokens are bound to the principal, not the secret.
    assert_eq!(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID), &token)
            .await
            .status(),
        200
    );
    let (status, _) = json(ctx.token_request(ACCOUNT_ID, APPLICATION_ID, SECRET).await).await;
    assert_eq!(status, 401);
}

// ---- other paths -----------------------------------------------------------------------------

#[tokio::test]
async fn unknown_path_or_method_is_404_endpoint_not_found() {
    let ctx = start();
    let token = ctx.admin_token().await;
    for (method, url) in [
        (reqwest::Method::GET, ctx.token_url(ACCOUNT_ID)),
        (
            reqwest::Method::PUT,
            ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID),
        ),
        (
            reqwest::Method::GET,
            format!("{}/api/2.1/accounts/{ACCOUNT_ID}/nothing", ctx.base),
        ),
    ] {
        let resp = ctx
            .http
            .request(method, &url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let (status, body) = json(resp).await;
        assert_eq!(status, 404);
        assert_eq!(body["error_code"], "ENDPOINT_NOT_FOUND");
    }
}
