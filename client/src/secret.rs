//! A string that holds a secret (client secret, access token).

use std::fmt;

use secrecy::ExposeSecret as _;

/// A secret value, kept in a [`secrecy::SecretString`] so its memory is wiped when it is
/// dropped. `Debug` and `Display` print `***` (the project's convention for every secret in
/// logs and errors); the value is reachable only through [`SecretString::expose_secret`], so
/// it never ends up in a log line or an error by accident.
///
/// It deliberately implements neither `Serialize` nor `PartialEq`: writing a secret somewhere
/// or comparing it must be a visible decision at the call site.
#[derive(Clone)]
pub struct SecretString(secrecy::SecretString);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(secrecy::SecretString::from(value.into()))
    }

    /// The secret value itself. Every call is a place where the secret leaves its box.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.expose_secret().is_empty()
    }
}

impl Default for SecretString {
    fn default() -> Self {
        Self::new(String::new())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_print_stars_only() {
        let s = SecretString::new("dose1a2b3c");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some(***)");
        assert_eq!(s.expose_secret(), "dose1a2b3c");
        assert!(!s.is_empty() && SecretString::default().is_empty());
    }
}
