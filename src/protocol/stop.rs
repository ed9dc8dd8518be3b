//! `StopProvider`: cancel what is in flight, keep serving what comes next.
//!
//! Terraform calls StopProvider on Ctrl-C while other RPCs are still running, then waits for
//! them to return. Each operation takes the current token when it starts; `stop` cancels
//! that token and installs a fresh one, so requests that arrive afterwards run normally.

use std::sync::{Arc, Mutex, PoisonError};

use tokio_util::sync::CancellationToken;

#[derive(Clone, Default)]
pub struct StopSignal {
    current: Arc<Mutex<CancellationToken>>,
}

impl StopSignal {
    /// The token an operation starting now should watch.
    pub fn token(&self) -> CancellationToken {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Cancels every operation started so far.
    pub fn stop(&self) {
        let old = std::mem::take(&mut *self.current.lock().unwrap_or_else(PoisonError::into_inner));
        old.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_cancels_running_operations_but_not_later_ones() {
        let stop = StopSignal::default();
        let running = stop.token();
        stop.stop();
        assert!(running.is_cancelled());
        assert!(!stop.token().is_cancelled());
    }
}
