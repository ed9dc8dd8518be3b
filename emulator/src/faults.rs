//! Fault injection: scripted faults for the next N matching requests, and random 429/503s.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::errors;
use crate::form::encode_component;
use crate::timefmt;

/// "The next `count` requests whose path starts with `path_prefix` (and, if set, whose method
/// is `method`) get `fault`."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// Compared with the raw request path, e.g. `/oidc/` or `/api/2.0/accounts/`. Empty: every
    /// API request. The admin API (`/_emulator/`) is never faulted.
    #[serde(default)]
    pub path_prefix: String,
    /// Optional HTTP method (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// How many requests get the fault; default 1. `0` means every matching request until the
    /// faults are cleared.
    #[serde(default = "one")]
    pub count: u32,
    pub fault: Fault,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    /// One request under `path_prefix` gets `fault`.
    pub fn new(path_prefix: impl Into<String>, fault: Fault) -> Self {
        FaultRule {
            path_prefix: path_prefix.into(),
            method: None,
            count: 1,
            fault,
        }
    }

    /// The next `count` matching requests (0 = until cleared).
    pub fn times(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    pub(crate) fn matches(&self, method: &Method, path: &str) -> bool {
        path.starts_with(&self.path_prefix)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
    }
}

/// What a faulted request gets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// 429 `REQUEST_LIMIT_EXCEEDED` with `Retry-After` (T17). `retry_after_seconds` defaults to
    /// 1; `null` sends no header. `http_date: true` sends it as an HTTP-date instead of seconds.
    TooManyRequests {
        #[serde(default = "some_one")]
        retry_after_seconds: Option<u64>,
        #[serde(default)]
        http_date: bool,
    },
    /// A 5xx with the Databricks envelope. Defaults: 500 `INTERNAL_ERROR`. T19 is
    /// `{"kind":"server_error","error_code":"REQUEST_LIMIT_EXCEEDED"}`.
    ServerError {
        #[serde(default = "status_500")]
        status: u16,
        #[serde(default = "internal_error")]
        error_code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// 503 `TEMPORARILY_UNAVAILABLE` (T18), optionally with `Retry-After`.
    Unavailable {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_seconds: Option<u64>,
    },
    /// Wait `ms` milliseconds, then answer normally.
    Delay { ms: u64 },
    /// The connection is closed without a complete response: the client sees a
    /// connection/body error.
    DropConnection,
    /// 200 `text/html` login page (T20).
    HtmlLoginPage,
    /// 302 to `/login?next_url=<path>` (T20); `/login` serves the HTML page.
    LoginRedirect,
    /// The normal response (status, headers and all) with its JSON body cut in half.
    TruncatedJson,
    /// Any other response: status, body text, content type, extra headers.
    Response {
        status: u16,
        #[serde(default)]
        body: String,
        #[serde(default = "application_json")]
        content_type: String,
        #[serde(default)]
        headers: BTreeMap<String, String>,
    },
}

fn some_one() -> Option<u64> {
    Some(1)
}
fn status_500() -> u16 {
    500
}
fn internal_error() -> String {
    "INTERNAL_ERROR".into()
}
fn application_json() -> String {
    "application/json".into()
}

impl Fault {
    /// 429 with `Retry-After: <seconds>`.
    pub fn too_many_requests(retry_after_seconds: u64) -> Self {
        Fault::TooManyRequests {
            retry_after_seconds: Some(retry_after_seconds),
            http_date: false,
        }
    }

    /// 429 with `Retry-After` as an HTTP-date `seconds` from now.
    pub fn too_many_requests_http_date(seconds: u64) -> Self {
        Fault::TooManyRequests {
            retry_after_seconds: Some(seconds),
            http_date: true,
        }
    }

    /// A 5xx (or any status) with the Databricks error envelope.
    pub fn server_error(status: u16, error_code: impl Into<String>) -> Self {
        Fault::ServerError {
            status,
            error_code: error_code.into(),
            message: None,
        }
    }

    /// 503 `TEMPORARILY_UNAVAILABLE`.
    pub fn unavailable() -> Self {
        Fault::Unavailable {
            retry_after_seconds: None,
        }
    }

    pub fn delay_ms(ms: u64) -> Self {
        Fault::Delay { ms }
    }

    /// The `kind` tag, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::TooManyRequests { .. } => "too_many_requests",
            Fault::ServerError { .. } => "server_error",
            Fault::Unavailable { .. } => "unavailable",
            Fault::Delay { .. } => "delay",
            Fault::DropConnection => "drop_connection",
            Fault::HtmlLoginPage => "html_login_page",
            Fault::LoginRedirect => "login_redirect",
            Fault::TruncatedJson => "truncated_json",
            Fault::Response { .. } => "response",
        }
    }
}

/// Random faults for load tests: each API request (under `path_prefix`, if set) gets one of
/// `kinds` with probability `probability`, drawn from an RNG seeded with `seed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomFaults {
    pub probability: f64,
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "all_kinds")]
    pub kinds: Vec<RandomFaultKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
}

impl RandomFaults {
    pub fn new(probability: f64, seed: u64) -> Self {
        RandomFaults {
            probability,
            seed,
            kinds: all_kinds(),
            path_prefix: None,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.probability) {
            return Err(format!(
                "probability must be within 0..=1, got {}",
                self.probability
            ));
        }
        if self.kinds.is_empty() {
            return Err("kinds must not be empty".into());
        }
        Ok(())
    }
}

/// The random fault kinds: 429 with `Retry-After: 1`, or 503.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RandomFaultKind {
    TooManyRequests,
    Unavailable,
}

fn all_kinds() -> Vec<RandomFaultKind> {
    vec![
        RandomFaultKind::TooManyRequests,
        RandomFaultKind::Unavailable,
    ]
}

impl RandomFaultKind {
    pub(crate) fn to_fault(self) -> Fault {
        match self {
            RandomFaultKind::TooManyRequests => Fault::too_many_requests(1),
            RandomFaultKind::Unavailable => Fault::unavailable(),
        }
    }
}

pub(crate) const LOGIN_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Databricks - Sign In</title></head>\n<body>\n<div id=\"login-page\"><h1>Sign in to Databricks</h1>\n<form method=\"post\" action=\"/login\"><input type=\"email\" name=\"username\"><input type=\"password\" name=\"password\"><button type=\"submit\">Continue</button></form></div>\n</body>\n</html>\n";

pub(crate) fn login_page() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        LOGIN_PAGE,
    )
        .into_response()
}

/// The response for a fault that replaces the real answer. `Delay` and `TruncatedJson` are
/// handled by the dispatcher because they need the real answer.
pub(crate) fn respond(fault: &Fault, path_and_query: &str) -> Response {
    match fault {
        Fault::TooManyRequests {
            retry_after_seconds,
            http_date,
        } => {
            let mut resp = errors::api_error(
                StatusCode::TOO_MANY_REQUESTS,
                "REQUEST_LIMIT_EXCEEDED",
                "Too many requests. Please wait a moment and try again.",
            );
            if let Some(secs) = retry_after_seconds {
                let value = if *http_date {
                    timefmt::http_date(timefmt::after_seconds(
                        time::OffsetDateTime::now_utc(),
                        i64::try_from(*secs).unwrap_or(i64::MAX),
                    ))
                } else {
                    secs.to_string()
                };
                set_header(resp.headers_mut(), header::RETRY_AFTER, &value);
            }
            resp
        }
        Fault::ServerError {
            status,
            error_code,
            message,
        } => errors::api_error(
            status_or_500(*status),
            error_code,
            message
                .clone()
                .unwrap_or_else(|| "Injected server error".into()),
        ),
        Fault::Unavailable {
            retry_after_seconds,
        } => {
            let mut resp = errors::api_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "TEMPORARILY_UNAVAILABLE",
                "The service is temporarily unavailable. Please try again later.",
            );
            if let Some(secs) = retry_after_seconds {
                set_header(resp.headers_mut(), header::RETRY_AFTER, &secs.to_string());
            }
            resp
        }
        Fault::DropConnection => {
            // A body whose first poll fails: hyper aborts the connection instead of finishing
            // the response, so the client sees an incomplete message.
            Response::new(Body::new(FailingBody))
        }
        Fault::HtmlLoginPage => login_page(),
        Fault::LoginRedirect => {
            let location = format!("/login?next_url={}", encode_component(path_and_query));
            let mut resp = StatusCode::FOUND.into_response();
            set_header(resp.headers_mut(), header::LOCATION, &location);
            resp
        }
        Fault::Response {
            status,
            body,
            content_type,
            headers,
        } => {
            let mut resp = (status_or_500(*status), body.clone()).into_response();
            set_header(resp.headers_mut(), header::CONTENT_TYPE, content_type);
            for (k, v) in headers {
                if let Ok(name) = HeaderName::from_bytes(k.as_bytes()) {
                    set_header(resp.headers_mut(), name, v);
                }
            }
            resp
        }
        // Not reached: the dispatcher answers these itself. Answer normally-shaped anyway.
        Fault::Delay { .. } | Fault::TruncatedJson => {
            errors::api_error(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "fault")
        }
    }
}

fn status_or_500(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn set_header(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(name, v);
    }
}

/// Body for [`Fault::DropConnection`].
struct FailingBody;

impl http_body::Body for FailingBody {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected dropped connection",
        ))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_json_defaults() {
        let r: FaultRule = serde_json::from_str(
            r#"{"path_prefix":"/oidc/","fault":{"kind":"too_many_requests"}}"#,
        )
        .unwrap();
        assert_eq!(r.count, 1);
        assert_eq!(r.fault, Fault::too_many_requests(1));
        let r: FaultRule = serde_json::from_str(
            r#"{"path_prefix":"/","method":"get","count":0,"fault":{"kind":"server_error","error_code":"REQUEST_LIMIT_EXCEEDED"}}"#,
        )
        .unwrap();
        assert!(r.matches(&Method::GET, "/api"));
        assert!(!r.matches(&Method::POST, "/api"));
        assert_eq!(r.fault, Fault::server_error(500, "REQUEST_LIMIT_EXCEEDED"));
    }
}
