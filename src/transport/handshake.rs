//! The go-plugin start-up contract: the magic cookie, protocol negotiation, the one stdout
//! line Terraform reads, and the reattach value for debug mode.

use std::path::Path;

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

/// `1|6|unix|<path>|grpc|<cert>`: the certificate as unpadded standard base64 (go-plugin fails
/// to decode padding), empty when TLS is off.
pub fn handshake_line(socket: &Path, server_cert_der: Option<&[u8]>) -> String {
    let cert = server_cert_der.map_or_else(String::new, |der| STANDARD_NO_PAD.encode(der));
    format!("1|{PROTOCOL_VERSION}|unix|{}|grpc|{cert}", socket.display())
}

/// The `TF_REATTACH_PROVIDERS` value for a provider serving on `socket`. `Test: true` tells
/// Terraform not to stop the process after each command.
pub fn reattach_value(socket: &Path, pid: u32) -> String {
    serde_json::json!({
        PROVIDER_ADDRESS: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": { "Network": "unix", "String": socket.display().to_string() },
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

    #[test]
    fn handshake_line_has_six_fields_and_unpadded_base64() {
        // 52 bytes: standard base64 would need one '=' of padding.
        let der = [7u8; 52];
        let line = handshake_line(Path::new("/tmp/x/plugin.sock"), Some(&der));
        let fields: Vec<&str> = line.split('|').collect();
        assert_eq!(
            fields[..5],
            ["1", "6", "unix", "/tmp/x/plugin.sock", "grpc"]
        );
        assert!(!fields[5].contains('='));
        assert_eq!(STANDARD_NO_PAD.decode(fields[5]).unwrap(), der);
        assert!(!line.contains('\n'));
    }

    #[test]
    fn handshake_line_without_tls_ends_with_an_empty_field() {
        let line = handshake_line(Path::new("/s"), None);
        assert_eq!(line, "1|6|unix|/s|grpc|");
    }

    #[test]
    fn reattach_value_names_the_provider_and_socket() {
        let v: serde_json::Value =
            serde_json::from_str(&reattach_value(Path::new("/tmp/p.sock"), 42)).unwrap();
        let entry = &v[PROVIDER_ADDRESS];
        assert_eq!(entry["ProtocolVersion"], 6);
        assert_eq!(entry["Pid"], 42);
        assert_eq!(entry["Addr"]["Network"], "unix");
        assert_eq!(entry["Addr"]["String"], "/tmp/p.sock");
    }
}
