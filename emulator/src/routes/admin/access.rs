//! Who may use the admin API. It has no authentication and hands out every secret, so it
//! answers only what a tool on this machine sends, not what a web page can make a browser send:
//!
//! - The `Host` must name the loopback interface (`localhost`, `127.0.0.0/8`, `[::1]`, any
//!   port). A page that rebinds its own domain name to 127.0.0.1 (DNS rebinding) still sends
//!   its domain name, and is refused. With remote access allowed, any IP address is accepted
//!   too: rebinding needs a domain name, and other machines reach the emulator by address.
//! - An `Origin`, which browsers add to cross-origin requests and tools do not send, must
//!   name the loopback interface (or, with remote access, an IP address) as well.
//! - A write (any method but `GET`, `HEAD`, `OPTIONS`, `TRACE`) that declares a content type
//!   or carries a body must declare `application/json`, which a cross-site HTML form cannot.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::Response;

use super::reply::error;
use crate::loopback::is_loopback;

/// Which hosts the admin API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostRule {
    /// `localhost` and loopback addresses only.
    Loopback,
    /// Those, and any IP address: remote access was allowed.
    LoopbackOrIpAddress,
}

impl HostRule {
    fn allows(self, authority: &str) -> bool {
        match host_of(authority) {
            Some(Host::Ip(ip)) => is_loopback(ip) || self == HostRule::LoopbackOrIpAddress,
            Some(Host::Name(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            HostRule::Loopback => "localhost, 127.0.0.1 or [::1]",
            HostRule::LoopbackOrIpAddress => "localhost or an IP address",
        }
    }
}

enum Host<'a> {
    Ip(IpAddr),
    Name(&'a str),
}

/// The host of `host[:port]` or `[v6][:port]`; `None` for anything else (user info, a path,
/// an empty host).
fn host_of(authority: &str) -> Option<Host<'_>> {
    if authority.contains('@') {
        return None;
    }
    let parsed: Authority = authority.parse().ok()?;
    let host = authority.get(..parsed.host().len())?;
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().ok().map(|ip| Host::Ip(ip.into()));
    }
    if host.is_empty() {
        return None;
    }
    Some(match host.parse::<Ipv4Addr>() {
        Ok(ip) => Host::Ip(ip.into()),
        Err(_) => Host::Name(host),
    })
}

/// `http://host[:port]` or `https://…` whose host the rule allows; `null` and anything else
/// are refused.
fn origin_allowed(rule: HostRule, origin: &HeaderValue) -> bool {
    let Some(uri) = origin.to_str().ok().and_then(|o| o.parse::<Uri>().ok()) else {
        return false;
    };
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    let no_path = matches!(
        uri.path_and_query().map(|p| p.as_str()),
        None | Some("" | "/")
    );
    scheme_ok && no_path && uri.authority().is_some_and(|a| rule.allows(a.as_str()))
}

fn is_write(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

fn declares_json(value: &HeaderValue) -> bool {
    let Ok(text) = value.to_str() else {
        return false;
    };
    let essence = text.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

fn has_body(headers: &HeaderMap) -> bool {
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    headers.contains_key(header::TRANSFER_ENCODING) || declared_length.is_some_and(|n| n > 0)
}

/// Lets through only the requests the module documentation describes.
pub(super) async fn guard(State(rule): State<HostRule>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    // HTTP/1.1 puts the authority in `Host`; a request in absolute form also carries it in
    // its target, and both must pass.
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let target = req.uri().authority().map(Authority::as_str);
    let host_ok =
        host.is_some_and(|h| rule.allows(h.trim())) && target.is_none_or(|t| rule.allows(t));
    if !host_ok {
        return error(
            StatusCode::FORBIDDEN,
            &format!(
                "the admin API answers only requests addressed to {} (Host {:?}); it has \
                 no authentication, so it does not answer names that could point anywhere",
                rule.describe(),
                host.unwrap_or("")
            ),
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN)
        && !origin_allowed(rule, origin)
    {
        return error(
            StatusCode::FORBIDDEN,
            &format!(
                "the admin API does not answer web pages of other origins (Origin {:?})",
                String::from_utf8_lossy(origin.as_bytes())
            ),
        );
    }
    if is_write(req.method()) {
        let json = match headers.get(header::CONTENT_TYPE) {
            Some(value) => declares_json(value),
            None => !has_body(headers),
        };
        if !json {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "admin API writes take a JSON body: send Content-Type: application/json \
                 (or no body and no Content-Type)",
            );
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_rule_takes_localhost_and_loopback_addresses_with_any_port() {
        let rule = HostRule::Loopback;
        for ok in [
            "localhost",
            "LocalHost:8080",
            "127.0.0.1",
            "127.9.9.9:1",
            "[::1]",
            "[::1]:443",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(rule.allows(ok), "{ok}");
        }
        for refused in [
            "",
            ":80",
            "attacker.example",
            "localhost.attacker.example",
            "localhost:80@attacker.example",
            "user@localhost",
            "10.0.0.1",
            "[fe80::1]:80",
            "[::1",
            "127.0.0.1/x",
        ] {
            assert!(!rule.allows(refused), "{refused}");
        }
    }

    #[test]
    fn remote_rule_adds_ip_addresses_but_no_names() {
        let rule = HostRule::LoopbackOrIpAddress;
        for ok in ["10.0.0.1:8080", "[2001:db8::1]", "localhost"] {
            assert!(rule.allows(ok), "{ok}");
        }
        for refused in ["emulator.internal", "10.0.0.1.nip.io"] {
            assert!(!rule.allows(refused), "{refused}");
        }
    }

    #[test]
    fn origins_must_be_bare_http_urls_of_an_allowed_host() {
        let rule = HostRule::Loopback;
        let origin = |s: &'static str| origin_allowed(rule, &HeaderValue::from_static(s));
        assert!(origin("http://127.0.0.1:8080"));
        assert!(origin("https://localhost"));
        assert!(!origin("null"));
        assert!(!origin("https://attacker.example"));
        assert!(!origin("file://localhost"));
        assert!(!origin("http://localhost/page"));
    }

    #[test]
    fn json_is_recognised_by_its_essence() {
        for ok in ["application/json", "Application/JSON; charset=utf-8"] {
            assert!(declares_json(&HeaderValue::from_static(ok)), "{ok}");
        }
        for refused in [
            "text/plain",
            "application/jsonp",
            "application/json-seq",
            "",
        ] {
            assert!(
                !declares_json(&HeaderValue::from_static(refused)),
                "{refused}"
            );
        }
    }
}
