//! Coalescing of identical concurrent requests into one.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;

use crate::error::Error;

/// Callers that ask for the same key while a request for it is in flight share its result.
/// Nothing is cached beyond that: once the request is done the key is free again.
///
/// Built on `OnceCell::get_or_init`: exactly one caller runs its future; if that caller is
/// dropped (its operation was cancelled), the next waiter runs its own, so one caller's
/// cancellation never fails the others.
#[derive(Debug)]
pub(crate) struct Coalescer<K, V> {
    inflight: Mutex<HashMap<K, Slot<V>>>,
}

/// The shared result of one in-flight request.
type Slot<V> = Arc<OnceCell<Result<V, Error>>>;

impl<K: Hash + Eq + Clone, V: Clone> Coalescer<K, V> {
    pub fn new() -> Self {
        Self {
            inflight: Mutex::new(HashMap::new()),
        }
    }

    pub async fn run<F, Fut>(&self, key: K, make: F) -> Result<V, Error>
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
                c.run("k", || async {
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
        c.run("k", || async { Ok(8) }).await.unwrap();
        assert_eq!(c.run("k", || async { Ok(9) }).await.unwrap(), 9);
        assert!(c.inflight.lock().unwrap().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_leader_hands_over_to_the_next_waiter() {
        let c = Arc::new(Coalescer::<&str, u32>::new());
        let c2 = Arc::clone(&c);
        let leader = tokio::spawn(async move {
            c2.run("k", || async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                Ok(1)
            })
            .await
        });
        tokio::task::yield_now().await;
        let c3 = Arc::clone(&c);
        let follower = tokio::spawn(async move { c3.run("k", || async { Ok(2) }).await });
        tokio::task::yield_now().await;
        leader.abort();
        assert_eq!(follower.await.unwrap().unwrap(), 2);
    }
}
