//! Coalescing of identical concurrent requests into one, and short-lived reuse of answers.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::OnceCell;
use tokio::time::Instant;

use crate::error::Error;

/// Above this many remembered answers, stale ones are dropped on the next insert.
const PRUNE_ABOVE: usize = 1024;

/// Callers that ask for the same key while a request for it is in flight share its result.
/// A caller may also accept a successful answer that is at most `reuse` old: a refresh of
/// many connections of one service principal then reads it once, not once per connection
/// (callers that read a few at a time rarely overlap, so in-flight sharing alone seldom
/// meets).
///
/// Built on `OnceCell::get_or_init`: exactly one caller runs its future; if that caller is
/// dropped (its operation was cancelled), the next waiter runs its own, so one caller's
/// cancellation never fails the others.
#[derive(Debug)]
pub(crate) struct Coalescer<K, V> {
    inflight: Mutex<HashMap<K, Slot<V>>>,
    recent: Mutex<HashMap<K, (Instant, V)>>,
}

/// The shared result of one in-flight request.
type Slot<V> = Arc<OnceCell<Result<V, Error>>>;

impl<K: Hash + Eq + Clone, V: Clone> Coalescer<K, V> {
    pub fn new() -> Self {
        Self {
            inflight: Mutex::new(HashMap::new()),
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// `make`'s result for `key`, shared with concurrent callers; with a non-zero `reuse`, a
    /// successful answer younger than that is returned without running `make`. Errors are
    /// never reused.
    pub async fn run<F, Fut>(&self, key: K, reuse: Duration, make: F) -> Result<V, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, Error>>,
    {
        if !reuse.is_zero() {
            let recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((at, value)) = recent.get(&key)
                && at.elapsed() < reuse
            {
                return Ok(value.clone());
            }
        }
        let result = self.run_inflight(key.clone(), make).await;
        if !reuse.is_zero()
            && let Ok(value) = &result
        {
            let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
            if recent.len() >= PRUNE_ABOVE {
                recent.retain(|_, (at, _)| at.elapsed() < reuse);
            }
            recent.insert(key, (Instant::now(), value.clone()));
        }
        result
    }

    /// Drops every remembered answer: later callers read afresh (in-flight requests are still
    /// shared).
    pub fn forget_recent(&self) {
        self.recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    async fn run_inflight<F, Fut>(&self, key: K, make: F) -> Result<V, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, Error>>,
    {
        let cell = {
            let mut map = self.inflight.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(map.entry(key.clone()).or_default())
        };
        let result = cell.get_or_init(make).await.clone();
        let mut map = self.inflight.lock().unwrap_or_else(PoisonError::into_inner);
        if map.get(&key).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
            map.remove(&key);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_run_and_later_callers_start_a_new_one() {
        let c = Arc::new(Coalescer::<&str, u32>::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (c, runs) = (Arc::clone(&c), Arc::clone(&runs));
            tasks.push(tokio::spawn(async move {
                c.run("k", Duration::ZERO, || async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok(7)
                })
                .await
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 7);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        c.run("k", Duration::ZERO, || async { Ok(8) })
            .await
            .unwrap();
        assert_eq!(
            c.run("k", Duration::ZERO, || async { Ok(9) })
                .await
                .unwrap(),
            9
        );
        assert!(c.inflight.lock().unwrap().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn answers_are_reused_within_the_window_and_errors_never() {
        let c = Coalescer::<&str, u32>::new();
        let window = Duration::from_secs(60);
        assert_eq!(c.run("k", window, || async { Ok(1) }).await.unwrap(), 1);
        assert_eq!(
            c.run("k", window, || async { Ok(2) }).await.unwrap(),
            1,
            "reused"
        );
        assert_eq!(
            c.run("k", Duration::ZERO, || async { Ok(3) })
                .await
                .unwrap(),
            3,
            "opted out"
        );
        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(
            c.run("k", window, || async { Ok(4) }).await.unwrap(),
            4,
            "expired"
        );
        let failed = c
            .run("e", window, || async {
                Err(crate::error::Error::cancelled(
                    crate::error::Operation::Verification,
                ))
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(
            c.run("e", window, || async { Ok(5) }).await.unwrap(),
            5,
            "errors are not kept"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_leader_hands_over_to_the_next_waiter() {
        let c = Arc::new(Coalescer::<&str, u32>::new());
        let c2 = Arc::clone(&c);
        let leader = tokio::spawn(async move {
            c2.run("k", Duration::ZERO, || async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                Ok(1)
            })
            .await
        });
        tokio::task::yield_now().await;
        let c3 = Arc::clone(&c);
        let follower =
            tokio::spawn(async move { c3.run("k", Duration::ZERO, || async { Ok(2) }).await });
        tokio::task::yield_now().await;
        leader.abort();
        assert_eq!(follower.await.unwrap().unwrap(), 2);
    }
}
