//! The connection check: token, service principal, secret — one function, one outcome.
//!
//! `types` holds what goes in and comes out, `run` the calls in check order, `checks` the
//! pure judgements of each answer and `times` the time handling they share.

mod checks;
mod run;
mod times;
mod types;

pub(crate) use checks::{secret_checks, token_refused};
pub(crate) use run::run;
pub(crate) use times::{format_time, normalise_time, parse_time};
pub use types::{
    CheckFailure, ObservedPrincipal, ObservedSecret, VerifyInput, VerifyOutcome, VerifyStatus,
    VerifyWith,
};
