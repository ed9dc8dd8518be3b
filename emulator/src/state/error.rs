//! Why an admin operation failed.

use std::fmt;

/// Why an admin operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminError {
    /// The account, service principal or secret does not exist.
    NotFound(String),
    /// An id is already taken.
    Conflict(String),
    /// The input is not acceptable.
    Invalid(String),
}

impl fmt::Display for AdminError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdminError::NotFound(m) | AdminError::Conflict(m) | AdminError::Invalid(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for AdminError {}
