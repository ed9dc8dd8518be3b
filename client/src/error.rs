//! The one error type of the client: what happened, as facts and typed data (kind, request,
//! attempts, time spent, the limit that ended the operation). Advice about what to change is
//! the caller's to give, in its own terms.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::credentials::CredentialSource;
use crate::failure::TransportFailure;
use crate::host::HostOrigin;

/// What went wrong, coarsely; [`Error`]'s accessors say the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The token endpoint refused the client ID and secret (`invalid_client` and the like).
    CredentialsRejected,
    /// An API call refused the access token (401), even after one fresh token.
    Unauthenticated,
    /// 403: the caller lacks a permission (for account APIs: the Account Admin role).
    PermissionDenied,
    /// 404 from the API itself (not from an HTML page).
    NotFound,
    /// 400, 409, 422 and similar: the request was refused as malformed or conflicting.
    InvalidRequest,
    /// 429 or a rate-limit error code.
    RateLimited,
    /// 5xx or `TEMPORARILY_UNAVAILABLE`.
    Unavailable,
    /// The answer is not the Databricks account API's: HTML, a redirect, invalid or truncated
    /// JSON, JSON of an unexpected shape, or more of it than any account API answer has.
    InvalidResponse,
    /// One HTTP request took longer than its timeout ([`Limit::RequestTimeout`]).
    Timeout,
    /// The connection could not be made or broke (refused, reset, DNS).
    Connection,
    /// The host's TLS certificate is not trusted or not valid for the host (not retried).
    Tls,
    /// The proxy (`HTTPS_PROXY`, `ALL_PROXY`) refused the connection or would not open a
    /// tunnel to the host (not retried: it answers the same every time).
    Proxy,
    /// The operation's `CancellationToken` fired ([`Error::operation`] says which).
    Cancelled,
    /// Retrying stopped because the next wait would not fit in the retry budget
    /// ([`Limit::RetryBudget`]); [`Error::last_cause`] holds the last failure.
    BudgetExhausted,
    /// Anything else, e.g. an unexpected status.
    Other,
}

impl ErrorKind {
    /// A stable snake_case name for logs and diagnostics.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::CredentialsRejected => "credentials_rejected",
            ErrorKind::Unauthenticated => "unauthenticated",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::NotFound => "not_found",
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::InvalidResponse => "invalid_response",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connection => "connection",
            ErrorKind::Tls => "tls",
            ErrorKind::Proxy => "proxy",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::BudgetExhausted => "budget_exhausted",
            ErrorKind::Other => "other",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which endpoint a request went to: the token endpoint's refusals mean other things than an
/// API call's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST …/oidc/accounts/{account}/v1/token`.
    Token,
    /// A call of the account API with an access token.
    Api,
}

/// A limit of the client's configuration or of the protocol that ended an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// The operation's retry budget ([`crate::ClientConfig::retry_timeout`]): the next wait,
    /// `next_wait`, was longer than what was left of `budget`.
    RetryBudget {
        budget: Duration,
        next_wait: Duration,
    },
    /// How long a failure that may heal soon or never (a refused connection, a TLS handshake
    /// the server hangs up on) is retried, from the first attempt: the next wait, `next_wait`,
    /// would have passed `window`.
    RetryWindow {
        window: Duration,
        next_wait: Duration,
    },
    /// The operation's time budget, the same [`crate::ClientConfig::retry_timeout`]: spent
    /// before a listing ended, however few retries it needed.
    OperationTime(Duration),
    /// One request's timeout ([`crate::ClientConfig::http_timeout`]).
    RequestTimeout(Duration),
    /// The pages a listing may have.
    Pages(usize),
    /// The bytes one answer may have.
    AnswerBytes(usize),
    /// The bytes all pages of a listing may add up to.
    ListingBytes(usize),
}

/// An operation of the client, as its cancellation names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    TokenRequest,
    ServicePrincipalLookup,
    SecretList,
    SecretDeletion,
    Verification,
}

impl Operation {
    /// The operation in words, e.g. "secret list".
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::TokenRequest => "token request",
            Operation::ServicePrincipalLookup => "service principal lookup",
            Operation::SecretList => "secret list",
            Operation::SecretDeletion => "secret deletion",
            Operation::Verification => "verification",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verification a failed call belonged to: whose principal was checked, in which account,
/// with whose credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckContext {
    pub service_principal_id: String,
    pub account_id: String,
    /// Whose credentials made the call.
    pub credentials: CredentialSource,
    /// The client ID of those credentials: the connection's (`None` when an imported
    /// connection does not know it yet) or the management principal's.
    pub client_id: Option<String>,
}

impl fmt::Display for CheckContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let client_id = self.client_id.as_deref().unwrap_or("(not known yet)");
        match self.credentials {
            CredentialSource::Own => write!(
                f,
                "verifying service principal {} with its own client ID {client_id}",
                self.service_principal_id
            ),
            CredentialSource::Management => write!(
                f,
                "verifying service principal {} with the management credentials (client ID {client_id})",
                self.service_principal_id
            ),
        }
    }
}

/// An error of an operation. Cheap to clone (coalesced requests hand the same error to every
/// waiter). `Display` names the request (method and URL, never a secret or a token) and says
/// what happened; the accessors give the same as data.
#[derive(Clone)]
pub struct Error(Arc<Inner>);

#[derive(Clone, Debug)]
struct Inner {
    kind: ErrorKind,
    context: Option<CheckContext>,
    operation: Option<Operation>,
    request: Option<String>,
    endpoint: Option<Endpoint>,
    status: Option<u16>,
    code: Option<String>,
    message: String,
    retry_after: Option<Duration>,
    attempts: u32,
    elapsed: Option<Duration>,
    limit: Option<Limit>,
    last: Option<Error>,
    /// The answer was an HTML page (set where the body is parsed).
    html: bool,
    /// Why no answer came.
    transport: Option<TransportFailure>,
    /// The HTTP stack's error behind it.
    source: Option<Arc<reqwest::Error>>,
    /// Host and port of the request's URL (the port its scheme implies when none is given).
    target: Option<(String, u16)>,
    /// Where the request's host came from.
    host_origin: Option<HostOrigin>,
    /// `scheme://host:port` of the proxy that was to carry the request, without user info.
    proxy: Option<String>,
}

impl Inner {
    fn new(kind: ErrorKind, message: String) -> Self {
        Self {
            kind,
            context: None,
            operation: None,
            request: None,
            endpoint: None,
            status: None,
            code: None,
            message,
            retry_after: None,
            attempts: 1,
            elapsed: None,
            limit: None,
            last: None,
            html: false,
            transport: None,
            source: None,
            target: None,
            host_origin: None,
            proxy: None,
        }
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Arc::new(Inner::new(kind, message.into())))
    }

    /// `operation` was cancelled through its `CancellationToken`.
    pub(crate) fn cancelled(operation: Operation) -> Self {
        let mut inner = Inner::new(
            ErrorKind::Cancelled,
            format!("the {operation} was cancelled"),
        );
        inner.operation = Some(operation);
        Self(Arc::new(inner))
    }

    /// The request `request` to `endpoint` was in flight when the operation was cancelled.
    pub(crate) fn in_flight(self, request: &str, endpoint: Endpoint) -> Self {
        self.map(|i| {
            i.request = Some(request.to_owned());
            i.endpoint = Some(endpoint);
        })
    }

    /// Where the request's host came from.
    pub(crate) fn with_host_origin(self, origin: HostOrigin) -> Self {
        self.map(|i| i.host_origin = Some(origin))
    }

    /// The proxy that was to carry the request.
    pub(crate) fn through_proxy(self, proxy: Option<String>) -> Self {
        self.map(|i| i.proxy = proxy)
    }

    /// Says which verification the error belongs to.
    pub(crate) fn with_context(self, context: CheckContext) -> Self {
        self.map(|i| i.context = Some(context))
    }

    /// An HTTP answer that is an error.
    pub(crate) fn http(
        kind: ErrorKind,
        request: &str,
        status: u16,
        code: Option<String>,
        message: impl Into<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        let mut inner = Inner::new(kind, message.into());
        inner.request = Some(request.to_owned());
        inner.status = Some(status);
        inner.code = code;
        inner.retry_after = retry_after;
        Self(Arc::new(inner))
    }

    /// A failure without an HTTP status (connection, timeout, invalid body).
    pub(crate) fn on_request(kind: ErrorKind, request: &str, message: impl Into<String>) -> Self {
        let mut inner = Inner::new(kind, message.into());
        inner.request = Some(request.to_owned());
        Self(Arc::new(inner))
    }

    /// The message rewritten by `f` (to scrub what it quotes of an answer).
    pub(crate) fn map_message(self, f: impl FnOnce(&str) -> String) -> Self {
        self.map(|i| i.message = f(&i.message))
    }

    /// Marks the answer as an HTML page.
    pub(crate) fn html_page(self) -> Self {
        self.map(|i| i.html = true)
    }

    pub(crate) fn with_status(self, status: u16) -> Self {
        self.map(|i| i.status = Some(status))
    }

    /// The endpoint the request went to.
    pub(crate) fn at(self, endpoint: Endpoint) -> Self {
        self.map(|i| i.endpoint = Some(endpoint))
    }

    /// Why the request got no answer.
    pub(crate) fn with_transport(self, failure: TransportFailure) -> Self {
        self.map(|i| i.transport = Some(failure))
    }

    /// The HTTP stack's error behind a request that got no answer.
    pub(crate) fn caused_by(self, source: reqwest::Error) -> Self {
        self.map(|i| i.source = Some(Arc::new(source)))
    }

    /// The host and port the request went to.
    pub(crate) fn towards(self, url: Option<&url::Url>) -> Self {
        let target = url.and_then(|u| Some((u.host_str()?.to_owned(), u.port_or_known_default()?)));
        self.map(|i| i.target = target)
    }

    /// The limit that ended the operation.
    pub(crate) fn with_limit(self, limit: Limit) -> Self {
        self.map(|i| i.limit = Some(limit))
    }

    /// Retrying `last` stopped at `limit` after `attempts` attempts over `elapsed`.
    pub(crate) fn gave_up(
        request: &str,
        attempts: u32,
        elapsed: Duration,
        limit: Limit,
        last: Error,
    ) -> Self {
        let why = match limit {
            Limit::RetryBudget { budget, next_wait } => format!(
                "the next retry would wait {:.1} s, more than the {:.1} s left of the {:.0} s \
                 retry budget",
                next_wait.as_secs_f64(),
                budget.saturating_sub(elapsed).as_secs_f64(),
                budget.as_secs_f64(),
            ),
            Limit::RetryWindow { window, .. } => format!(
                "{} is retried for at most {:.0} s",
                match last.transport() {
                    Some(TransportFailure::Refused) => "a refused connection",
                    Some(TransportFailure::HandshakeClosed) => "a TLS handshake cut short",
                    _ => "this failure",
                },
                window.as_secs_f64()
            ),
            _ => "a limit was reached".to_owned(),
        };
        let message = format!(
            "gave up after {} over {:.1} s: {why}. Last error: {}",
            attempts_text(attempts),
            elapsed.as_secs_f64(),
            sentence(last.detail())
        );
        let kind = match limit {
            Limit::RetryBudget { .. } => ErrorKind::BudgetExhausted,
            _ => last.kind(),
        };
        let mut inner = Inner::new(kind, message);
        inner.request = Some(request.to_owned());
        inner.endpoint = last.endpoint();
        inner.status = last.status();
        inner.code = last.code().map(str::to_owned);
        inner.attempts = attempts;
        inner.elapsed = Some(elapsed);
        inner.limit = Some(limit);
        inner.html = last.is_html_page();
        inner.target = last.0.target.clone();
        inner.host_origin = last.0.host_origin;
        inner.proxy = last.0.proxy.clone();
        inner.last = Some(last);
        Self(Arc::new(inner))
    }

    // Errors are built once and never shared before they are complete, so this clones at most
    // once per construction.
    fn map(self, f: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Arc::try_unwrap(self.0).unwrap_or_else(|shared| (*shared).clone());
        f(&mut inner);
        Self(Arc::new(inner))
    }

    /// The coarse kind.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The kind of the failure behind a retry that gave up, else [`Error::kind`].
    pub fn root_kind(&self) -> ErrorKind {
        match &self.0.last {
            Some(last) => last.root_kind(),
            None => self.0.kind,
        }
    }

    /// The verification the failed call belonged to, when it was one.
    pub fn context(&self) -> Option<&CheckContext> {
        self.0.context.as_ref()
    }

    /// The operation that was cancelled (for [`ErrorKind::Cancelled`]).
    pub fn operation(&self) -> Option<Operation> {
        self.0.operation
    }

    /// `METHOD URL` of the request that failed, if any.
    pub fn request(&self) -> Option<&str> {
        self.0.request.as_deref()
    }

    /// The endpoint of the request that failed, when one was sent.
    pub fn endpoint(&self) -> Option<Endpoint> {
        self.0.endpoint
    }

    /// The HTTP status, when an answer came.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// The error code of the body: Databricks `error_code`, OAuth `error`, `SCIM_<status>`, or
    /// the code of a `CODE: message` text body.
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// The message without the context and the request.
    pub fn detail(&self) -> &str {
        &self.0.message
    }

    /// The wait the server asked for (`Retry-After` or a `RetryInfo` detail).
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// Attempts made (more than 1 only after retries).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// The time spent on the request before giving up, when it was retried.
    pub fn elapsed(&self) -> Option<Duration> {
        self.0.elapsed
    }

    /// The limit that ended the operation, when one did: the retry budget, the timeout of one
    /// request, the size of an answer or a listing.
    pub fn limit(&self) -> Option<Limit> {
        self.0.limit
    }

    /// The last failure when retries gave up (at the budget or a retry window).
    pub fn last_cause(&self) -> Option<&Error> {
        self.0.last.as_ref()
    }

    /// Why the request got no HTTP answer, when it got none (for a retry that gave up: why
    /// the last attempt got none).
    pub fn transport(&self) -> Option<TransportFailure> {
        match &self.0.last {
            Some(last) => last.transport(),
            None => self.0.transport,
        }
    }

    /// The host name (or address) of the request's URL.
    pub fn host(&self) -> Option<&str> {
        self.0.target.as_ref().map(|(host, _)| host.as_str())
    }

    /// The port of the request's URL, or the one its scheme implies (443 for `https://`).
    pub fn port(&self) -> Option<u16> {
        self.0.target.as_ref().map(|(_, port)| *port)
    }

    /// Where the request's host came from (the cloud's default console, or a configured host
    /// with or without a scheme), for a request that got no answer.
    pub fn host_origin(&self) -> Option<HostOrigin> {
        self.0.host_origin
    }

    /// `scheme://host:port` of the proxy from the environment that was to carry the request
    /// (never with user info), for a request that got no answer.
    pub fn proxy(&self) -> Option<&str> {
        self.0.proxy.as_deref()
    }

    /// Whether the answer was an HTML page, i.e. not the account API at all.
    pub fn is_html_page(&self) -> bool {
        self.0.html
    }
}

/// "1 attempt", "3 attempts".
fn attempts_text(attempts: u32) -> String {
    match attempts {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    }
}

/// Ends a message with a full stop, so another sentence can follow.
pub(crate) fn sentence(message: &str) -> String {
    let message = message.trim_end();
    if message.ends_with(['.', '!', '?']) {
        message.to_owned()
    } else {
        format!("{message}.")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(context) = &self.0.context {
            write!(f, "{context}: ")?;
        }
        match &self.0.request {
            Some(request) => write!(f, "{request}: {}", self.0.message),
            None => f.write_str(&self.0.message),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Nothing in an error is secret (messages are built from method, URL and scrubbed
        // bodies of error answers), so the derived shape is safe.
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {
    /// The last failure of a retry that gave up, or the HTTP stack's error of a request that
    /// got no answer.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if let Some(last) = &self.0.last {
            return Some(last);
        }
        self.0
            .source
            .as_ref()
            .map(|e| e.as_ref() as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_exhausted_says_attempts_duration_and_last_cause() {
        let last = Error::http(
            ErrorKind::RateLimited,
            "GET /x",
            429,
            Some("REQUEST_LIMIT_EXCEEDED".into()),
            "HTTP 429 Too Many Requests: slow down",
            None,
        )
        .at(Endpoint::Api);
        let e = Error::gave_up(
            "GET /x",
            3,
            Duration::from_millis(2500),
            Limit::RetryBudget {
                budget: Duration::from_secs(3),
                next_wait: Duration::from_secs(2),
            },
            last,
        );
        assert_eq!(e.kind(), ErrorKind::BudgetExhausted);
        assert_eq!(e.root_kind(), ErrorKind::RateLimited);
        assert_eq!(e.attempts(), 3);
        assert_eq!(e.status(), Some(429));
        assert_eq!(e.endpoint(), Some(Endpoint::Api));
        assert_eq!(e.elapsed(), Some(Duration::from_millis(2500)));
        assert_eq!(
            e.limit(),
            Some(Limit::RetryBudget {
                budget: Duration::from_secs(3),
                next_wait: Duration::from_secs(2)
            })
        );
        let text = e.to_string();
        assert!(
            text.starts_with("GET /x: gave up after 3 attempts over 2.5 s"),
            "{text}"
        );
        assert!(
            text.contains("of the 3 s retry budget. Last error:"),
            "{text}"
        );
        assert!(text.contains("slow down"), "{text}");
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn a_cancellation_names_the_operation_as_data_and_in_words() {
        let e = Error::cancelled(Operation::SecretList);
        assert_eq!(e.kind(), ErrorKind::Cancelled);
        assert_eq!(e.operation(), Some(Operation::SecretList));
        assert_eq!(e.to_string(), "the secret list was cancelled");
    }

    #[test]
    fn the_context_names_whose_credentials_made_the_call() {
        let context = CheckContext {
            service_principal_id: "42".into(),
            account_id: "acc".into(),
            credentials: CredentialSource::Management,
            client_id: Some("mgmt".into()),
        };
        let e = Error::on_request(ErrorKind::PermissionDenied, "GET /x", "HTTP 403")
            .with_context(context.clone());
        assert_eq!(e.context(), Some(&context));
        assert_eq!(
            e.to_string(),
            "verifying service principal 42 with the management credentials (client ID mgmt): GET /x: HTTP 403"
        );
    }
}
