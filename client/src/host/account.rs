//! Account hosts: a validated account API base URL, parsed from a host override, and the
//! per-cloud defaults.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use super::cloud::Cloud;
use super::shown::displayable_host;

impl Cloud {
    /// The commercial account console of this cloud.
    pub fn default_host(self) -> AccountHost {
        AccountHost::from_static(self.console_url())
    }
}

/// A validated account console base URL, e.g. `https://accounts.cloud.databricks.com`, or an
/// override such as `http://127.0.0.1:8080/prefix`. Always without a trailing slash, query,
/// fragment or credentials.
#[derive(Clone, Debug)]
pub struct AccountHost {
    base: Cow<'static, str>,
    // scheme://host[:port]: what the per-host rate limiter is keyed by (a path prefix is
    // still the same server).
    rate_key: Cow<'static, str>,
    // The input named no scheme and `https://` was assumed: a plain-HTTP server there is
    // then explained by that default, not by what the user wrote.
    scheme_implied: bool,
}

// Two spellings of one URL (`x` and `https://x`) are the same host.
impl PartialEq for AccountHost {
    fn eq(&self, other: &Self) -> bool {
        self.base == other.base
    }
}

impl Eq for AccountHost {}

impl std::hash::Hash for AccountHost {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.base.hash(state);
    }
}

/// Where the host of a request came from, as far as it explains a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostOrigin {
    /// No host was configured: the cloud's commercial account console.
    CloudDefault,
    /// A configured host that names its scheme.
    Configured,
    /// A configured host without a scheme, taken as `https://`.
    ConfiguredWithoutScheme,
}

impl AccountHost {
    /// A host known at compile time (a cloud's console).
    pub(super) fn from_static(base: &'static str) -> Self {
        Self {
            base: Cow::Borrowed(base),
            rate_key: Cow::Borrowed(base),
            scheme_implied: false,
        }
    }

    /// Whether the configured text named no scheme, so `https://` was assumed.
    pub fn scheme_implied(&self) -> bool {
        self.scheme_implied
    }

    /// The base URL without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// The cloud whose commercial account console this is, exactly (no path, no other port):
    /// such a host adds nothing for connections of that cloud, and is wrong for the others.
    pub fn commercial_default_of(&self) -> Option<Cloud> {
        Cloud::ALL
            .into_iter()
            .find(|cloud| cloud.default_host().as_str() == self.as_str())
    }

    pub(crate) fn rate_key(&self) -> &str {
        &self.rate_key
    }

    /// `base` followed by the given path segments, each percent-encoded, so an identifier can
    /// never change the path (`..`, `/`, `?`).
    pub(crate) fn url(&self, segments: &[&str]) -> String {
        let mut out = String::from(self.as_str());
        for segment in segments {
            out.push('/');
            encode_segment(segment, &mut out);
        }
        out
    }
}

impl fmt::Display for AccountHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AccountHost {
    type Err = HostError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_host(s)
    }
}

/// Why a host override was refused. Messages say what to write instead, and show the host
/// only as [`displayable_host`] does: without user info or a query, which may hold a secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error("the host is empty: give a URL such as https://accounts.cloud.databricks.com")]
    Empty,
    #[error(
        "the host is {0} characters long: give a URL such as https://accounts.cloud.databricks.com (at most {MAX_HOST_URL} characters)"
    )]
    TooLong(usize),
    #[error("the host {shown:?} is not a valid URL: {reason}")]
    Invalid {
        shown: String,
        reason: String,
        #[source]
        source: Option<url::ParseError>,
    },
    #[error("the host {shown:?} uses the scheme {scheme:?}: only https:// is supported")]
    UnsupportedScheme { shown: String, scheme: String },
    #[error(
        "the host {0:?} uses http:// for a non-loopback address: use https://, or http:// only for 127.0.0.0/8, ::1 or localhost"
    )]
    InsecureHttp(String),
    #[error(
        "the host {0:?} contains a user name or password: remove it, credentials go in client_id / client_secret"
    )]
    HasCredentials(String),
    #[error("the host {0:?} has a query or fragment: give only scheme, host, port and path")]
    HasQueryOrFragment(String),
}

/// Validates an account host override. Accepts `https://…` anywhere and `http://…` only for
/// loopback hosts (127.0.0.0/8, `::1`, `localhost`). A host without a scheme is taken as
/// `https://`, as the Databricks SDKs do. A path prefix is kept (a proxy may mount the API
/// under one); a trailing slash is dropped.
pub fn parse_host(input: &str) -> Result<AccountHost, HostError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(HostError::Empty);
    }
    // Not echoed: the message would be as long as the input.
    if trimmed.len() > MAX_HOST_URL {
        return Err(HostError::TooLong(trimmed.chars().count()));
    }
    let shown = || displayable_host(trimmed);
    let invalid = |reason: String, source| HostError::Invalid {
        shown: shown(),
        reason,
        source,
    };
    let url =
        url::Url::parse(&with_scheme(trimmed)).map_err(|e| invalid(e.to_string(), Some(e)))?;
    let secure = match url.scheme() {
        "https" => true,
        "http" => false,
        other => {
            return Err(HostError::UnsupportedScheme {
                shown: shown(),
                scheme: other.to_owned(),
            });
        }
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(HostError::HasCredentials(shown()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(HostError::HasQueryOrFragment(shown()));
    }
    let Some(host) = url.host() else {
        return Err(invalid("no host name".to_owned(), None));
    };
    if host_str_len(&url) > MAX_HOST_NAME {
        return Err(invalid(
            format!("the host name is longer than {MAX_HOST_NAME} characters"),
            None,
        ));
    }
    if !secure && !is_loopback(&host) {
        return Err(HostError::InsecureHttp(shown()));
    }
    let host_str = url.host_str().unwrap_or_default();
    let origin = match url.port() {
        Some(port) => format!("{}://{host_str}:{port}", url.scheme()),
        None => format!("{}://{host_str}", url.scheme()),
    };
    let path = url.path().trim_end_matches('/');
    Ok(AccountHost {
        base: Cow::Owned(format!("{origin}{path}")),
        rate_key: Cow::Owned(origin),
        scheme_implied: !trimmed.contains("://"),
    })
}

/// Longest host override accepted, in bytes: far beyond any real URL of an account API.
const MAX_HOST_URL: usize = 2048;

/// Longest host name in DNS (RFC 1035), in bytes.
const MAX_HOST_NAME: usize = 253;

fn host_str_len(url: &url::Url) -> usize {
    url.host_str().map_or(0, |h| h.trim_end_matches('.').len())
}

/// `input` as a URL: unchanged when it names a scheme, else behind `https://` (the SDKs'
/// rule for a host such as `adb-1234.5.azuredatabricks.net`).
pub(super) fn with_scheme(input: &str) -> Cow<'_, str> {
    if input.contains("://") {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(format!("https://{input}"))
    }
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
        url::Host::Domain(name) => name.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
    }
}

// RFC 3986 unreserved characters stay; every other byte becomes %XX.
fn encode_segment(segment: &str, out: &mut String) {
    for &b in segment.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    // A segment of only dots would still be a relative path step.
    if segment == "." || segment == ".." {
        let dots = out.len() - segment.len();
        out.truncate(dots);
        out.push_str(&"%2E".repeat(segment.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_hosts_per_cloud() {
        assert_eq!(
            Cloud::Aws.default_host().as_str(),
            "https://accounts.cloud.databricks.com"
        );
        assert_eq!(
            Cloud::Azure.default_host().as_str(),
            "https://accounts.azuredatabricks.net"
        );
        assert_eq!(
            Cloud::Gcp.default_host().as_str(),
            "https://accounts.gcp.databricks.com"
        );
        for cloud in Cloud::ALL {
            assert_eq!(
                parse_host(cloud.default_host().as_str()),
                Ok(cloud.default_host())
            );
        }
    }

    #[test]
    fn https_is_accepted_and_normalised() {
        let h = parse_host(" https://accounts.cloud.databricks.us/ ").unwrap();
        assert_eq!(h.as_str(), "https://accounts.cloud.databricks.us");
        let h = parse_host("https://proxy.example.com:8443/databricks/").unwrap();
        assert_eq!(h.as_str(), "https://proxy.example.com:8443/databricks");
        assert_eq!(h.rate_key(), "https://proxy.example.com:8443");
    }

    #[test]
    fn http_is_accepted_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000",
            "http://localhost:1234",
            "http://LOCALHOST",
        ] {
            assert!(parse_host(ok).is_ok(), "{ok} should be accepted");
        }
        for bad in [
            "http://10.0.0.1",
            "http://accounts.cloud.databricks.com",
            "http://localhost.example.com",
            "http://[::2]",
            "http://128.0.0.1",
        ] {
            assert!(
                matches!(parse_host(bad), Err(HostError::InsecureHttp(_))),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn malformed_hosts_are_refused_with_a_reason() {
        assert_eq!(parse_host("  "), Err(HostError::Empty));
        assert!(matches!(
            parse_host("ftp://x.example.com"),
            Err(HostError::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            parse_host("https://x.example.com/?a=b"),
            Err(HostError::HasQueryOrFragment(_))
        ));
        assert!(matches!(
            parse_host("https://[oops"),
            Err(HostError::Invalid { .. })
        ));
        // Without a scheme a long word would be a host name: refused by its length, and
        // a huge input is not echoed.
        assert!(matches!(
            parse_host(&"h".repeat(254)),
            Err(HostError::Invalid { .. })
        ));
        let huge = parse_host(&"h".repeat(5 << 20)).unwrap_err();
        assert_eq!(huge, HostError::TooLong(5 << 20));
        assert!(huge.to_string().len() < 200);
        assert!(parse_host(&format!("https://{}.example.com", "a".repeat(60))).is_ok());
    }

    #[test]
    fn a_host_remembers_whether_its_scheme_was_written_but_is_the_same_host_either_way() {
        let implied = parse_host("127.0.0.1:8443").unwrap();
        let written = parse_host("https://127.0.0.1:8443").unwrap();
        assert!(implied.scheme_implied());
        assert!(!written.scheme_implied());
        assert!(
            !parse_host("http://127.0.0.1:8443")
                .unwrap()
                .scheme_implied()
        );
        assert!(!Cloud::Aws.default_host().scheme_implied());
        assert_eq!(implied, written);
    }

    #[test]
    fn a_host_without_a_scheme_is_https_as_in_the_sdks() {
        assert_eq!(
            parse_host("accounts.cloud.databricks.us/")
                .unwrap()
                .as_str(),
            "https://accounts.cloud.databricks.us"
        );
        assert_eq!(
            parse_host("proxy.example.com:8443").unwrap().as_str(),
            "https://proxy.example.com:8443"
        );
        // https:// never reaches a loopback name that was meant as http://.
        assert_eq!(
            parse_host("localhost:8080").unwrap().as_str(),
            "https://localhost:8080"
        );
        assert!(matches!(
            parse_host("not a url"),
            Err(HostError::Invalid { .. })
        ));
    }

    #[test]
    fn only_the_exact_commercial_consoles_are_per_cloud_defaults() {
        for cloud in Cloud::ALL {
            assert_eq!(cloud.default_host().commercial_default_of(), Some(cloud));
        }
        let of = |s: &str| parse_host(s).unwrap().commercial_default_of();
        assert_eq!(
            of("https://accounts.azuredatabricks.net/"),
            Some(Cloud::Azure)
        );
        assert_eq!(of("accounts.gcp.databricks.com"), Some(Cloud::Gcp));
        assert_eq!(of("https://accounts.cloud.databricks.com/proxy"), None);
        assert_eq!(of("https://accounts.cloud.databricks.com:8443"), None);
        assert_eq!(of("https://accounts.cloud.databricks.us"), None);
        assert_eq!(of("http://127.0.0.1:9"), None);
    }

    #[test]
    fn credentials_in_the_host_are_refused_without_echoing_the_password() {
        let err = parse_host("https://user:hunter2@x.example.com").unwrap_err();
        assert!(matches!(err, HostError::HasCredentials(_)));
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn no_refusal_echoes_user_info_or_a_query_whatever_else_is_wrong() {
        for (input, refusal) in [
            (
                "ftp://user:hunter2@x.example.com",
                "uses the scheme \"ftp\"",
            ),
            ("https://user:hunter2@[bad", "is not a valid URL"),
            ("https://user:hunter2@host:99999", "is not a valid URL"),
            (
                "http://user:hunter2@10.0.0.1",
                "contains a user name or password",
            ),
            (
                "https://x.example.com/?access_token=hunter2",
                "has a query or fragment",
            ),
            (
                "http://10.0.0.1/?access_token=hunter2",
                "has a query or fragment",
            ),
            (
                "ftp://x.example.com/?access_token=hunter2",
                "uses the scheme",
            ),
            (
                "https://x.example.com:99999/?access_token=hunter2",
                "is not a valid URL",
            ),
            ("user:hunter2@host:99999", "is not a valid URL"),
        ] {
            let err = parse_host(input).unwrap_err();
            let text = err.to_string();
            assert!(text.contains(refusal), "{input}: {text}");
            assert!(!text.contains("hunter2"), "{input}: {text}");
            assert!(!format!("{err:?}").contains("hunter2"), "{input}: {err:?}");
            assert!(!text.contains("user:"), "{input}: {text}");
        }
        let err = parse_host("https://user:hunter2@host:99999").unwrap_err();
        assert!(
            std::error::Error::source(&err).is_some(),
            "the URL parser's error"
        );
    }

    #[test]
    fn url_segments_are_percent_encoded() {
        let h = parse_host("http://127.0.0.1:1/p").unwrap();
        assert_eq!(
            h.url(&["a b", "../x", "ok-1_2.3~"]),
            "http://127.0.0.1:1/p/a%20b/..%2Fx/ok-1_2.3~"
        );
        assert_eq!(h.url(&[".."]), "http://127.0.0.1:1/p/%2E%2E");
        assert_eq!(h.url(&["é?"]), "http://127.0.0.1:1/p/%C3%A9%3F");
    }
}
