//! A stand-in for the account API that echoes requests back, as gateways, WAF block pages and
//! debug endpoints do: it serves the token, SCIM and secret-list calls of one connection and
//! of one management principal, and answers the call under test with the credentials it
//! received — the `Authorization` header, and what it carries decoded and re-encoded in every
//! encoding a debug page might print — as a plain-text error, an HTML page or a JSON 200
//! `message`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

pub const ACCOUNT_ID: &str = "0d2a7b1c-1234-4abc-9def-0123456789ab";
pub const SERVICE_PRINCIPAL_ID: &str = "2323502488275632";
pub const SECRET_ID: &str = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110";
/// The connection's principal.
pub const CLIENT_ID: &str = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
/// Characters whose encodings differ, so each encoding is a separate thing to find.
pub const CLIENT_SECRET: &str = "dose Own+Secret/with=chars&more";
/// The management principal.
pub const MANAGEMENT_CLIENT_ID: &str = "11111111-2222-4333-8444-555555555555";
pub const MANAGEMENT_SECRET: &str = "dose Mgmt+Secret/also=odd&x";
/// The access tokens issued to each.
pub const TOKEN: &str = "tok.own+Issued/token=";
pub const MANAGEMENT_TOKEN: &str = "tok.mgmt+Issued/token=";

/// The first and last words of every echo: a test that finds the last one knows the whole
/// echo reached the output, so nothing was cut off before the credentials.
pub const ECHO_START: &str = "echo-of-request";
pub const ECHO_END: &str = "end-of-echo";

/// The calls of a verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Token,
    Scim,
    Secrets,
}

/// How the call under test answers with its echo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `text/plain` with this status.
    Text(u16),
    /// A 200 HTML page whose `<pre>` holds the echo.
    Html,
    /// A 200 JSON object whose `message` is the echo.
    JsonMessage,
}

impl Shape {
    pub const ALL: [Shape; 7] = [
        Shape::Text(400),
        Shape::Text(401),
        Shape::Text(403),
        Shape::Text(404),
        Shape::Text(500),
        Shape::Html,
        Shape::JsonMessage,
    ];
}

#[derive(Default)]
struct Shared {
    echo: Mutex<Option<(Call, Shape)>>,
    echoed: AtomicUsize,
}

/// The running server; it stops when the test process ends.
pub struct Reflector {
    url: String,
    shared: Arc<Shared>,
}

impl Reflector {
    pub fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&shared));
        let listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        Self { url, shared }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// From now on `call` answers with the echo in `shape`; every other call answers as the
    /// account API does.
    pub fn echo(&self, call: Call, shape: Shape) {
        *self.shared.echo.lock().unwrap() = Some((call, shape));
    }

    /// Every call answers as the account API does.
    pub fn behave(&self) {
        *self.shared.echo.lock().unwrap() = None;
    }

    /// How many echoes were sent.
    pub fn echoed(&self) -> usize {
        self.shared.echoed.load(Ordering::SeqCst)
    }
}

async fn answer(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let call = if path.ends_with("/v1/token") {
        Call::Token
    } else if path.contains("/scim/v2/ServicePrincipals/") {
        Call::Scim
    } else if path.ends_with("/credentials/secrets") {
        Call::Secrets
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let echo = *shared.echo.lock().unwrap();
    if let Some((echoed, shape)) = echo
        && echoed == call
    {
        shared.echoed.fetch_add(1, Ordering::SeqCst);
        let text = echo_of(&parts.headers);
        return shaped(shape, text);
    }
    match call {
        Call::Token => token(&parts.headers),
        Call::Scim => json(
            StatusCode::OK,
            serde_json::json!({
                "id": SERVICE_PRINCIPAL_ID,
                "applicationId": CLIENT_ID,
                "displayName": "reflected connection",
                "active": true,
                "roles": [{"value": "account_admin"}],
            }),
        ),
        Call::Secrets => json(
            StatusCode::OK,
            serde_json::json!({"secrets": [{
                "id": SECRET_ID,
                "status": "ACTIVE",
                "create_time": "2025-01-01T00:00:00Z",
                "expire_time": "2099-01-01T00:00:00Z",
            }]}),
        ),
    }
}

/// A token for either principal, by its Basic credentials.
fn token(headers: &HeaderMap) -> Response {
    let issued = match basic_credentials(headers) {
        Some((id, secret)) if id == CLIENT_ID && secret == CLIENT_SECRET => TOKEN,
        Some((id, secret)) if id == MANAGEMENT_CLIENT_ID && secret == MANAGEMENT_SECRET => {
            MANAGEMENT_TOKEN
        }
        _ => {
            return json(
                StatusCode::UNAUTHORIZED,
                serde_json::json!({"error": "invalid_client", "error_description": "unknown"}),
            );
        }
    };
    json(
        StatusCode::OK,
        serde_json::json!({"access_token": issued, "token_type": "Bearer", "expires_in": 3600}),
    )
}

/// The client ID and secret of a Basic header, each form-decoded (RFC 6749 §2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let decoded = STANDARD.decode(value.strip_prefix("Basic ")?).ok()?;
    let pair = String::from_utf8(decoded).ok()?;
    let (id, secret) = pair.split_once(':')?;
    Some((form_decode(id), form_decode(secret)))
}

fn form_decode(s: &str) -> String {
    percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Everything the request carried, the credentials in each encoding a debug page might print.
fn echo_of(headers: &HeaderMap) -> String {
    // Only what carries a credential: an error quotes 300 characters of an answer, and the
    // whole echo must fit for a test to see every line of it.
    let mut lines = vec![ECHO_START.to_owned()];
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        lines.push(format!(
            "authorization: {}",
            value.to_str().unwrap_or_default()
        ));
    }
    let mut secrets = Vec::new();
    if let Some((id, secret)) = basic_credentials(headers) {
        let pair = format!("{id}:{secret}");
        lines.push(format!("basic (url-safe): {}", URL_SAFE.encode(&pair)));
        lines.push(format!(
            "basic (no padding): {}",
            URL_SAFE_NO_PAD.encode(&pair)
        ));
        lines.push(format!("credentials: {pair}"));
        secrets.push(secret);
    }
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        secrets.push(bearer.to_owned());
    }
    for secret in secrets {
        let percent = utf8_percent_encode(&secret, NON_ALPHANUMERIC).to_string();
        lines.push(format!("raw: {secret}"));
        lines.push(format!("percent: {percent}"));
        lines.push(format!("percent (lower): {}", lower_hex(&percent)));
        lines.push(format!(
            "form: {}",
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>()
        ));
        lines.push(format!("json: {}", serde_json::to_string(&secret).unwrap()));
        lines.push(format!(
            "json (escaped slash): {}",
            secret.replace('/', "\\/")
        ));
    }
    lines.push(ECHO_END.to_owned());
    lines.join(" | ")
}

fn lower_hex(percent: &str) -> String {
    let mut out = String::new();
    let mut escape = 0;
    for c in percent.chars() {
        if c == '%' {
            escape = 2;
            out.push(c);
        } else if escape > 0 {
            escape -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn shaped(shape: Shape, text: String) -> Response {
    match shape {
        Shape::Text(status) => Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from(text))
            .unwrap(),
        Shape::Html => {
            let escaped = text.replace('&', "&amp;").replace('<', "&lt;");
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "text/html")
                .body(Body::from(format!(
                    "<html><head><title>Request blocked</title></head><body><pre>{escaped}</pre></body></html>"
                )))
                .unwrap()
        }
        Shape::JsonMessage => json(StatusCode::OK, serde_json::json!({ "message": text })),
    }
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// Every form of every credential the provider holds or sends here, as a test searches for
/// them: both secrets and both tokens raw, percent-encoded (either case of hex), form-encoded
/// and JSON-escaped, and each Basic header's base64 (standard, URL-safe, unpadded).
pub fn every_credential_form() -> Vec<String> {
    let mut forms = Vec::new();
    for value in [CLIENT_SECRET, MANAGEMENT_SECRET, TOKEN, MANAGEMENT_TOKEN] {
        let percent = utf8_percent_encode(value, NON_ALPHANUMERIC).to_string();
        forms.push(value.to_owned());
        forms.push(lower_hex(&percent));
        forms.push(percent);
        forms.push(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
        forms.push(value.replace('/', "\\/"));
    }
    for (id, secret) in [
        (CLIENT_ID, CLIENT_SECRET),
        (MANAGEMENT_CLIENT_ID, MANAGEMENT_SECRET),
    ] {
        let sent = format!(
            "{}:{}",
            url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>(),
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>()
        );
        let raw = format!("{id}:{secret}");
        for pair in [sent, raw] {
            forms.push(STANDARD.encode(&pair));
            forms.push(URL_SAFE.encode(&pair));
            forms.push(URL_SAFE_NO_PAD.encode(&pair));
        }
    }
    forms
}
