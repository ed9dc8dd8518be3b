//! The one error type of the client.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What went wrong, coarsely; [`Error`]'s message says the rest.
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
    /// JSON, or JSON of an unexpected shape.
    InvalidResponse,
    /// One HTTP request took longer than `http_timeout`.
    Timeout,
    /// The connection could not be made or broke (refused, reset, DNS).
    Connection,
    /// The host's TLS certificate is not trusted or not valid for the host (not retried).
    Tls,
    /// The proxy (`HTTPS_PROXY`, `ALL_PROXY`) refused to open a tunnel to the host (not
    /// retried: it answers the same every time).
    Proxy,
    /// The operation's `CancellationToken` fired.
    Cancelled,
    /// Retrying stopped because the next wait would not fit in the retry budget;
    /// [`Error::last_cause`] holds the last failure.
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

/// An error of an operation. Cheap to clone (coalesced requests hand the same error to every
/// waiter). `Display` names the request (method and path, never a secret or a token) and says
/// what to do where the client can tell.
#[derive(Clone)]
pub struct Error(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    context: Option<String>,
    request: Option<String>,
    status: Option<u16>,
    code: Option<String>,
    message: String,
    retry_after: Option<Duration>,
    attempts: u32,
    elapsed: Option<Duration>,
    last: Option<Error>,
    /// The answer was an HTML page (set where the body is parsed).
    html: bool,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Arc::new(Inner {
            kind,
            context: None,
            request: None,
            status: None,
            code: None,
            message: message.into(),
            retry_after: None,
            attempts: 1,
            elapsed: None,
            last: None,
            html: false,
        }))
    }

    /// `what` was cancelled through its `CancellationToken`.
    pub(crate) fn cancelled(what: &str) -> Self {
        Self::new(
            ErrorKind::Cancelled,
            format!("The {what} was cancelled: Terraform asked the provider to stop"),
        )
    }

    /// Says which credentials or step the error belongs to, e.g. "management credentials".
    pub(crate) fn with_context(self, context: impl Into<String>) -> Self {
        let context = context.into();
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
        Self(Arc::new(Inner {
            kind,
            context: None,
            request: Some(request.to_owned()),
            status: Some(status),
            code,
            message: message.into(),
            retry_after,
            attempts: 1,
            elapsed: None,
            last: None,
            html: false,
        }))
    }

    /// A failure without an HTTP status (connection, timeout, invalid body).
    pub(crate) fn on_request(kind: ErrorKind, request: &str, message: impl Into<String>) -> Self {
        Self(Arc::new(Inner {
            kind,
            context: None,
            request: Some(request.to_owned()),
            status: None,
            code: None,
            message: message.into(),
            retry_after: None,
            attempts: 1,
            elapsed: None,
            last: None,
            html: false,
        }))
    }

    /// Marks the answer as an HTML page.
    pub(crate) fn html_page(self) -> Self {
        self.map(|i| i.html = true)
    }

    pub(crate) fn with_status(self, status: u16) -> Self {
        self.map(|i| i.status = Some(status))
    }

    pub(crate) fn budget_exhausted(
        request: &str,
        attempts: u32,
        elapsed: Duration,
        budget: Duration,
        wanted_wait: Duration,
        last: Error,
    ) -> Self {
        let advice = match last.kind() {
            ErrorKind::RateLimited => {
                " Databricks asked for fewer requests: lower rate_limit, or raise \
                 retry_timeout_seconds to wait longer."
            }
            ErrorKind::Unavailable => {
                " The service kept failing: try again later, or raise retry_timeout_seconds to \
                 wait longer."
            }
            ErrorKind::Timeout => {
                " Every attempt timed out: check the host and the network, or raise \
                 http_timeout_seconds if the host is only slow."
            }
            ErrorKind::Connection => " Check the host and the network (DNS, proxy, firewall).",
            _ => "",
        };
        let message = format!(
            "gave up after {attempts} attempt{} over {:.1} s: the next retry would wait {:.1} s, \
             more than the {:.1} s left of the {:.0} s retry budget (retry_timeout_seconds). \
             Last error: {}{advice}",
            if attempts == 1 { "" } else { "s" },
            elapsed.as_secs_f64(),
            wanted_wait.as_secs_f64(),
            budget.saturating_sub(elapsed).as_secs_f64(),
            budget.as_secs_f64(),
            sentence(last.detail())
        );
        Self(Arc::new(Inner {
            kind: ErrorKind::BudgetExhausted,
            context: None,
            request: Some(request.to_owned()),
            status: last.status(),
            code: last.code().map(str::to_owned),
            message,
            retry_after: None,
            attempts,
            elapsed: Some(elapsed),
            html: last.is_html_page(),
            last: Some(last),
        }))
    }

    // Errors are built once and never shared before they are complete, so this clones at most
    // once per construction.
    fn map(self, f: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = match Arc::try_unwrap(self.0) {
            Ok(inner) => inner,
            Err(shared) => Inner {
                kind: shared.kind,
                context: shared.context.clone(),
                request: shared.request.clone(),
                status: shared.status,
                code: shared.code.clone(),
                message: shared.message.clone(),
                retry_after: shared.retry_after,
                attempts: shared.attempts,
                elapsed: shared.elapsed,
                last: shared.last.clone(),
                html: shared.html,
            },
        };
        f(&mut inner);
        Self(Arc::new(inner))
    }

    /// The coarse kind.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The kind of the failure behind a [`ErrorKind::BudgetExhausted`], else [`Error::kind`].
    pub fn root_kind(&self) -> ErrorKind {
        match &self.0.last {
            Some(last) => last.root_kind(),
            None => self.0.kind,
        }
    }

    /// `METHOD /path` of the request that failed, if any.
    pub fn request(&self) -> Option<&str> {
        self.0.request.as_deref()
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

    /// The message without the request prefix.
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

    /// The last failure when retries gave up.
    pub fn last_cause(&self) -> Option<&Error> {
        self.0.last.as_ref()
    }

    /// Whether the answer was an HTML page, i.e. not the account API at all.
    pub fn is_html_page(&self) -> bool {
        self.0.html
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
        // Nothing in an error is secret (messages are built from method, path and bodies of
        // error answers), so the derived shape is safe.
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .last
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
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
        );
        let e = Error::budget_exhausted(
            "GET /x",
            3,
            Duration::from_millis(2500),
            Duration::from_secs(3),
            Duration::from_secs(2),
            last,
        );
        assert_eq!(e.kind(), ErrorKind::BudgetExhausted);
        assert_eq!(e.root_kind(), ErrorKind::RateLimited);
        assert_eq!(e.attempts(), 3);
        assert_eq!(e.status(), Some(429));
        let text = e.to_string();
        assert!(
            text.starts_with("GET /x: gave up after 3 attempts over 2.5 s"),
            "{text}"
        );
        assert!(text.contains("slow down"), "{text}");
        assert!(std::error::Error::source(&e).is_some());
    }
}
