//! The state behind the server and the in-process [`crate::Emulator`] handle, with what the
//! server learns at start: its scheme and bound address.

use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use crate::state::State;

pub(crate) struct Shared {
    state: Mutex<State>,
    /// `http` or `https`, for the URLs of the discovery documents.
    scheme: &'static str,
    /// Set once the listener is bound: the host of those URLs when a request has no `Host`.
    bound: OnceLock<SocketAddr>,
}

impl Shared {
    pub fn new(state: State, tls: bool) -> Self {
        Shared {
            state: Mutex::new(state),
            scheme: if tls { "https" } else { "http" },
            bound: OnceLock::new(),
        }
    }

    pub fn set_bound(&self, addr: SocketAddr) {
        let _ = self.bound.set(addr);
    }

    pub fn bound(&self) -> Option<SocketAddr> {
        self.bound.get().copied()
    }

    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// A panic while holding the lock cannot leave the state half-updated in a way that
    /// matters for a test double, so a poisoned lock is simply taken over.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
