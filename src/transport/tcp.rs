//! go-plugin's TCP transport, the one it uses on Windows: a listener on 127.0.0.1 at the first
//! free port of the range Terraform allows (`PLUGIN_MIN_PORT`..`PLUGIN_MAX_PORT`).

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;

pub const MIN_PORT_VARIABLE: &str = "PLUGIN_MIN_PORT";
pub const MAX_PORT_VARIABLE: &str = "PLUGIN_MAX_PORT";

/// The ports the provider may listen on, both ends included. go-plugin's client always sets
/// both variables (10000 and 25000 unless the host program says otherwise); unset or empty
/// counts as 0, so without them the range is `0..=0`: a port the system picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRange {
    min: u16,
    max: u16,
}

/// A port range that go-plugin would refuse too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRangeError {
    NotAPort {
        variable: &'static str,
        value: String,
    },
    Reversed {
        min: u16,
        max: u16,
    },
}

impl std::fmt::Display for PortRangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotAPort { variable, value } => {
                write!(f, "{variable} is not a port number (0 to 65535): {value:?}")
            }
            // go-plugin's wording.
            Self::Reversed { min, max } => write!(
                f,
                "{MIN_PORT_VARIABLE} value of {min} is greater than {MAX_PORT_VARIABLE} value of {max}"
            ),
        }
    }
}

impl std::error::Error for PortRangeError {}

impl PortRange {
    /// The range from the two variables' values (`None` when unset).
    pub fn from_env(min: Option<&str>, max: Option<&str>) -> Result<Self, PortRangeError> {
        let port = |variable: &'static str, value: Option<&str>| match value {
            None | Some("") => Ok(0),
            Some(text) => text.parse::<u16>().map_err(|_| PortRangeError::NotAPort {
                variable,
                value: text.to_owned(),
            }),
        };
        let min = port(MIN_PORT_VARIABLE, min)?;
        let max = port(MAX_PORT_VARIABLE, max)?;
        if min > max {
            return Err(PortRangeError::Reversed { min, max });
        }
        Ok(Self { min, max })
    }

    /// Listens on 127.0.0.1 at the lowest port of the range that is free, as go-plugin does.
    /// Never on another interface: the plugin port is for this machine only.
    pub async fn bind(self) -> io::Result<TcpListener> {
        let mut last = None;
        for port in self.min..=self.max {
            match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
                Ok(listener) => return Ok(listener),
                Err(e) => last = Some(e),
            }
        }
        let (kind, cause) = last.map_or((io::ErrorKind::AddrInUse, String::new()), |e| {
            (e.kind(), format!(" (last error: {e})"))
        });
        Err(io::Error::new(
            kind,
            format!(
                "cannot listen on 127.0.0.1: no free port between {} and {} \
                 ({MIN_PORT_VARIABLE}..{MAX_PORT_VARIABLE}){cause}",
                self.min, self.max
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_empty_ends_count_as_zero_like_go_plugin() {
        assert_eq!(
            PortRange::from_env(None, None),
            Ok(PortRange { min: 0, max: 0 })
        );
        assert_eq!(
            PortRange::from_env(Some(""), Some("25000")),
            Ok(PortRange { min: 0, max: 25000 })
        );
        assert_eq!(
            PortRange::from_env(Some("10000"), Some("25000")),
            Ok(PortRange {
                min: 10000,
                max: 25000
            })
        );
    }

    #[test]
    fn a_value_that_is_not_a_port_names_its_variable() {
        let err = PortRange::from_env(Some("ten"), Some("25000")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "PLUGIN_MIN_PORT is not a port number (0 to 65535): \"ten\""
        );
        let err = PortRange::from_env(Some("1"), Some("70000")).unwrap_err();
        assert!(err.to_string().starts_with("PLUGIN_MAX_PORT "), "{err}");
    }

    #[test]
    fn a_reversed_range_is_refused_with_go_plugins_words() {
        assert_eq!(
            PortRange::from_env(Some("25000"), Some("10000"))
                .unwrap_err()
                .to_string(),
            "PLUGIN_MIN_PORT value of 25000 is greater than PLUGIN_MAX_PORT value of 10000"
        );
    }

    #[tokio::test]
    async fn binds_loopback_at_the_first_free_port_of_the_range() {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let port = taken.local_addr().unwrap().port();
        // Another process may hold ports above the taken one; the range is wide enough that
        // some are free, and the taken one must be skipped.
        let range = PortRange {
            min: port,
            max: port.saturating_add(200),
        };
        let listener = range.bind().await.unwrap();
        let bound = listener.local_addr().unwrap();
        assert_eq!(bound.ip(), Ipv4Addr::LOCALHOST);
        assert!(bound.port() > port && bound.port() <= range.max, "{bound}");
    }

    #[tokio::test]
    async fn a_range_without_a_free_port_is_an_error_naming_the_range() {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = PortRange {
            min: port,
            max: port,
        }
        .bind()
        .await
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
        let text = err.to_string();
        assert!(
            text.contains(&format!("between {port} and {port}"))
                && text.contains("PLUGIN_MIN_PORT..PLUGIN_MAX_PORT"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn without_a_range_the_system_picks_a_loopback_port() {
        let listener = PortRange::from_env(None, None)
            .unwrap()
            .bind()
            .await
            .unwrap();
        let bound = listener.local_addr().unwrap();
        assert_eq!(bound.ip(), Ipv4Addr::LOCALHOST);
        assert_ne!(bound.port(), 0);
    }
}
