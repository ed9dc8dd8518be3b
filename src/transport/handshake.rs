//! The go-plugin start-up contract: the magic cookie, protocol negotiation, the one stdout
//! line Terraform reads, and the reattach value for debug mode.

use std::fmt;
use std::net::SocketAddr;
#[cfg(unix)]
use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

/// Set by Terraform for every provider it starts; fixed since Terraform 0.12.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// The only application protocol we speak.
pub const PROTOCOL_VERSION: u32 = 6;

/// The source address used in docs, examples, tests and the reattach value.
pub const PROVIDER_ADDRESS: &str = "terraform.local/okta-workflows/databricks";

/// What a person who runs the binary by hand sees.
pub const NOT_A_PROGRAM: &str = "\
This binary is a Terraform provider plugin (terraform-provider-databricks).
It is started by Terraform, not run directly. To use it, reference the provider
terraform.local/okta-workflows/databricks in your configuration; to debug it,
run it with --debug and follow the instructions it prints.";

pub fn cookie_is_valid(value: Option<&str>) -> bool {
    value == Some(MAGIC_COOKIE_VALUE)
}

/// Picks protocol 6 from `PLUGIN_PROTOCOL_VERSIONS` (a comma list in random order). Absent
/// means an old go-plugin client that only knows its default, which for Terraform ≥ 1.0 is 6.
pub fn negotiate_protocol(offered: Option<&str>) -> Result<u32, String> {
    let Some(offered) = offered.filter(|s| !s.trim().is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    let speaks_six = offered
        .split(',')
        .any(|v| v.trim().parse::<u32>() == Ok(PROTOCOL_VERSION));
    if speaks_six {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(format!(
            "this provider speaks plugin protocol {PROTOCOL_VERSION} only (Terraform 1.0 or later), \
             but the client offered {offered:?}"
        ))
    }
}

/// Where the provider listens, as go-plugin names it: a network and an address in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// A unix socket, go-plugin's transport everywhere but Windows.
    #[cfg(unix)]
    Unix(PathBuf),
    /// 127.0.0.1 and a port: go-plugin's transport on Windows.
    Tcp(SocketAddr),
}

impl Address {
    /// The network as Go's `net.Addr.Network()` says it.
    pub fn network(&self) -> &'static str {
        match self {
            #[cfg(unix)]
            Self::Unix(_) => "unix",
            Self::Tcp(_) => "tcp",
        }
    }
}

/// The address as Go's `net.Addr.String()` says it: a path, or `127.0.0.1:PORT`.
impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            #[cfg(unix)]
            Self::Unix(path) => write!(f, "{}", path.display()),
            Self::Tcp(addr) => write!(f, "{addr}"),
        }
    }
}

/// `1|6|<network>|<address>|grpc|<cert>`: the certificate as unpadded standard base64
/// (go-plugin fails to decode padding), empty when TLS is off.
pub fn handshake_line(address: &Address, server_cert_der: Option<&[u8]>) -> String {
    let cert = server_cert_der.map_or_else(String::new, |der| STANDARD_NO_PAD.encode(der));
    format!(
        "1|{PROTOCOL_VERSION}|{}|{address}|grpc|{cert}",
        address.network()
    )
}

/// The `TF_REATTACH_PROVIDERS` value for a provider serving at `address`. `Test: true` tells
/// Terraform not to stop the process after each command.
pub fn reattach_value(address: &Address, pid: u32) -> String {
    serde_json::json!({
        PROVIDER_ADDRESS: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": { "Network": address.network(), "String": address.to_string() },
        }
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_six_is_found_in_any_order() {
        assert_eq!(negotiate_protocol(Some("5,6")), Ok(6));
        assert_eq!(negotiate_protocol(Some("6,5")), Ok(6));
        assert_eq!(negotiate_protocol(Some(" 6 ")), Ok(6));
        assert_eq!(negotiate_protocol(None), Ok(6));
        assert!(negotiate_protocol(Some("4,5")).is_err());
    }

    #[test]
    fn cookie_must_match_exactly() {
        assert!(cookie_is_valid(Some(MAGIC_COOKIE_VALUE)));
        assert!(!cookie_is_valid(None));
        assert!(!cookie_is_valid(Some("")));
        assert!(!cookie_is_valid(Some(&MAGIC_COOKIE_VALUE[1..])));
    }

    use std::net::{Ipv4Addr, SocketAddrV4};
    #[cfg(unix)]
    use std::path::Path;

    #[cfg(unix)]
    fn unix(path: &str) -> Address {
        Address::Unix(Path::new(path).to_path_buf())
    }

    fn tcp(port: u16) -> Address {
        Address::Tcp(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)))
    }

    #[cfg(unix)]
    #[test]
    fn handshake_line_has_six_fields_and_unpadded_base64() {
        // 52 bytes: standard base64 would need one '=' of padding.
        let der = [7u8; 52];
        let line = handshake_line(&unix("/tmp/x/plugin.sock"), Some(&der));
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(
            fields[..5],
            ["1", "6", "unix", "/tmp/x/plugin.sock", "grpc"]
        );
        assert!(!fields[5].contains('='));
        assert_eq!(STANDARD_NO_PAD.decode(fields[5]).unwrap(), der);
        assert!(!line.contains('\n'));
    }

    #[cfg(unix)]
    #[test]
    fn handshake_line_without_tls_ends_with_an_empty_field() {
        let line = handshake_line(&unix("/s"), None);
        assert_eq!(line, "1|6|unix|/s|grpc|");
    }

    #[test]
    fn handshake_line_over_tcp_names_the_network_and_loopback_port() {
        let der = [1u8; 40];
        let line = handshake_line(&tcp(10123), Some(&der));
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(fields[..5], ["1", "6", "tcp", "127.0.0.1:10123", "grpc"]);
        assert_eq!(STANDARD_NO_PAD.decode(fields[5]).unwrap(), der);
        assert_eq!(
            handshake_line(&tcp(10123), None),
            "1|6|tcp|127.0.0.1:10123|grpc|"
        );
    }

    #[cfg(unix)]
    #[test]
    fn reattach_value_names_the_provider_and_socket() {
        let v: serde_json::Value =
            serde_json::from_str(&reattach_value(&unix("/tmp/p.sock"), 42)).unwrap();
        let entry = &v[PROVIDER_ADDRESS];
        assert_eq!(entry["ProtocolVersion"], 6);
        assert_eq!(entry["Pid"], 42);
        assert_eq!(entry["Addr"]["Network"], "unix");
        assert_eq!(entry["Addr"]["String"], "/tmp/p.sock");
    }

    #[test]
    fn reattach_value_over_tcp_says_tcp_and_the_port() {
        let v: serde_json::Value = serde_json::from_str(&reattach_value(&tcp(24999), 7)).unwrap();
        let addr = &v[PROVIDER_ADDRESS]["Addr"];
        assert_eq!(addr["Network"], "tcp");
        assert_eq!(addr["String"], "127.0.0.1:24999");
    }
}
