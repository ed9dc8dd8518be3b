//! The connection check: token, service principal, secret — one function, one outcome.
//!
//! `types` holds what goes in and comes out, `run` the calls in check order, `checks` the
//! pure judgements of each answer and `times` the time handling they share.

mod checks;
mod run;
mod times;
mod types;

pub(crate) use run::run;
pub use types::{
    CheckFailure, ObservedPrincipal, ObservedSecret, UnknownStatus, VerifyInput, VerifyOutcome,
    VerifyStatus, VerifyWith,
};

// The pure checks and time handling, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub(crate) use checks::{secret_checks, token_refused};
#[cfg(feature = "fuzzing")]
pub(crate) use times::{format_time, normalise_time, parse_time};
