//! The service-principal lifecycle on the account SCIM API over raw HTTP: create, replace,
//! PATCH (roles, `active`), delete, and list paging over what was created.

use crate::common::{Ctx, is_uuid, json, start};
use databricks_account_emulator::canonical::*;
use reqwest::Method;
use serde_json::{Value, json};

const SCIM_ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

fn patch_body(operations: Value) -> Value {
    json!({"schemas": [PATCH_OP], "Operations": operations})
}

fn grant_admin() -> Value {
    patch_body(json!([{"op": "add", "path": "roles", "value": [{"value": "account_admin"}]}]))
}

#[track_caller]
fn assert_scim_error(status: u16, body: &Value, want_status: u16, scim_type: Option<&str>) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["schemas"], json!([SCIM_ERROR]), "{body}");
    assert_eq!(body["status"], want_status.to_string(), "{body}");
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    match scim_type {
        Some(t) => assert_eq!(body["scimType"], t, "{body}"),
        None => assert!(body.get("scimType").is_none(), "{body}"),
    }
}

/// Creates a principal through SCIM and returns its resource.
async fn create(ctx: &Ctx, token: &str, body: Value) -> Value {
    let resp = ctx
        .scim_write(
            Method::POST,
            &ctx.scim_collection(ACCOUNT_ID),
            token,
            Some(body),
        )
        .await;
    let (status, created) = json(resp).await;
    assert_eq!(status, 201, "{created}");
    created
}

async fn get_sp(ctx: &Ctx, token: &str, id: &str) -> (u16, Value) {
    json(ctx.get(&ctx.scim_url(ACCOUNT_ID, id), token).await).await
}

#[tokio::test]
async fn create_generates_the_ids_and_answers_201_with_the_resource() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let created = create(
        &ctx,
        &token,
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"],
            "displayName": "ci-bot", "active": true, "id": "1", "externalId": "ext-1"
        }),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        id.len(),
        16,
        "a 16-digit SCIM id, not the one sent: {created}"
    );
    assert!(id.bytes().all(|b| b.is_ascii_digit()));
    assert!(is_uuid(created["applicationId"].as_str().unwrap()));
    assert_eq!(created["displayName"], "ci-bot");
    assert_eq!(created["active"], true);
    assert_eq!(created["externalId"], "ext-1");
    assert_eq!(created["roles"], json!([]));
    assert_eq!(created["account_id"], ACCOUNT_ID);
    let (status, fetched) = get_sp(&ctx, &token, id).await;
    assert_eq!(status, 200);
    assert_eq!(fetched, created, "GET answers what create answered");
}

#[tokio::test]
async fn create_keeps_a_given_application_id_and_refuses_a_duplicate_with_409() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let app = "11111111-2222-4333-8444-555555555555";
    let created = create(
        &ctx,
        &token,
        json!({"applicationId": app, "displayName": "azure-sp", "roles": [{"value": "account_admin"}]}),
    )
    .await;
    assert_eq!(created["applicationId"], app);
    assert_eq!(created["roles"], json!([{"value": "account_admin"}]));
    for taken in [app.to_uppercase(), APPLICATION_ID.to_owned()] {
        let resp = ctx
            .scim_write(
                Method::POST,
                &ctx.scim_collection(ACCOUNT_ID),
                &token,
                Some(json!({"applicationId": taken, "displayName": "again"})),
            )
            .await;
        let (status, body) = json(resp).await;
        assert_scim_error(status, &body, 409, Some("uniqueness"));
    }
}

#[tokio::test]
async fn create_rejects_bodies_that_are_not_a_valid_resource() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let url = ctx.scim_collection(ACCOUNT_ID);
    let resp = ctx
        .http
        .post(&url)
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = json(resp).await;
    assert_scim_error(status, &body, 400, Some("invalidSyntax"));
    assert_eq!(
        body["detail"],
        "Request is unparsable, syntactically incorrect, or violates schema."
    );
    for bad in [
        json!({"active": true}),
        json!({"displayName": "  "}),
        json!({"displayName": "x", "active": "sometimes"}),
        json!({"displayName": "x", "roles": "account_admin"}),
        json!({"displayName": "x", "entitlements": [{"value": "allow-cluster-create"}]}),
    ] {
        let (status, body) = json(
            ctx.scim_write(Method::POST, &url, &token, Some(bad.clone()))
                .await,
        )
        .await;
        assert_scim_error(status, &body, 400, Some("invalidValue"));
    }
    assert_eq!(ctx.emu.snapshot().accounts[0].service_principals.len(), 2);
}

#[tokio::test]
async fn write_calls_need_an_account_admin_token() {
    let ctx = start();
    let non_admin = ctx.token_for(ACCOUNT_ID, APPLICATION_ID_2, SECRET_2).await;
    let sp = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2);
    let calls = [
        (
            Method::POST,
            ctx.scim_collection(ACCOUNT_ID),
            Some(json!({"displayName": "x"})),
        ),
        (Method::PUT, sp.clone(), Some(json!({"displayName": "x"}))),
        (Method::PATCH, sp.clone(), Some(grant_admin())),
        (Method::DELETE, sp.clone(), None),
    ];
    for (method, url, body) in calls {
        let (status, err) = json(
            ctx.scim_write(method.clone(), &url, &non_admin, body.clone())
                .await,
        )
        .await;
        assert_eq!(status, 403, "{method} {err}");
        assert_eq!(err["error_code"], "PERMISSION_DENIED");
        let (status, err) = json(
            ctx.scim_write(method.clone(), &url, "no-such-token", body)
                .await,
        )
        .await;
        assert_eq!(status, 401, "{method} {err}");
        assert_eq!(err["error_code"], "UNAUTHENTICATED");
    }
    let sp2 = ctx
        .emu
        .service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2)
        .unwrap();
    assert!(sp2.roles.is_empty(), "a refused PATCH changed nothing");
}

#[tokio::test]
async fn a_created_principal_granted_admin_by_patch_authenticates_with_a_new_secret() {
    let ctx = start();
    let token = ctx.admin_token().await;
    let created = create(&ctx, &token, json!({"displayName": "pipeline"})).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let app = created["applicationId"].as_str().unwrap().to_owned();

    let resp = ctx
        .scim_write(
            Method::PATCH,
            &ctx.scim_url(ACCOUNT_ID, &id),
            &token,
            Some(grant_admin()),
        )
        .await;
    assert_eq!(resp.status(), 204);
    assert!(resp.bytes().await.unwrap().is_empty());

    let (status, secret) = json(
        ctx.http
            .post(ctx.secrets_url(ACCOUNT_ID, &id))
            .bearer_auth(&token)
            .json(&json!({"lifetime": "3600s"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{secret}");
    let own = ctx
        .token_for(ACCOUNT_ID, &app, secret["secret"].as_str().unwrap())
        .await;
    let (status, me) = get_sp(&ctx, &own, &id).await;
    assert_eq!(status, 200, "the new principal is an account admin: {me}");
    assert_eq!(me["roles"], json!([{"value": "account_admin"}]));
}

#[tokio::test]
async fn patch_revokes_a_role_by_filter_path_and_the_principal_loses_access() {
    let ctx = start();
    let admin = ctx.admin_token().await;
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2);
    let resp = ctx
        .scim_write(Method::PATCH, &url, &admin, Some(grant_admin()))
        .await;
    assert_eq!(resp.status(), 204);
    let token2 = ctx.token_for(ACCOUNT_ID, APPLICATION_ID_2, SECRET_2).await;
    assert_eq!(ctx.get(&url, &token2).await.status(), 200);

    // What `databricks_service_principal_role` sends on destroy.
    let revoke = patch_body(json!([{"op": "remove", "path": "roles[value eq \"account_admin\"]"}]));
    let resp = ctx
        .scim_write(Method::PATCH, &url, &admin, Some(revoke))
        .await;
    assert_eq!(resp.status(), 204);
    assert_eq!(ctx.get(&url, &token2).await.status(), 403);
    let (_, sp) = get_sp(&ctx, &admin, SERVICE_PRINCIPAL_ID_2).await;
    assert_eq!(sp["roles"], json!([]));
}

#[tokio::test]
async fn patch_deactivation_refuses_the_principals_tokens_and_secrets() {
    let ctx = start();
    let admin = ctx.admin_token().await;
    // A second admin to deactivate, so the caller stays active.
    let created = create(
        &ctx,
        &admin,
        json!({"displayName": "to-deactivate", "roles": [{"value": "account_admin"}]}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let secret = ctx
        .emu
        .add_secret(ACCOUNT_ID, &id, Default::default())
        .unwrap();
    let app = created["applicationId"].as_str().unwrap();
    let own = ctx.token_for(ACCOUNT_ID, app, &secret.secret).await;

    // The Terraform provider's form: a list with a string value.
    let deactivate =
        patch_body(json!([{"op": "replace", "path": "active", "value": [{"value": "false"}]}]));
    let resp = ctx
        .scim_write(
            Method::PATCH,
            &ctx.scim_url(ACCOUNT_ID, &id),
            &admin,
            Some(deactivate),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let (_, sp) = get_sp(&ctx, &admin, &id).await;
    assert_eq!(sp["active"], false);
    assert_eq!(
        ctx.get(&ctx.scim_url(ACCOUNT_ID, &id), &own).await.status(),
        401
    );
    let refused = ctx.token_request(ACCOUNT_ID, app, &secret.secret).await;
    assert_eq!(refused.status(), 401);

    // Path-less form (Okta, Entra), and a plain boolean.
    for body in [
        json!({"Operations": [{"op": "Replace", "value": {"active": true}}]}),
        patch_body(json!([{"op": "replace", "path": "active", "value": true}])),
    ] {
        let resp = ctx
            .scim_write(
                Method::PATCH,
                &ctx.scim_url(ACCOUNT_ID, &id),
                &admin,
                Some(body),
            )
            .await;
        assert_eq!(resp.status(), 204);
        assert!(ctx.emu.service_principal(ACCOUNT_ID, &id).unwrap().active);
    }
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, app, &secret.secret)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn patch_with_an_unknown_path_is_invalid_path_and_changes_nothing() {
    let ctx = start();
    let admin = ctx.admin_token().await;
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2);
    let body = patch_body(json!([
        {"op": "add", "path": "roles", "value": [{"value": "account_admin"}]},
        {"op": "replace", "path": "userName", "value": "x"}
    ]));
    let (status, err) = json(
        ctx.scim_write(Method::PATCH, &url, &admin, Some(body))
            .await,
    )
    .await;
    assert_scim_error(status, &err, 400, Some("invalidPath"));
    let sp = ctx
        .emu
        .service_principal(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2)
        .unwrap();
    assert!(sp.roles.is_empty(), "the first operation was not applied");

    let (status, err) = json(
        ctx.scim_write(Method::PATCH, &url, &admin, Some(json!({"Operations": []})))
            .await,
    )
    .await;
    assert_scim_error(status, &err, 400, Some("invalidSyntax"));
    let (status, err) = json(
        ctx.scim_write(
            Method::PATCH,
            &ctx.scim_url(ACCOUNT_ID, "9999999999999999"),
            &admin,
            Some(grant_admin()),
        )
        .await,
    )
    .await;
    assert_scim_error(status, &err, 404, None);
}

#[tokio::test]
async fn put_replaces_the_attributes_and_clears_those_left_out() {
    let ctx = start();
    let admin = ctx.admin_token().await;
    let created = create(
        &ctx,
        &admin,
        json!({"displayName": "old", "externalId": "e", "roles": [{"value": "account_admin"}]}),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let url = ctx.scim_url(ACCOUNT_ID, id);
    let resp = ctx
        .scim_write(
            Method::PUT,
            &url,
            &admin,
            Some(json!({"displayName": "new", "applicationId": created["applicationId"]})),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let (_, sp) = get_sp(&ctx, &admin, id).await;
    assert_eq!(sp["displayName"], "new");
    assert_eq!(sp["active"], true);
    assert_eq!(sp["roles"], json!([]));
    assert!(sp.get("externalId").is_none(), "{sp}");

    let (status, err) = json(
        ctx.scim_write(
            Method::PUT,
            &url,
            &admin,
            Some(json!({"displayName": "new", "applicationId": APPLICATION_ID_2})),
        )
        .await,
    )
    .await;
    assert_scim_error(status, &err, 400, Some("mutability"));
    let (status, err) = json(
        ctx.scim_write(
            Method::PUT,
            &ctx.scim_url(ACCOUNT_ID, "9999999999999999"),
            &admin,
            Some(json!({"displayName": "x"})),
        )
        .await,
    )
    .await;
    assert_scim_error(status, &err, 404, None);
}

#[tokio::test]
async fn delete_removes_the_principal_its_secrets_and_its_credentials() {
    let ctx = start();
    let admin = ctx.admin_token().await;
    let url = ctx.scim_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2);
    let resp = ctx.scim_write(Method::DELETE, &url, &admin, None).await;
    assert_eq!(resp.status(), 204);
    assert!(resp.bytes().await.unwrap().is_empty());

    let (status, err) = get_sp(&ctx, &admin, SERVICE_PRINCIPAL_ID_2).await;
    assert_scim_error(status, &err, 404, None);
    let (status, err) = json(
        ctx.get(&ctx.secrets_url(ACCOUNT_ID, SERVICE_PRINCIPAL_ID_2), &admin)
            .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(err["error_code"], "RESOURCE_DOES_NOT_EXIST");
    assert_eq!(
        ctx.token_request(ACCOUNT_ID, APPLICATION_ID_2, SECRET_2)
            .await
            .status(),
        401
    );
    let (status, err) = json(ctx.scim_write(Method::DELETE, &url, &admin, None).await).await;
    assert_scim_error(status, &err, 404, None);
}

#[tokio::test]
async fn list_pages_over_created_principals_with_start_index_and_count() {
    let ctx = start();
    let admin = ctx.admin_token().await;
    for name in ["p1", "p2", "p3"] {
        create(&ctx, &admin, json!({"displayName": name})).await;
    }
    let mut seen = Vec::new();
    let mut start_index = 1;
    loop {
        let url = format!(
            "{}?startIndex={start_index}&count=2&attributes=displayName",
            ctx.scim_collection(ACCOUNT_ID)
        );
        let (status, page) = json(ctx.get(&url, &admin).await).await;
        assert_eq!(status, 200);
        assert_eq!(page["totalResults"], 5);
        assert_eq!(page["startIndex"], start_index);
        let Some(resources) = page["Resources"].as_array() else {
            break;
        };
        assert!(resources.len() <= 2);
        assert_eq!(page["itemsPerPage"], resources.len());
        for r in resources {
            assert!(
                r.get("applicationId").is_none(),
                "only displayName asked for"
            );
            seen.push(r["displayName"].as_str().unwrap().to_owned());
        }
        start_index += resources.len();
    }
    seen.sort();
    let mut expected = vec![DISPLAY_NAME, DISPLAY_NAME_2, "p1", "p2", "p3"];
    expected.sort();
    assert_eq!(seen, expected, "every principal exactly once");
    let (_, found) = json(
        ctx.get(
            &format!(
                "{}?filter=displayName%20eq%20%22p2%22",
                ctx.scim_collection(ACCOUNT_ID)
            ),
            &admin,
        )
        .await,
    )
    .await;
    assert_eq!(found["totalResults"], 1);
    assert_eq!(found["Resources"][0]["displayName"], "p2");
}

#[tokio::test]
async fn write_calls_are_counted_under_their_own_keys() {
    let ctx = start();
    let admin = ctx.admin_token().await;
    let created = create(&ctx, &admin, json!({"displayName": "counted"})).await;
    let url = ctx.scim_url(ACCOUNT_ID, created["id"].as_str().unwrap());
    ctx.scim_write(Method::PUT, &url, &admin, Some(json!({"displayName": "c"})))
        .await;
    ctx.scim_write(Method::PATCH, &url, &admin, Some(grant_admin()))
        .await;
    ctx.scim_write(Method::DELETE, &url, &admin, None).await;
    // A method the path does not serve is "other".
    ctx.scim_write(Method::POST, &url, &admin, None).await;
    let calls = ctx.emu.calls();
    assert_eq!(
        (
            calls.scim_create,
            calls.scim_replace,
            calls.scim_patch,
            calls.scim_delete,
            calls.other
        ),
        (1, 1, 1, 1, 1),
        "{calls:?}"
    );
    assert_eq!(calls.total(), 6, "and one token request: {calls:?}");
}

#[tokio::test]
async fn scim_answers_follow_the_accept_header() {
    let ctx = start();
    let admin = ctx.admin_token().await;
    let resp = ctx
        .http
        .post(ctx.scim_collection(ACCOUNT_ID))
        .bearer_auth(&admin)
        .header("Accept", "application/scim+json")
        .header("Content-Type", "application/scim+json; charset=utf-8")
        .body(json!({"displayName": "scim-client"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers()["content-type"], "application/scim+json");
    let resp = ctx
        .http
        .patch(ctx.scim_url(ACCOUNT_ID, "9999999999999999"))
        .bearer_auth(&admin)
        .header("Accept", "application/json")
        .json(&grant_admin())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(resp.headers()["content-type"], "application/json");
}
