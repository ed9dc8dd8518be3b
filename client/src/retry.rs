//! When to retry, and how long to wait.

use std::time::{Duration, Instant, SystemTime};

use crate::error::{Error, ErrorKind, Limit};
use crate::failure::TransportFailure;

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

    pub fn is_spent(&self) -> bool {
        self.remaining().is_zero()
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

/// A refused connection, or a TLS handshake the server hangs up on, is retried for at most
/// this long from the first attempt: a server that is starting may soon accept, but a wrong
/// port never will, and the whole retry budget is far too long to wait for one.
pub(crate) const BRIEF_RETRY_WINDOW: Duration = Duration::from_secs(15);

/// How a failure is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Final: it would fail the same way again.
    Never,
    /// Within [`BRIEF_RETRY_WINDOW`] (and the budget).
    Briefly,
    /// Within the operation's retry budget.
    WithinBudget,
}

/// How a failure is retried. Rate limits and unavailability at any status (the code decides,
/// so `REQUEST_LIMIT_EXCEEDED` on a 500 is retried, as the SDKs do), gateway errors, a 500 of
/// a request that is safe to repeat (reads, deletes and the token exchange, which creates
/// nothing), broken connections and timeouts: within the budget. A refused connection and a
/// handshake cut short: briefly. 400, 401, 403 and 404, a name that does not resolve, a TLS
/// handshake that fails for protocol, version or certificate reasons and a proxy's refusal:
/// never.
pub(crate) fn retry_for(err: &Error, safe_to_repeat: bool) -> Retry {
    match err.kind() {
        ErrorKind::RateLimited | ErrorKind::Timeout => Retry::WithinBudget,
        ErrorKind::Connection | ErrorKind::Tls => match err.transport() {
            Some(TransportFailure::Refused | TransportFailure::HandshakeClosed) => Retry::Briefly,
            Some(TransportFailure::Broken | TransportFailure::TimedOut) => Retry::WithinBudget,
            _ => Retry::Never,
        },
        ErrorKind::Unavailable => match err.status() {
            Some(500) if !safe_to_repeat => Retry::Never,
            Some(501) => Retry::Never,
            _ => Retry::WithinBudget,
        },
        _ => Retry::Never,
    }
}

/// A failed attempt and what it is measured against.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Attempt<'a> {
    /// 1 for the first attempt.
    pub number: u32,
    /// Time since the first attempt of this request.
    pub since_first: Duration,
    pub safe_to_repeat: bool,
    pub budget: &'a Budget,
    pub backoff: &'a Backoff,
}

/// What follows a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// The failure is final as it is.
    Stop,
    /// Retrying would pass `limit`; `elapsed` is the time it measures.
    GiveUp { limit: Limit, elapsed: Duration },
    /// Retry after this wait.
    Wait(Duration),
}

/// Whether and when to try again after `err`.
pub(crate) fn next(err: &Error, attempt: Attempt<'_>) -> Next {
    let retry = retry_for(err, attempt.safe_to_repeat);
    if retry == Retry::Never {
        return Next::Stop;
    }
    let backoff = attempt.backoff.delay(attempt.number);
    let wait = backoff.max(err.retry_after().unwrap_or(Duration::ZERO));
    if wait > attempt.budget.remaining() {
        return Next::GiveUp {
            limit: Limit::RetryBudget {
                budget: attempt.budget.total(),
                next_wait: wait,
            },
            elapsed: attempt.budget.elapsed(),
        };
    }
    if retry == Retry::Briefly && attempt.since_first + wait > BRIEF_RETRY_WINDOW {
        return Next::GiveUp {
            limit: Limit::RetryWindow {
                window: BRIEF_RETRY_WINDOW,
                next_wait: wait,
            },
            elapsed: attempt.since_first,
        };
    }
    Next::Wait(wait)
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
    fn retry_classes() {
        let http = |kind, status| Error::http(kind, "GET /x", status, None, "m", None);
        let budget = |e: &Error, safe| retry_for(e, safe) == Retry::WithinBudget;
        assert!(budget(&http(ErrorKind::RateLimited, 429), false));
        assert!(budget(&http(ErrorKind::RateLimited, 500), false));
        assert!(budget(&http(ErrorKind::Unavailable, 503), false));
        assert!(budget(&http(ErrorKind::Unavailable, 502), false));
        assert!(budget(&http(ErrorKind::Unavailable, 500), true));
        assert_eq!(
            retry_for(&http(ErrorKind::Unavailable, 500), false),
            Retry::Never
        );
        assert_eq!(
            retry_for(&http(ErrorKind::Unavailable, 501), true),
            Retry::Never
        );
        for (kind, status) in [
            (ErrorKind::InvalidRequest, 400),
            (ErrorKind::Unauthenticated, 401),
            (ErrorKind::CredentialsRejected, 401),
            (ErrorKind::PermissionDenied, 403),
            (ErrorKind::NotFound, 404),
            (ErrorKind::InvalidResponse, 200),
        ] {
            assert_eq!(
                retry_for(&http(kind, status), true),
                Retry::Never,
                "{kind} {status}"
            );
        }
        assert!(budget(
            &Error::on_request(ErrorKind::Timeout, "GET /x", "t"),
            false
        ));
        assert_eq!(
            retry_for(
                &Error::cancelled(crate::error::Operation::TokenRequest),
                true
            ),
            Retry::Never
        );
    }

    fn backoff() -> Backoff {
        Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(30),
        }
    }

    fn failed(failure: TransportFailure) -> Error {
        let kind = if failure.is_tls() {
            ErrorKind::Tls
        } else {
            ErrorKind::Connection
        };
        Error::on_request(kind, "GET /x", "no answer").with_transport(failure)
    }

    #[test]
    fn a_retry_past_the_budget_gives_up_naming_the_budget() {
        let budget = Budget::new(Duration::from_millis(100));
        let attempt = Attempt {
            number: 1,
            since_first: Duration::ZERO,
            safe_to_repeat: true,
            budget: &budget,
            backoff: &backoff(),
        };
        let err = Error::on_request(ErrorKind::Timeout, "GET /x", "t");
        match next(&err, attempt) {
            Next::GiveUp {
                limit: Limit::RetryBudget { budget, .. },
                ..
            } => assert_eq!(budget, Duration::from_millis(100)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_refused_connection_is_retried_only_within_its_window_what_cannot_heal_never() {
        let budget = Budget::new(Duration::from_secs(300));
        let backoff = backoff();
        let at = |err: &Error, since_first: Duration| {
            next(
                err,
                Attempt {
                    number: 1,
                    since_first,
                    safe_to_repeat: true,
                    budget: &budget,
                    backoff: &backoff,
                },
            )
        };
        for brief in [TransportFailure::Refused, TransportFailure::HandshakeClosed] {
            assert!(matches!(at(&failed(brief), Duration::ZERO), Next::Wait(_)));
            match at(&failed(brief), BRIEF_RETRY_WINDOW) {
                Next::GiveUp {
                    limit: Limit::RetryWindow { window, .. },
                    elapsed,
                } => {
                    assert_eq!(window, BRIEF_RETRY_WINDOW);
                    assert_eq!(elapsed, BRIEF_RETRY_WINDOW);
                }
                other => panic!("{brief}: {other:?}"),
            }
        }
        // Broken connections and timeouts keep the whole budget.
        for within in [TransportFailure::Broken, TransportFailure::TimedOut] {
            assert!(
                matches!(at(&failed(within), BRIEF_RETRY_WINDOW), Next::Wait(_)),
                "{within}"
            );
        }
        for never in [
            TransportFailure::NameNotResolved,
            TransportFailure::Certificate,
            TransportFailure::TlsVersion,
            TransportFailure::NotTls,
            TransportFailure::Handshake,
        ] {
            assert_eq!(at(&failed(never), Duration::ZERO), Next::Stop, "{never}");
        }
    }
}
