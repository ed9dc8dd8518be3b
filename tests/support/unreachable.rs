//! Hosts that give no HTTP answer, for the tests of what the provider does when a host is
//! wrong: a port nothing listens on, and a server that answers every TLS ClientHello with a
//! fatal `protocol_version` alert, as a server that speaks only TLS 1.1 answers a client that
//! offers TLS 1.2 and 1.3.

use std::io::{Read, Write};
use std::net::TcpListener;

/// A loopback port nothing listens on: bound, noted, released.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The alert record: type 21 (alert), record version TLS 1.0, length 2, level fatal (2),
/// description protocol_version (70).
const PROTOCOL_VERSION_ALERT: [u8; 7] = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46];

/// Starts the TLS-1.1-only stand-in on a loopback port and returns the port. It serves until
/// the test process ends.
pub fn tls_version_mismatch_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut hello = [0u8; 2048];
            let _ = stream.read(&mut hello);
            let _ = stream.write_all(&PROTOCOL_VERSION_ALERT);
        }
    });
    port
}
