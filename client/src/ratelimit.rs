//! Per-host request rate limit.
//!
//! A generic cell rate algorithm (GCRA) over `tokio::time`: each request reserves the next
//! free slot under a short lock and then sleeps until it, so waiting requests queue in order
//! without polling. This is a dozen lines instead of a dependency (governor brings its own
//! clock and a handful of crates), and sleeping on tokio's timer makes the wait cancellable by
//! dropping the future, like every other wait in this client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// One bucket per host key.
#[derive(Debug)]
pub(crate) struct RateLimiters {
    per_second: u32,
    buckets: Mutex<HashMap<String, Arc<Bucket>>>,
}

impl RateLimiters {
    pub fn new(per_second: u32) -> Self {
        Self {
            per_second: per_second.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until a request to `host` may be sent.
    pub async fn acquire(&self, host: &str) {
        let bucket = {
            let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(
                buckets
                    .entry(host.to_owned())
                    .or_insert_with(|| Arc::new(Bucket::new(self.per_second))),
            )
        };
        let now = Instant::now();
        let at = bucket.reserve(now);
        // Even a zero sleep would wait for the timer's next millisecond tick.
        if at > now {
            tokio::time::sleep_until(at).await;
        }
    }
}

#[derive(Debug)]
struct Bucket {
    interval: Duration,
    // How far ahead of "now" reservations may run: burst − 1 intervals.
    tolerance: Duration,
    // Theoretical arrival time of the next request.
    tat: Mutex<Option<Instant>>,
}

impl Bucket {
    fn new(per_second: u32) -> Self {
        let interval = Duration::from_secs(1) / per_second;
        Self {
            interval,
            tolerance: interval * (per_second - 1),
            tat: Mutex::new(None),
        }
    }

    /// Reserves a slot and returns when it starts.
    fn reserve(&self, now: Instant) -> Instant {
        let mut tat = self.tat.lock().unwrap_or_else(PoisonError::into_inner);
        let start = tat.map_or(now, |t| t.max(now));
        *tat = Some(start + self.interval);
        let allowed = start.checked_sub(self.tolerance).unwrap_or(now);
        allowed.max(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_goes_through_then_requests_are_spaced() {
        let b = Bucket::new(10);
        let now = Instant::now();
        // Burst of 10 is free.
        for _ in 0..10 {
            assert_eq!(b.reserve(now), now);
        }
        // The 11th and 12th wait one and two intervals.
        assert_eq!(b.reserve(now), now + Duration::from_millis(100));
        assert_eq!(b.reserve(now), now + Duration::from_millis(200));
        // After a quiet second the burst is back.
        let later = now + Duration::from_secs(5);
        assert_eq!(b.reserve(later), later);
    }

    #[test]
    fn rate_of_one_spaces_every_request() {
        let b = Bucket::new(1);
        let now = Instant::now();
        assert_eq!(b.reserve(now), now);
        assert_eq!(b.reserve(now), now + Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn hosts_are_limited_independently() {
        let limiters = RateLimiters::new(1);
        let start = Instant::now();
        limiters.acquire("https://a").await;
        limiters.acquire("https://b").await;
        assert_eq!(Instant::now(), start);
        limiters.acquire("https://a").await;
        assert_eq!(Instant::now(), start + Duration::from_secs(1));
    }
}
