//! Account console hosts: the clouds and their default consoles, validation of a host
//! override, and what a configured host names (an account console, a workspace, or something
//! else).

mod account;
mod cloud;
mod shown;
mod workspace;

pub use account::{AccountHost, HostError, HostOrigin, parse_host};
pub use cloud::{Cloud, UnknownCloud};
pub use shown::displayable_host;
pub use workspace::{HostKind, WorkspaceHost, classify_host};
