//! Which addresses and host names stay on this machine. The emulator listens only on those
//! unless told otherwise, and its admin API answers only requests that name one of them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// `127.0.0.0/8`, `::1`, and IPv4 loopback written as an IPv6-mapped address.
pub(crate) fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// The address a local client uses to reach a listener bound to `addr`: loopback for an
/// unspecified address (`0.0.0.0`, `::`), `addr` otherwise.
pub(crate) fn loopback_if_unspecified(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_covers_the_whole_ipv4_block_ipv6_and_mapped_addresses() {
        for ip in ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"] {
            assert!(is_loopback(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "0.0.0.0",
            "::",
            "10.0.0.1",
            "192.0.2.10",
            "::ffff:10.0.0.1",
            "fe80::1",
        ] {
            assert!(!is_loopback(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn an_unspecified_address_is_reached_through_loopback() {
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(loopback_if_unspecified(any).to_string(), "127.0.0.1:8080");
        let any6: SocketAddr = "[::]:8080".parse().unwrap();
        assert_eq!(loopback_if_unspecified(any6).to_string(), "[::1]:8080");
        let lan: SocketAddr = "192.0.2.10:1".parse().unwrap();
        assert_eq!(loopback_if_unspecified(lan), lan);
    }
}
