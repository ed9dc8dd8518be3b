//! The examples under `examples/`, which the docs include: each validates, and the
//! composition, guides and health-checks examples run against the emulator.

mod all_validate;
mod composition;
mod guides;
mod health_checks;
