//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz): thin wrappers around the crate's
//! private parsers of what the account API (or whatever answers in its place) sends. Not part
//! of the API; no behaviour of its own.

use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

use crate::credentials::ClientCredentials;
use crate::envelope;
use crate::error::{Error, ErrorKind};
use crate::host::Cloud;
use crate::http::Response;
use crate::oauth;
use crate::redact;
use crate::retry;
use crate::scim::ServicePrincipal;
use crate::scrub::{Echoes, Sent};
use crate::secret::SecretString;
use crate::secrets::{SecretInfo, SecretsPage};
use crate::verify::{self, CheckFailure, ObservedSecret, VerifyInput, VerifyWith};

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

/// A token endpoint's 2xx answer: the `Authorization` header value (its bytes as text, lossily:
/// a header value may hold bytes above 0x7f, which `to_str` refuses) and the lifetime of the
/// token.
pub fn token_answer(status: u16, body: &[u8]) -> Result<(String, Duration), Error> {
    let resp = response(status, body);
    let answer = oauth::read_token_response(&resp, "POST /fuzz/token")?;
    let text = String::from_utf8_lossy(answer.authorization.as_bytes()).into_owned();
    Ok((text, answer.lifetime))
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

/// A body answering a request with `Authorization: Bearer <token>` in an operation with
/// `credentials`: what every reader of an answer gets (`Sent::scrub_bytes`). `None` when the
/// token cannot be a header value.
pub fn scrubbed(credentials: &ClientCredentials, token: &str, body: &[u8]) -> Option<Vec<u8>> {
    let header = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
    let sent = Sent::new(
        Some(std::sync::Arc::new(Echoes::of_credentials(credentials))),
        Some(&header),
    );
    Some(sent.scrub_bytes(body.to_vec()))
}

/// The secret checks of a verification (`secret_checks` in verify.rs) of the connection's secret
/// `secret_id` in a secret list, with the expiry recorded by an earlier check and the clock.
pub fn secret_checks(
    secrets: &[SecretInfo],
    secret_id: &str,
    recorded_expire_time: Option<&str>,
    now: OffsetDateTime,
) -> Result<(Vec<CheckFailure>, Option<ObservedSecret>), Error> {
    let input = verify_input(secret_id, recorded_expire_time);
    verify::secret_checks(secrets, &input, recorded_expiry(&input), now)
}

/// What a verification makes of the token endpoint refusing the connection's own secret
/// (`token_refused`), with the expiry recorded by an earlier check and the clock.
pub fn token_refused(recorded_expire_time: Option<&str>, now: OffsetDateTime) -> CheckFailure {
    let input = verify_input("fuzz-secret", recorded_expire_time);
    let refusal = Error::http(
        ErrorKind::CredentialsRejected,
        "POST /fuzz/token",
        401,
        Some("invalid_client".to_owned()),
        "Client authentication failed",
        None,
    );
    verify::token_refused(&input, &refusal, recorded_expiry(&input), now)
}

/// A secret time as the state records it (`normalise_time`).
pub fn normalise_time(raw: &str) -> String {
    verify::normalise_time(raw)
}

/// A time as the check's messages show it (`format_time`).
pub fn format_time(t: OffsetDateTime) -> String {
    verify::format_time(t)
}

/// The recorded expiry as a verification reads it: `run` parses it as `parse_time` does
/// (trimmed RFC 3339), and an unreadable one is ignored.
fn recorded_expiry(input: &VerifyInput) -> Option<OffsetDateTime> {
    input
        .recorded_secret_expire_time
        .as_deref()
        .and_then(verify::parse_time)
}

fn verify_input(secret_id: &str, recorded_expire_time: Option<&str>) -> VerifyInput {
    VerifyInput {
        cloud: Cloud::Aws,
        account_id: "0d2a7b1c-1234-4abc-9def-0123456789ab".to_owned(),
        client_id: Some("6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b".to_owned()),
        service_principal_id: "2323502488275632".to_owned(),
        secret_id: secret_id.to_owned(),
        credentials: VerifyWith::OwnSecret(SecretString::new("fuzz")),
        recorded_secret_expire_time: recorded_expire_time.map(str::to_owned),
        secret_already_observed: false,
    }
}

fn response(status: u16, body: &[u8]) -> Response {
    Response {
        status,
        body: body.to_vec(),
        label: "GET /fuzz".to_owned(),
    }
}
