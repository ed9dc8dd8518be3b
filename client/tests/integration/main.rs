//! The client against the in-process account API emulator: statuses, retries and budgets,
//! transport failures, coalescing and the token cache, paging, the bytes on the wire, logs.
//! Part of the quick test path (`scripts/test.sh --quick`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod log_lines;

mod coalescing;
mod errors;
mod logging;
mod messages;
mod operations;
mod paging;
mod retries;
mod transport;
mod verify;
mod wire;
