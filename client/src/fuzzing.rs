//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz): thin wrappers around the crate's
//! private parsers of what the account API (or whatever answers in its place) sends. Not part
//! of the API; no behaviour of its own.

use std::time::{Duration, SystemTime};

use crate::envelope;
use crate::error::{Error, ErrorKind};
use crate::http::Response;
use crate::oauth;
use crate::redact;
use crate::retry;
use crate::scim::ServicePrincipal;
use crate::secrets::{SecretInfo, SecretsPage};

/// What the client makes of an HTTP error answer.
#[derive(Debug)]
pub struct ErrorAnswer {
    /// The message as the client words it: `HTTP <status> <reason>: <summary>`.
    pub message: String,
    pub code: Option<String>,
    /// The error kind for an API call and for the token endpoint.
    pub kind: ErrorKind,
    pub token_kind: ErrorKind,
    pub retry_delay: Option<Duration>,
    pub request_id: Option<String>,
    pub is_html: bool,
}

/// Error-body parsing of a non-2xx answer (`parse_error_body`, `kind_for`, the summary).
pub fn error_answer(status: u16, content_type: Option<&str>, body: &[u8]) -> ErrorAnswer {
    let parsed = envelope::parse_error_body(status, content_type, body);
    ErrorAnswer {
        message: format!(
            "HTTP {status} {}: {}",
            envelope::status_text(status),
            parsed.summary()
        ),
        code: parsed.code.clone(),
        kind: envelope::kind_for(status, &parsed, false),
        token_kind: envelope::kind_for(status, &parsed, true),
        retry_delay: parsed.retry_delay,
        request_id: parsed.request_id.clone(),
        is_html: parsed.envelope == envelope::Envelope::Html,
    }
}

/// Whether a 2xx body is taken for an HTML page, and what the page says.
pub fn html_answer(content_type: Option<&str>, body: &[u8]) -> Option<String> {
    envelope::looks_like_html(content_type, body).then(|| envelope::html_message(body))
}

/// A token endpoint's 2xx answer: the `Authorization` header value (as text) and the
/// lifetime of the token.
pub fn token_answer(status: u16, body: &[u8]) -> Result<(String, Duration), Error> {
    let resp = response(status, body);
    let (header, lifetime) = oauth::read_token_response(&resp, "POST /fuzz/token")?;
    let text = header.to_str().map(str::to_owned).unwrap_or_default();
    Ok((text, lifetime))
}

/// A SCIM service principal answer, read as the client reads it.
pub fn service_principal(status: u16, body: &[u8]) -> Result<ServicePrincipal, Error> {
    ServicePrincipal::from_response(&response(status, body))
}

/// Whether the client would ask again for the roles (`?attributes=roles`).
pub fn roles_missing(principal: &ServicePrincipal) -> bool {
    principal.roles_missing()
}

/// One page of the secrets list: the secrets and the next page token.
pub fn secrets_page(
    status: u16,
    body: &[u8],
) -> Result<(Option<Vec<SecretInfo>>, Option<String>), Error> {
    let page = SecretsPage::from_response(&response(status, body))?;
    Ok((page.secrets, page.next_page_token))
}

/// A `Retry-After` header value.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    retry::parse_retry_after(value, now)
}

/// A body as it would appear in a trace log.
pub fn redacted_body(body: &[u8]) -> String {
    redact::redacted_body(body)
}

fn response(status: u16, body: &[u8]) -> Response {
    Response {
        status,
        body: body.to_vec(),
        label: "GET /fuzz".to_owned(),
    }
}
