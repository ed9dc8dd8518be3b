//! One HTTP request with everything around it: rate limit, per-request timeout, bounded body,
//! error classification, retries with backoff and `Retry-After`, and logs.

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Method, redirect};
use tracing::{debug, trace};

use crate::config::{ClientConfig, ConfigError};
use crate::envelope::{self, kind_for, looks_like_html, parse_error_body, quote, status_text};
use crate::error::{Error, ErrorKind};
use crate::ratelimit::RateLimiters;
use crate::redact::redacted_body;
use crate::retry::{Backoff, Budget, is_retryable, parse_retry_after};

// An account API answer is a few KiB; anything this large is not one, and is not read further.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Which endpoint a request goes to; the token endpoint's errors mean other things and its
/// bodies are never logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Token,
    Api,
}

/// A request to send, possibly several times.
#[derive(Debug)]
pub(crate) struct Request {
    pub method: Method,
    pub url: String,
    /// `METHOD URL` for errors: names the host as well as the call. The URL holds no
    /// credentials (`parse_host` refuses them).
    pub label: String,
    pub path: String,
    pub rate_key: String,
    pub authorization: Option<HeaderValue>,
    pub form_body: Option<&'static str>,
    pub endpoint: Endpoint,
    pub expect_json: bool,
}

impl Request {
    pub fn new(method: Method, url: String, rate_key: &str, endpoint: Endpoint) -> Self {
        // The path as the server sees it; the URL holds no credentials (parse_host refuses them).
        let path = url::Url::parse(&url)
            .map(|u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_owned(),
            })
            .unwrap_or_else(|_| url.clone());
        Self {
            label: format!("{method} {url}"),
            method,
            url,
            path,
            rate_key: rate_key.to_owned(),
            authorization: None,
            form_body: None,
            endpoint,
            expect_json: true,
        }
    }

    /// Whether sending it twice does no harm: reads, deletes, and the token exchange (it
    /// creates nothing; a token issued to an answer that was lost just expires).
    fn safe_to_repeat(&self) -> bool {
        self.endpoint == Endpoint::Token
            || matches!(self.method, Method::GET | Method::DELETE | Method::HEAD)
    }
}

/// A successful (2xx) answer.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    /// `METHOD /path` of the request, for errors about the body.
    pub label: String,
}

impl Response {
    /// The body as `T`; a shape mismatch says where without quoting the body.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::on_request(
                ErrorKind::InvalidResponse,
                &self.label,
                format!(
                    "HTTP {}: {}",
                    self.status,
                    envelope::describe_json_error(&e)
                ),
            )
            .with_status(self.status)
        })
    }
}

/// The HTTP layer shared by every operation of a client.
#[derive(Debug)]
pub(crate) struct Http {
    client: reqwest::Client,
    limiters: RateLimiters,
    backoff: Backoff,
    http_timeout: Duration,
}

impl Http {
    pub fn new(config: &ClientConfig) -> Result<Self, ConfigError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent())
            // A redirect from the account API means a login page or a wrong host: report it
            // instead of following it to an HTML page.
            .redirect(redirect::Policy::none())
            .connect_timeout(config.http_timeout);
        // HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (either case) apply to real hosts,
        // as reqwest reads them; a loopback host (the emulator, a local tunnel) is this machine
        // and never goes through a proxy, which would get the credentials in the clear.
        if config.host.as_ref().is_some_and(is_loopback) {
            builder = builder.no_proxy();
        }
        let builder = crate::trust::configure(builder, config.host.as_ref())?;
        let client = builder
            .build()
            .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
        Ok(Self {
            client,
            limiters: RateLimiters::new(config.rate_limit),
            backoff: Backoff {
                initial: config.initial_backoff,
                max: config.max_backoff,
            },
            http_timeout: config.http_timeout,
        })
    }

    /// Sends `req`, retrying what is worth retrying while the next wait fits in `budget`.
    /// Cancellation is by dropping the returned future: that aborts the request in flight or
    /// the wait in progress.
    pub async fn send(&self, req: &Request, budget: &Budget) -> Result<Response, Error> {
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            self.limiters.acquire(&req.rate_key).await;
            let started = Instant::now();
            let result = self.attempt(req).await;
            let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let err = match result {
                Ok(resp) => {
                    debug!(method = %req.method, path = %req.path, status = resp.status, latency_ms, attempt, "account API call");
                    return Ok(resp);
                }
                Err(err) => err,
            };
            debug!(
                method = %req.method,
                path = %req.path,
                status = err.status().unwrap_or(0),
                latency_ms,
                attempt,
                error = err.kind().as_str(),
                "account API call failed"
            );
            if !is_retryable(&err, req.safe_to_repeat()) {
                return Err(err);
            }
            let backoff = self.backoff.delay(attempt);
            let wait = backoff.max(err.retry_after().unwrap_or(Duration::ZERO));
            if wait > budget.remaining() {
                debug!(method = %req.method, path = %req.path, attempt, wait_ms = millis(wait), remaining_ms = millis(budget.remaining()), "retry budget exhausted");
                return Err(Error::budget_exhausted(
                    &req.label,
                    attempt,
                    budget.elapsed(),
                    budget.total(),
                    wait,
                    err,
                ));
            }
            debug!(
                method = %req.method,
                path = %req.path,
                attempt,
                reason = err.kind().as_str(),
                status = err.status().unwrap_or(0),
                retry_after_ms = err.retry_after().map(millis),
                wait_ms = millis(wait),
                "retrying account API call"
            );
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, req: &Request) -> Result<Response, Error> {
        let mut builder = self
            .client
            .request(req.method.clone(), &req.url)
            .timeout(self.http_timeout)
            .header(ACCEPT, "application/json");
        if let Some(auth) = &req.authorization {
            builder = builder.header(AUTHORIZATION, auth.clone());
        }
        if let Some(body) = req.form_body {
            builder = builder
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body);
        }
        let mut resp = builder
            .send()
            .await
            .map_err(|e| self.transport_error(&req.label, &req.url, &e))?;
        let status = resp.status().as_u16();
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE);
        let location = header(LOCATION);
        let retry_after =
            header(RETRY_AFTER).and_then(|v| parse_retry_after(&v, SystemTime::now()));

        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_BODY {
                        return Err(Error::on_request(
                            ErrorKind::InvalidResponse,
                            &req.label,
                            format!("HTTP {status}: the answer is larger than {MAX_BODY} bytes, which no account API answer is — check the host"),
                        )
                        .with_status(status));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(self.transport_error(&req.label, &req.url, &e)),
            }
        }
        if req.endpoint == Endpoint::Api {
            trace!(method = %req.method, path = %req.path, status, body = %redacted_body(&body), "account API answer");
        }

        if (200..300).contains(&status) {
            if req.expect_json && looks_like_html(content_type.as_deref(), &body) {
                return Err(Error::http(
                    ErrorKind::InvalidResponse,
                    &req.label,
                    status,
                    None,
                    format!(
                        "HTTP {status} {}: {}",
                        status_text(status),
                        envelope::html_message(&body)
                    ),
                    None,
                ));
            }
            return Ok(Response {
                status,
                body,
                label: req.label.clone(),
            });
        }
        if (300..400).contains(&status) {
            let to = location
                .as_deref()
                .map(quote)
                .unwrap_or_else(|| "nowhere".to_owned());
            return Err(Error::http(
                ErrorKind::InvalidResponse,
                &req.label,
                status,
                None,
                format!(
                    "HTTP {status} {}: redirected to {to:?} (a login page?): this is not the Databricks account API — check the host / account ID",
                    status_text(status)
                ),
                None,
            ));
        }
        let parsed = parse_error_body(status, content_type.as_deref(), &body);
        let kind = kind_for(status, &parsed, req.endpoint == Endpoint::Token);
        let hint = match kind {
            ErrorKind::InvalidRequest if req.endpoint == Endpoint::Token => {
                " — the token endpoint refused the request: check the account ID"
            }
            ErrorKind::CredentialsRejected => {
                " — Databricks refused the client ID and secret for this account: check the client ID, the secret and the account ID"
            }
            ErrorKind::PermissionDenied if req.endpoint == Endpoint::Token => {
                " — the token endpoint refused access: is this machine's IP address allowed by the account's IP access list?"
            }
            ErrorKind::PermissionDenied => {
                " — the service principal lacks a permission; account APIs need the Account Admin role"
            }
            ErrorKind::Unauthenticated => " — the access token was refused",
            _ => "",
        };
        Err(Error::http(
            kind,
            &req.label,
            status,
            parsed.code.clone(),
            format!(
                "HTTP {status} {}: {}{hint}",
                status_text(status),
                parsed.summary()
            ),
            retry_after.or(parsed.retry_delay),
        ))
    }

    fn transport_error(&self, label: &str, url: &str, e: &reqwest::Error) -> Error {
        // The causes, not the top-level text: that one repeats the URL.
        let mut causes: Vec<String> = Vec::new();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            let text = quote(&s.to_string());
            if !causes.iter().any(|c| c.contains(&text)) {
                causes.push(text);
            }
            source = s.source();
        }
        let cause = if causes.is_empty() {
            "no details".to_owned()
        } else {
            causes.join(": ")
        };
        let origin = origin(url);
        if e.is_timeout() {
            Error::on_request(
                ErrorKind::Timeout,
                label,
                format!(
                    "{origin} sent no complete answer within {:.0} s (http_timeout_seconds): the host is slow or unreachable",
                    self.http_timeout.as_secs_f64()
                ),
            )
        } else if is_certificate_problem(&cause) {
            Error::on_request(
                ErrorKind::Tls,
                label,
                format!(
                    "the TLS certificate of {origin} is not trusted ({cause}); if the host uses a private certificate authority, point SSL_CERT_FILE at its CA certificate (PEM)"
                ),
            )
        } else if cause.contains("tunnel error") {
            Error::on_request(
                ErrorKind::Proxy,
                label,
                format!(
                    "the proxy refused to open a tunnel to {origin} ({cause}); check HTTPS_PROXY / ALL_PROXY, or list the host in NO_PROXY"
                ),
            )
        } else if e.is_connect() {
            // Retried: the advice comes with the message that gives up.
            Error::on_request(
                ErrorKind::Connection,
                label,
                format!("could not connect to {origin} ({cause})"),
            )
        } else {
            Error::on_request(
                ErrorKind::Connection,
                label,
                format!("the connection to {origin} failed ({cause})"),
            )
        }
    }
}

/// `scheme://host[:port]` of a URL, for messages.
fn origin(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| url.to_owned())
}

/// Whether a host override is this machine.
fn is_loopback(host: &crate::host::AccountHost) -> bool {
    match url::Url::parse(host.as_str())
        .ok()
        .as_ref()
        .and_then(url::Url::host)
    {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => {
            name.trim_end_matches('.').eq_ignore_ascii_case("localhost")
        }
        None => false,
    }
}

/// rustls words a refused certificate as "invalid peer certificate: UnknownIssuer" (or
/// `NotValidForName`, `Expired`, …).
fn is_certificate_problem(cause: &str) -> bool {
    cause.contains("invalid peer certificate") || cause.contains("certificate verify failed")
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
