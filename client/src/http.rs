//! One HTTP request with everything around it: rate limit, per-request timeout, bounded body,
//! error classification, retries with backoff and `Retry-After`, and logs.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use hyper_util::client::proxy::matcher::Matcher as ProxyMatcher;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Method, redirect};
use tracing::{debug, trace, warn};

use crate::config::{ClientConfig, ConfigError};
use crate::envelope::{
    self, Envelope, kind_for, looks_like_html, parse_error_body, quote, status_text,
};
use crate::error::{Endpoint, Error, ErrorKind, Limit};
use crate::failure::{Attempted, TransportFailure, classify};
use crate::host::HostOrigin;
use crate::ratelimit::RateLimiters;
use crate::redact::redacted_body;
use crate::resolve::{NameNotResolved, SystemResolver};
use crate::retry::{self, Attempt, Backoff, Budget, Next, parse_retry_after};
use crate::scrub::{Echoes, Sent};
use crate::trust::TrustError;

// An account API answer is a few KiB; anything this large is not one, and is not read further.
const MAX_BODY: usize = 4 * 1024 * 1024;

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
    /// The operation's credentials as an answer could echo them (the access token is taken
    /// from `authorization`).
    pub echoes: Option<Arc<Echoes>>,
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
            echoes: None,
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
    /// The proxies reqwest applies (from the environment), to tell a proxy's failure from the
    /// host's; `None` when the host never goes through one.
    proxies: Option<ProxyMatcher>,
    /// Where the host of every request comes from: the configured host or the cloud's default.
    host_origin: HostOrigin,
    /// Why `https://` requests cannot be verified (no certificate authorities at all); they
    /// are refused before they are sent.
    https_refused: Option<TrustError>,
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
        let loopback = config.host.as_ref().is_some_and(is_loopback);
        if loopback {
            builder = builder.no_proxy();
        }
        // The system resolver with a typed error for a name that does not resolve.
        builder = builder.dns_resolver(std::sync::Arc::new(SystemResolver));
        let trusting = crate::trust::configure(builder, config.host.as_ref())?;
        let client = trusting
            .builder
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
            proxies: (!loopback).then(ProxyMatcher::from_system),
            host_origin: match &config.host {
                None => HostOrigin::CloudDefault,
                Some(host) if host.scheme_implied() => HostOrigin::ConfiguredWithoutScheme,
                Some(_) => HostOrigin::Configured,
            },
            https_refused: trusting.https_refused,
        })
    }

    /// Sends `req`, retrying what is worth retrying while the next wait fits in `budget`.
    /// Cancellation is by dropping the returned future: that aborts the request in flight or
    /// the wait in progress.
    pub async fn send(&self, req: &Request, budget: &Budget) -> Result<Response, Error> {
        if let Some(refused) = &self.https_refused
            && req.url.starts_with("https://")
        {
            return Err(
                Error::on_request(ErrorKind::Tls, &req.label, refused.to_string())
                    .at(req.endpoint)
                    .towards(url::Url::parse(&req.url).ok().as_ref()),
            );
        }
        let first = Instant::now();
        // What an answer may echo of this request.
        let sent = Sent::new(req.echoes.clone(), req.authorization.as_ref());
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            self.limiters.acquire(&req.rate_key).await;
            let started = Instant::now();
            // The message quotes the answer decoded (JSON escapes, HTML entities): scrubbed
            // again in that form.
            let result = self.attempt(req, &sent).await.map_err(|e| {
                e.at(req.endpoint)
                    .map_message(|m| sent.scrub(m).into_owned())
            });
            let latency_ms = millis(started.elapsed());
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
            let failed = Attempt {
                number: attempt,
                since_first: first.elapsed(),
                safe_to_repeat: req.safe_to_repeat(),
                budget,
                backoff: &self.backoff,
            };
            let wait = match retry::next(&err, failed) {
                Next::Stop => return Err(err),
                Next::GiveUp { limit, elapsed } => {
                    debug!(method = %req.method, path = %req.path, attempt, ?limit, "retrying stopped");
                    return Err(Error::gave_up(&req.label, attempt, elapsed, limit, err));
                }
                Next::Wait(wait) => wait,
            };
            // At WARN, so a log at that level shows what the client is waiting for.
            warn!(
                method = %req.method,
                path = %req.path,
                attempt,
                reason = err.kind().as_str(),
                transport = err.transport().map(|t| t.as_str()),
                status = err.status().unwrap_or(0),
                error = %err.detail(),
                retry_after_ms = err.retry_after().map(millis),
                wait_ms = millis(wait),
                "retrying account API call"
            );
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, req: &Request, sent: &Sent) -> Result<Response, Error> {
        let answer = self.exchange(req, sent).await?;
        judge(req, answer)
    }

    /// Sends the request once and reads the answer, bounded and scrubbed.
    async fn exchange(&self, req: &Request, sent: &Sent) -> Result<Answer, Error> {
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
            .map_err(|e| self.transport_error(&req.label, &req.url, e))?;
        let status = resp.status().as_u16();
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(CONTENT_TYPE);
        // A redirect target may echo the request's query; it is shown in the error.
        let location = header(LOCATION).map(|l| sent.scrub(&l).into_owned());
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
                        .with_status(status)
                        .with_limit(Limit::AnswerBytes(MAX_BODY)));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(self.transport_error(&req.label, &req.url, e)),
            }
        }
        // Before anything reads it: whatever the server echoes of what was sent is gone.
        let body = sent.scrub_bytes(body);
        if req.endpoint == Endpoint::Api && tracing::enabled!(tracing::Level::TRACE) {
            let logged = redacted_body(&body);
            trace!(method = %req.method, path = %req.path, status, body = %sent.scrub(&logged), "account API answer");
        }
        Ok(Answer {
            status,
            content_type,
            location,
            retry_after,
            body,
        })
    }

    fn transport_error(&self, label: &str, url: &str, e: reqwest::Error) -> Error {
        let parsed = url::Url::parse(url).ok();
        let proxy = self.proxy_for(url);
        let attempted = Attempted {
            https: parsed.as_ref().is_some_and(|u| u.scheme() == "https"),
            proxied: proxy.is_some(),
        };
        let failure = classify(&e, attempted);
        let place = place(parsed.as_ref(), url);
        let cause = causes(&e);
        let kind = match failure {
            TransportFailure::TimedOut => ErrorKind::Timeout,
            TransportFailure::ProxyTunnel | TransportFailure::ProxyRefused => ErrorKind::Proxy,
            f if f.is_tls() => ErrorKind::Tls,
            _ => ErrorKind::Connection,
        };
        let message = match failure {
            TransportFailure::TimedOut => format!(
                "{place} sent no complete answer within {:.0} s, the timeout of one request: the host is slow or unreachable",
                self.http_timeout.as_secs_f64()
            ),
            TransportFailure::NameNotResolved => {
                let host = parsed.as_ref().and_then(url::Url::host_str).unwrap_or(url);
                format!(
                    "could not connect to {place}: the host name {host} does not resolve to an address ({cause})"
                )
            }
            TransportFailure::Refused => {
                format!("could not connect to {place}: the connection was refused ({cause})")
            }
            TransportFailure::Certificate => {
                format!("the TLS certificate of {place} is not trusted ({cause})")
            }
            TransportFailure::CertificateName => {
                let host = parsed.as_ref().and_then(url::Url::host_str).unwrap_or(url);
                format!("the TLS certificate of {place} is for other names than {host} ({cause})")
            }
            TransportFailure::NotTls => format!(
                "{place} did not answer in TLS ({cause}): the server there speaks something else, most likely plain HTTP"
            ),
            TransportFailure::TlsVersion => format!(
                "{place} refused the TLS handshake ({cause}): it offers no TLS version or cipher suite this client accepts (TLS 1.2 or 1.3)"
            ),
            TransportFailure::HandshakeClosed => {
                format!("{place} closed the connection during the TLS handshake ({cause})")
            }
            TransportFailure::Handshake => {
                format!("the TLS handshake with {place} failed ({cause})")
            }
            TransportFailure::ProxyTunnel => {
                format!("the proxy refused to open a tunnel to {place} ({cause})")
            }
            TransportFailure::ProxyRefused => format!(
                "could not connect to the proxy {} for {place}: the proxy refused the connection ({cause})",
                proxy.as_deref().unwrap_or("from the environment")
            ),
            _ if e.is_connect() => format!("could not connect to {place} ({cause})"),
            _ => format!("the connection to {place} failed ({cause})"),
        };
        let mut err = Error::on_request(kind, label, message)
            .with_transport(failure)
            .caused_by(e)
            .towards(parsed.as_ref())
            .with_host_origin(self.host_origin)
            .through_proxy(proxy);
        if failure == TransportFailure::TimedOut {
            err = err.with_limit(Limit::RequestTimeout(self.http_timeout));
        }
        err
    }

    /// `scheme://host:port` of the proxy from the environment that carries requests to `url`,
    /// if one does. The matcher keeps a proxy's user info apart from its URI, so none is shown.
    fn proxy_for(&self, url: &str) -> Option<String> {
        let (Some(proxies), Ok(uri)) = (&self.proxies, url.parse::<http::Uri>()) else {
            return None;
        };
        let proxy = proxies.intercept(&uri)?;
        let proxy = proxy.uri();
        Some(match (proxy.scheme_str(), proxy.authority()) {
            (Some(scheme), Some(authority)) => format!("{scheme}://{authority}"),
            _ => proxy.to_string(),
        })
    }
}

/// An answer as read: the status, the headers that matter, the scrubbed body.
struct Answer {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

/// What an answer means: a 2xx that is JSON is a [`Response`]; an HTML page, a redirect or an
/// error status is an [`Error`] classified by its status and body.
fn judge(req: &Request, answer: Answer) -> Result<Response, Error> {
    let Answer {
        status,
        content_type,
        location,
        retry_after,
        body,
    } = answer;
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
            )
            .html_page());
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
    let err = Error::http(
        kind,
        &req.label,
        status,
        parsed.code.clone(),
        format!(
            "HTTP {status} {}: {}",
            status_text(status),
            parsed.summary()
        ),
        retry_after.or(parsed.retry_delay),
    );
    Err(if parsed.envelope == Envelope::Html {
        err.html_page()
    } else {
        err
    })
}

/// The texts of an error's causes, for the message (the top-level text repeats the URL).
fn causes(e: &reqwest::Error) -> String {
    let mut causes: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        // The message says already that the name does not resolve; the resolver's own words
        // follow.
        if s.is::<NameNotResolved>() {
            source = s.source();
            continue;
        }
        let text = quote(&s.to_string());
        if !causes.iter().any(|c| c.contains(&text)) {
            causes.push(text);
        }
        source = s.source();
    }
    if causes.is_empty() {
        "no details".to_owned()
    } else {
        causes.join(": ")
    }
}

/// `scheme://host[:port]` of a URL, for messages, with the port the scheme implies when the
/// URL names none: a message about a connection names the host and the port.
fn place(parsed: Option<&url::Url>, url: &str) -> String {
    let Some(u) = parsed else {
        return url.to_owned();
    };
    let origin = u.origin().ascii_serialization();
    match (u.port(), u.port_or_known_default()) {
        (None, Some(port)) => format!("{origin} (port {port})"),
        _ => origin,
    }
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

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::parse_host;

    fn origin_of(host: Option<&str>) -> HostOrigin {
        let mut config = ClientConfig::new("terraform-provider-databricks", "0.1.0").unwrap();
        config.host = host.map(|h| parse_host(h).unwrap());
        Http::new(&config).unwrap().host_origin
    }

    #[test]
    fn the_host_origin_says_whether_a_host_was_configured_and_with_a_scheme() {
        assert_eq!(origin_of(None), HostOrigin::CloudDefault);
        assert_eq!(
            origin_of(Some("https://127.0.0.1:1")),
            HostOrigin::Configured
        );
        assert_eq!(
            origin_of(Some("127.0.0.1:1")),
            HostOrigin::ConfiguredWithoutScheme
        );
    }
}
