//! Client for the Databricks account API: OAuth M2M, SCIM service principals and OAuth secrets,
//! and the connection check built on them ([`Client::verify`]).
//!
//! It knows nothing of Terraform. Every operation takes a [`CancellationToken`]; secrets are
//! [`SecretString`]s that print as `***`; requests are rate limited per host, retried with
//! backoff and `Retry-After` within a time budget per operation, and identical concurrent reads
//! (and token requests) are coalesced.
//!
//! Calls per verification: with the connection's own secret, 1 token request (always fresh:
//! the exchange is the check) + 1 SCIM GET (+1 when `roles` is missing) + the secret-list
//! pages, or no list when [`VerifyInput::secret_already_observed`] (the token proves the
//! secret); with management credentials the same minus the token request, whose token is
//! cached in memory until shortly before it expires.
//!
//! ```no_run
//! use databricks_account_client::*;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::new(ClientConfig::new("terraform-provider-databricks", "0.1.0")?)?;
//! let outcome = client
//!     .verify(
//!         &VerifyInput::new(
//!             Cloud::Aws,
//!             "0d2a7b1c-1234-4abc-9def-0123456789ab",
//!             Some("6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b".into()),
//!             "2323502488275632",
//!             "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110",
//!             VerifyWith::OwnSecret(SecretString::new("dose…")),
//!         ),
//!         &CancellationToken::new(),
//!     )
//!     .await?;
//! for failure in &outcome.failures {
//!     eprintln!("{}: {}", failure.status, failure.reason);
//! }
//! # Ok(())
//! # }
//! ```

mod client;
mod coalesce;
mod config;
mod credentials;
mod envelope;
mod error;
mod failure;
mod host;
mod http;
mod oauth;
mod ratelimit;
mod redact;
mod resolve;
mod retry;
mod scim;
mod scrub;
mod secret;
mod secrets;
mod session;
mod trust;
mod verify;

/// Entry points for the fuzz targets (`fuzz/`), only with the `fuzzing` feature; not part of
/// the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use client::{Account, Client};
pub use config::{
    ClientConfig, ConfigError, DEFAULT_HTTP_TIMEOUT, DEFAULT_RATE_LIMIT, DEFAULT_RETRY_TIMEOUT,
};
pub use credentials::{ClientCredentials, CredentialSource};
pub use error::{CheckContext, Endpoint, Error, ErrorKind, Limit, Operation};
pub use failure::TransportFailure;
pub use host::{
    AccountHost, Cloud, HostError, HostKind, HostOrigin, UnknownCloud, WorkspaceHost,
    classify_host, displayable_host, parse_host,
};
pub use scim::{ACCOUNT_ADMIN_ROLE, Role, ServicePrincipal};
pub use secret::SecretString;
pub use secrets::{DeleteOutcome, SecretInfo};
pub use tokio_util::sync::CancellationToken;
pub use trust::TrustError;
pub use verify::{
    CheckFailure, ObservedPrincipal, ObservedSecret, UnknownStatus, VerifyInput, VerifyOutcome,
    VerifyStatus, VerifyWith,
};
