//! Why a request got no HTTP answer, read from the typed causes in the error's `source()`
//! chain (rustls, std::io, the resolver's error), never from its wording.

use std::error::Error as StdError;
use std::fmt;
use std::io;

use rustls::{AlertDescription, CertificateError};

use crate::resolve::NameNotResolved;

/// What kept a request from getting an HTTP answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportFailure {
    /// The host name did not resolve to an address.
    NameNotResolved,
    /// Nothing accepted the connection at that address and port.
    Refused,
    /// The connection broke before a complete answer (reset, closed mid-answer).
    Broken,
    /// No complete answer within the timeout of one request.
    TimedOut,
    /// TLS: the host's certificate is not trusted, or expired.
    Certificate,
    /// TLS: the host's certificate is valid, but for other names than the host's.
    CertificateName,
    /// TLS: the server offers no protocol version or cipher suite this client accepts (an
    /// alert such as `protocol_version` or `handshake_failure`).
    TlsVersion,
    /// TLS: what came back is not TLS at all — usually a plain-HTTP server on an `https://`
    /// URL.
    NotTls,
    /// TLS: the server closed the connection during the handshake.
    HandshakeClosed,
    /// TLS: the handshake failed for another reason the server gave (an alert).
    Handshake,
    /// The proxy for the host would not open a tunnel to it.
    ProxyTunnel,
    /// Nothing accepted the connection at the proxy's address and port ([`crate::Error::proxy`]
    /// names the proxy): the host itself was never reached.
    ProxyRefused,
}

impl TransportFailure {
    /// A stable snake_case name for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            TransportFailure::NameNotResolved => "name_not_resolved",
            TransportFailure::Refused => "connection_refused",
            TransportFailure::Broken => "connection_broken",
            TransportFailure::TimedOut => "timed_out",
            TransportFailure::Certificate => "tls_certificate",
            TransportFailure::CertificateName => "tls_certificate_name",
            TransportFailure::TlsVersion => "tls_version",
            TransportFailure::NotTls => "not_tls",
            TransportFailure::HandshakeClosed => "tls_handshake_closed",
            TransportFailure::Handshake => "tls_handshake",
            TransportFailure::ProxyTunnel => "proxy_tunnel",
            TransportFailure::ProxyRefused => "proxy_refused",
        }
    }

    /// Whether the TLS handshake is what failed.
    pub fn is_tls(self) -> bool {
        matches!(
            self,
            TransportFailure::Certificate
                | TransportFailure::CertificateName
                | TransportFailure::TlsVersion
                | TransportFailure::NotTls
                | TransportFailure::HandshakeClosed
                | TransportFailure::Handshake
        )
    }
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the request was when it failed, besides its error.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Attempted {
    /// The URL is `https://`.
    pub https: bool,
    /// A proxy from the environment was to carry the request.
    pub proxied: bool,
}

/// Classifies a failed request from the typed errors behind it.
pub(crate) fn classify(e: &reqwest::Error, attempted: Attempted) -> TransportFailure {
    if e.is_timeout() {
        return TransportFailure::TimedOut;
    }
    let causes = Causes::of(e);
    if let Some(tls) = causes.rustls {
        return match tls {
            rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            ) => TransportFailure::CertificateName,
            rustls::Error::InvalidCertificate(_) => TransportFailure::Certificate,
            rustls::Error::InvalidMessage(_) => TransportFailure::NotTls,
            rustls::Error::PeerIncompatible(_)
            | rustls::Error::AlertReceived(
                AlertDescription::ProtocolVersion
                | AlertDescription::HandshakeFailure
                | AlertDescription::InsufficientSecurity,
            ) => TransportFailure::TlsVersion,
            _ => TransportFailure::Handshake,
        };
    }
    if causes.name_not_resolved {
        return TransportFailure::NameNotResolved;
    }
    if causes.io.contains(&io::ErrorKind::ConnectionRefused) {
        // Through a proxy, the only connection this machine opens is to the proxy.
        if attempted.proxied {
            return TransportFailure::ProxyRefused;
        }
        return TransportFailure::Refused;
    }
    if e.is_connect() {
        // tokio-rustls reports a server that hangs up mid-handshake as an unexpected end of
        // file while connecting.
        if attempted.https && causes.io.contains(&io::ErrorKind::UnexpectedEof) {
            return TransportFailure::HandshakeClosed;
        }
        if attempted.proxied && causes.io.is_empty() {
            return TransportFailure::ProxyTunnel;
        }
    }
    TransportFailure::Broken
}

/// The typed causes found in an error chain. An `io::Error` wraps its cause without listing it
/// in `source()`, so each one is also opened with `get_ref`.
#[derive(Default)]
struct Causes<'a> {
    rustls: Option<&'a rustls::Error>,
    io: Vec<io::ErrorKind>,
    name_not_resolved: bool,
}

impl<'a> Causes<'a> {
    fn of(e: &'a reqwest::Error) -> Self {
        let mut causes = Causes::default();
        let mut next = e.source();
        while let Some(cause) = next {
            causes.note(cause);
            next = cause.source();
        }
        causes
    }

    fn note(&mut self, cause: &'a (dyn StdError + 'static)) {
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            self.rustls.get_or_insert(tls);
        } else if cause.downcast_ref::<NameNotResolved>().is_some() {
            self.name_not_resolved = true;
        } else if let Some(io) = cause.downcast_ref::<io::Error>() {
            self.io.push(io.kind());
            if let Some(inner) = io.get_ref() {
                self.note(inner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rustls::InvalidMessage;

    use super::*;

    /// Whether `rustls` refused what it read as something other than TLS.
    fn not_tls(e: &rustls::Error) -> bool {
        matches!(
            e,
            rustls::Error::InvalidMessage(InvalidMessage::InvalidContentType)
        )
    }

    #[test]
    fn an_io_error_is_opened_to_find_the_tls_error_inside() {
        let tls = rustls::Error::InvalidMessage(InvalidMessage::InvalidContentType);
        let inner = io::Error::new(io::ErrorKind::InvalidData, tls);
        let outer = io::Error::other(inner);
        let mut causes = Causes::default();
        causes.note(&outer);
        assert!(causes.rustls.is_some_and(not_tls));
        assert_eq!(
            causes.io,
            [io::ErrorKind::Other, io::ErrorKind::InvalidData]
        );
    }

    #[test]
    fn every_failure_has_a_distinct_name() {
        let all = [
            TransportFailure::NameNotResolved,
            TransportFailure::Refused,
            TransportFailure::Broken,
            TransportFailure::TimedOut,
            TransportFailure::Certificate,
            TransportFailure::TlsVersion,
            TransportFailure::NotTls,
            TransportFailure::HandshakeClosed,
            TransportFailure::Handshake,
            TransportFailure::ProxyTunnel,
            TransportFailure::ProxyRefused,
            TransportFailure::CertificateName,
        ];
        let names: std::collections::HashSet<_> = all.iter().map(|f| f.as_str()).collect();
        assert_eq!(names.len(), all.len());
        assert_eq!(all.iter().filter(|f| f.is_tls()).count(), 6);
    }
}
