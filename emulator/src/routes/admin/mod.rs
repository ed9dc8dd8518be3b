//! The admin API under `/_emulator/` (documented in README.md). Never counted, never faulted;
//! answers only the requests [`access`] lets through.

mod access;
mod reply;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

use crate::faults::{FaultRule, RandomFaults};
use crate::seed::{Latency, STATUS_ACTIVE, STATUS_INACTIVE, Settings};
use crate::shared::Shared;
use crate::state::{AdminError, NewSecret, NewServicePrincipal, ServicePrincipalUpdate};
use crate::timefmt;
pub(crate) use access::HostRule;
use reply::{body_or_default, body_required, error, reply};

type St = AxumState<Arc<Shared>>;

const SP: &str = "/accounts/{account_id}/service-principals/{sp_id}";

pub(crate) fn router(hosts: HostRule) -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/health",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route("/state", get(state))
        .route(
            "/settings",
            get(settings_get).patch(settings_patch).put(settings_put),
        )
        .route("/calls", get(calls_get).delete(calls_reset))
        .route("/calls/reset", post(calls_reset))
        .route("/requests", get(requests_get).delete(requests_clear))
        .route(
            "/faults",
            get(faults_get).post(faults_add).delete(faults_clear),
        )
        .route("/latency", put(latency_put).delete(latency_delete))
        .route("/random-faults", put(random_put).delete(random_delete))
        .route("/tokens/expire", post(tokens_expire))
        .route("/accounts", post(account_add))
        .route("/accounts/{account_id}/service-principals", post(sp_add))
        .route(SP, get(sp_get).patch(sp_patch).delete(sp_delete))
        .route(&format!("{SP}/activate"), post(sp_activate))
        .route(&format!("{SP}/deactivate"), post(sp_deactivate))
        .route(
            &format!("{SP}/roles/{{role}}"),
            put(role_add).post(role_add).delete(role_remove),
        )
        .route(&format!("{SP}/secrets"), post(secret_add))
        .route(
            &format!("{SP}/secrets/{{secret_id}}"),
            axum::routing::patch(secret_patch).delete(secret_delete),
        )
        .route(
            &format!("{SP}/secrets/{{secret_id}}/expire"),
            post(secret_expire),
        )
        .route(
            &format!("{SP}/secrets/{{secret_id}}/deactivate"),
            post(secret_deactivate),
        )
        .route(
            &format!("{SP}/secrets/{{secret_id}}/activate"),
            post(secret_activate),
        )
        .fallback(|| async { error(StatusCode::NOT_FOUND, "unknown admin endpoint") })
        .layer(axum::middleware::from_fn_with_state(hosts, access::guard))
        // Outermost, so refused requests are logged too.
        .layer(axum::middleware::from_fn(log_admin))
}

/// One log line per admin call: scripts' state changes show up beside the API requests.
async fn log_admin(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let resp = next.run(req).await;
    tracing::info!(
        method = %method,
        path = %format!("/_emulator{path}"),
        status = resp.status().as_u16(),
        "admin"
    );
    resp
}

macro_rules! try_body {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(resp) => return resp,
        }
    };
}

async fn state(AxumState(sh): St) -> Response {
    Json(sh.lock().snapshot()).into_response()
}

async fn settings_get(AxumState(sh): St) -> Response {
    Json(sh.lock().settings.clone()).into_response()
}

async fn settings_put(AxumState(sh): St, body: Bytes) -> Response {
    let settings: Settings = try_body!(body_required(&body));
    reply(sh.lock().set_settings(settings.clone()).map(|()| settings))
}

/// JSON merge patch (RFC 7396, one level): `null` resets a field to its default.
async fn settings_patch(AxumState(sh): St, body: Bytes) -> Response {
    let patch: serde_json::Map<String, serde_json::Value> = try_body!(body_required(&body));
    let mut st = sh.lock();
    let mut current = match serde_json::to_value(&st.settings) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    for (k, v) in patch {
        if v.is_null() {
            current.remove(&k);
        } else {
            current.insert(k, v);
        }
    }
    let settings: Settings = match serde_json::from_value(serde_json::Value::Object(current)) {
        Ok(s) => s,
        Err(e) => return error(StatusCode::BAD_REQUEST, &format!("invalid settings: {e}")),
    };
    reply(st.set_settings(settings.clone()).map(|()| settings))
}

async fn calls_get(AxumState(sh): St) -> Response {
    Json(sh.lock().calls).into_response()
}

async fn calls_reset(AxumState(sh): St) -> Response {
    let mut st = sh.lock();
    st.calls = Default::default();
    Json(st.calls).into_response()
}

/// The request log, oldest first.
async fn requests_get(AxumState(sh): St) -> Response {
    Json(sh.lock().requests()).into_response()
}

async fn requests_clear(AxumState(sh): St) -> Response {
    sh.lock().clear_requests();
    Json(serde_json::json!({})).into_response()
}

async fn faults_get(AxumState(sh): St) -> Response {
    Json(sh.lock().faults()).into_response()
}

async fn faults_add(AxumState(sh): St, body: Bytes) -> Response {
    let rule: FaultRule = try_body!(body_required(&body));
    tracing::info!(?rule, "fault injected");
    let id = sh.lock().inject_fault(rule);
    Json(serde_json::json!({ "id": id })).into_response()
}

async fn faults_clear(AxumState(sh): St) -> Response {
    sh.lock().clear_faults();
    Json(serde_json::json!({})).into_response()
}

async fn latency_put(AxumState(sh): St, body: Bytes) -> Response {
    let latency: Latency = try_body!(body_required(&body));
    sh.lock().settings.latency = Some(latency);
    Json(latency).into_response()
}

async fn latency_delete(AxumState(sh): St) -> Response {
    sh.lock().settings.latency = None;
    Json(serde_json::json!({})).into_response()
}

async fn random_put(AxumState(sh): St, body: Bytes) -> Response {
    let rf: RandomFaults = try_body!(body_required(&body));
    reply(sh.lock().set_random_faults(Some(rf.clone())).map(|()| rf))
}

async fn random_delete(AxumState(sh): St) -> Response {
    reply(
        sh.lock()
            .set_random_faults(None)
            .map(|()| serde_json::json!({})),
    )
}

async fn tokens_expire(AxumState(sh): St) -> Response {
    sh.lock().tokens.expire_all();
    Json(serde_json::json!({})).into_response()
}

#[derive(Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct NewAccount {
    account_id: Option<String>,
}

async fn account_add(AxumState(sh): St, body: Bytes) -> Response {
    let new: NewAccount = try_body!(body_or_default(&body));
    reply(
        sh.lock()
            .directory
            .add_account(new.account_id)
            .map(|id| serde_json::json!({ "account_id": id, "service_principals": [] })),
    )
}

async fn sp_add(AxumState(sh): St, Path(acc): Path<String>, body: Bytes) -> Response {
    let new: NewServicePrincipal = try_body!(body_or_default(&body));
    reply(sh.lock().directory.add_service_principal(&acc, new))
}

async fn sp_get(AxumState(sh): St, Path((acc, sp)): Path<(String, String)>) -> Response {
    reply(sh.lock().directory.service_principal(&acc, &sp).cloned())
}

async fn sp_patch(
    AxumState(sh): St,
    Path((acc, sp)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let update: ServicePrincipalUpdate = try_body!(body_required(&body));
    reply(
        sh.lock()
            .directory
            .update_service_principal(&acc, &sp, update),
    )
}

async fn sp_delete(AxumState(sh): St, Path((acc, sp)): Path<(String, String)>) -> Response {
    reply(sh.lock().directory.delete_service_principal(&acc, &sp))
}

fn set_active(sh: &Shared, acc: &str, sp: &str, active: bool) -> Response {
    let mut st = sh.lock();
    let r = st
        .directory
        .set_service_principal_active(acc, sp, active)
        .and_then(|()| st.directory.service_principal(acc, sp).cloned());
    reply(r)
}

async fn sp_activate(AxumState(sh): St, Path((acc, sp)): Path<(String, String)>) -> Response {
    set_active(&sh, &acc, &sp, true)
}

async fn sp_deactivate(AxumState(sh): St, Path((acc, sp)): Path<(String, String)>) -> Response {
    set_active(&sh, &acc, &sp, false)
}

async fn role_add(
    AxumState(sh): St,
    Path((acc, sp, role)): Path<(String, String, String)>,
) -> Response {
    let mut st = sh.lock();
    let r = st
        .directory
        .add_role(&acc, &sp, &role)
        .and_then(|()| st.directory.service_principal(&acc, &sp).cloned());
    reply(r)
}

async fn role_remove(
    AxumState(sh): St,
    Path((acc, sp, role)): Path<(String, String, String)>,
) -> Response {
    let mut st = sh.lock();
    let r = st
        .directory
        .remove_role(&acc, &sp, &role)
        .and_then(|()| st.directory.service_principal(&acc, &sp).cloned());
    reply(r)
}

async fn secret_add(
    AxumState(sh): St,
    Path((acc, sp)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let new: NewSecret = try_body!(body_or_default(&body));
    reply(sh.lock().directory.add_secret(&acc, &sp, new))
}

async fn secret_delete(
    AxumState(sh): St,
    Path((acc, sp, sid)): Path<(String, String, String)>,
) -> Response {
    reply(sh.lock().directory.delete_secret(&acc, &sp, &sid))
}

#[derive(Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Expire {
    #[serde(with = "timefmt::serde_ms_option")]
    expire_time: Option<time::OffsetDateTime>,
}

/// Default: expired one second ago.
async fn secret_expire(
    AxumState(sh): St,
    Path((acc, sp, sid)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let e: Expire = try_body!(body_or_default(&body));
    let at = e
        .expire_time
        .unwrap_or_else(|| timefmt::after_seconds(timefmt::now(), -1));
    reply(
        sh.lock()
            .directory
            .set_secret_expire_time(&acc, &sp, &sid, Some(at)),
    )
}

async fn secret_deactivate(
    AxumState(sh): St,
    Path((acc, sp, sid)): Path<(String, String, String)>,
) -> Response {
    reply(
        sh.lock()
            .directory
            .set_secret_status(&acc, &sp, &sid, STATUS_INACTIVE),
    )
}

async fn secret_activate(
    AxumState(sh): St,
    Path((acc, sp, sid)): Path<(String, String, String)>,
) -> Response {
    reply(
        sh.lock()
            .directory
            .set_secret_status(&acc, &sp, &sid, STATUS_ACTIVE),
    )
}

/// `{"status":"…"}` and/or `{"expire_time":"…"|null}` (`null`: never expires).
async fn secret_patch(
    AxumState(sh): St,
    Path((acc, sp, sid)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let patch: serde_json::Map<String, serde_json::Value> = try_body!(body_required(&body));
    let mut st = sh.lock();
    for key in patch.keys() {
        if key != "status" && key != "expire_time" {
            return error(StatusCode::BAD_REQUEST, &format!("unknown field {key:?}"));
        }
    }
    if let Some(v) = patch.get("expire_time") {
        let at = match v {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => match timefmt::parse(s) {
                Ok(t) => Some(t),
                Err(e) => return error(StatusCode::BAD_REQUEST, &format!("expire_time: {e}")),
            },
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "expire_time must be a string or null",
                );
            }
        };
        if let Err(e) = st.directory.set_secret_expire_time(&acc, &sp, &sid, at) {
            return reply::<()>(Err(e));
        }
    }
    if let Some(v) = patch.get("status") {
        let Some(status) = v.as_str() else {
            return error(StatusCode::BAD_REQUEST, "status must be a string");
        };
        if let Err(e) = st.directory.set_secret_status(&acc, &sp, &sid, status) {
            return reply::<()>(Err(e));
        }
    }
    let secret = st.directory.service_principal(&acc, &sp).and_then(|p| {
        p.secrets
            .iter()
            .find(|s| s.id == sid)
            .cloned()
            .ok_or_else(|| AdminError::NotFound(format!("secret {sid} does not exist")))
    });
    reply(secret)
}
