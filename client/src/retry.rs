//! When to retry, and how long to wait.

use std::time::{Duration, Instant, SystemTime};

use crate::error::{Error, ErrorKind};

/// The time budget of one operation, shared by all its requests and their retries.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    start: Instant,
    total: Duration,
}

impl Budget {
    pub fn new(total: Duration) -> Self {
        Self {
            start: Instant::now(),
            total,
        }
    }

    pub fn total(&self) -> Duration {
        self.total
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    pub fn remaining(&self) -> Duration {
        self.total.saturating_sub(self.elapsed())
    }
}

/// Exponential backoff with "equal jitter": half the step is fixed, half random, so waits
/// grow reliably but retries of many clients do not line up.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Backoff {
    /// Wait before retry number `retry` (1 for the first retry).
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(16));
        let step = self.initial.saturating_mul(factor).min(self.max);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3). A date in the past means
/// no wait; anything unreadable is ignored.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // Some servers send fractions; accept them rather than ignore the request to wait.
    if let Ok(secs) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether a failure is worth another attempt. Rate limits and unavailability at any status
/// (the code decides, so `REQUEST_LIMIT_EXCEEDED` on a 500 is retried, as the SDKs do),
/// gateway errors, a 500 of a request that is safe to repeat (reads, deletes and the token
/// exchange, which creates nothing), broken connections and timeouts. 400, 401, 403 and 404
/// are final.
pub(crate) fn is_retryable(err: &Error, safe_to_repeat: bool) -> bool {
    match err.kind() {
        ErrorKind::RateLimited | ErrorKind::Connection | ErrorKind::Timeout => true,
        ErrorKind::Unavailable => match err.status() {
            Some(500) => safe_to_repeat,
            Some(501) => false,
            _ => true,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        // 1445412480 is Wed, 21 Oct 2015 07:28:00 GMT.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn backoff_grows_exponentially_within_jitter_and_cap() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(1000),
        };
        for _ in 0..50 {
            let d1 = b.delay(1);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
            let d3 = b.delay(3);
            assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
            let d10 = b.delay(10);
            assert!(d10 >= Duration::from_millis(500) && d10 <= Duration::from_millis(1000));
            assert!(b.delay(u32::MAX) <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn retryable_classes() {
        let http = |kind, status| Error::http(kind, "GET /x", status, None, "m", None);
        assert!(is_retryable(&http(ErrorKind::RateLimited, 429), false));
        assert!(is_retryable(&http(ErrorKind::RateLimited, 500), false));
        assert!(is_retryable(&http(ErrorKind::Unavailable, 503), false));
        assert!(is_retryable(&http(ErrorKind::Unavailable, 502), false));
        assert!(is_retryable(&http(ErrorKind::Unavailable, 500), true));
        assert!(!is_retryable(&http(ErrorKind::Unavailable, 500), false));
        assert!(!is_retryable(&http(ErrorKind::Unavailable, 501), true));
        for (kind, status) in [
            (ErrorKind::InvalidRequest, 400),
            (ErrorKind::Unauthenticated, 401),
            (ErrorKind::CredentialsRejected, 401),
            (ErrorKind::PermissionDenied, 403),
            (ErrorKind::NotFound, 404),
            (ErrorKind::InvalidResponse, 200),
        ] {
            assert!(!is_retryable(&http(kind, status), true), "{kind} {status}");
        }
        assert!(is_retryable(
            &Error::on_request(ErrorKind::Timeout, "GET /x", "t"),
            false
        ));
        assert!(is_retryable(
            &Error::on_request(ErrorKind::Connection, "GET /x", "c"),
            false
        ));
        assert!(!is_retryable(
            &Error::cancelled(crate::error::Operation::TokenRequest),
            true
        ));
    }
}
