//! The account host rule of DESIGN §3: `https://`, or `http://` only to loopback.

use std::net::IpAddr;

/// Ok, or the reason (completing "`host` …").
pub fn check_host(s: &str) -> Result<(), String> {
    let url = url::Url::parse(s).map_err(|e| format!("is not a URL ({e}): \"{s}\"."))?;
    let host = url.host_str().unwrap_or_default();
    if host.is_empty() {
        return Err(format!("has no host name: \"{s}\"."));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "must be a base URL such as https://accounts.cloud.databricks.com, without a path; \
             got \"{s}\"."
        ));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(host) => Ok(()),
        "http" => Err(format!(
            "uses http:// with a non-loopback host; credentials would cross the network in \
             clear text. Use https://, or http:// only for 127.0.0.1, ::1 or localhost. Got \"{s}\"."
        )),
        other => Err(format!("must use https:// (got {other}://): \"{s}\".")),
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_on_loopback() {
        assert!(check_host("https://accounts.cloud.databricks.com").is_ok());
        assert!(check_host("https://proxy.example:8443/").is_ok());
        assert!(check_host("http://127.0.0.1:8080").is_ok());
        assert!(check_host("http://127.5.0.1").is_ok());
        assert!(check_host("http://[::1]:9000").is_ok());
        assert!(check_host("http://localhost:1").is_ok());
        assert!(check_host("http://accounts.cloud.databricks.com").is_err());
        assert!(check_host("http://10.0.0.1").is_err());
        assert!(check_host("ftp://x").is_err());
        assert!(check_host("accounts.cloud.databricks.com").is_err());
        assert!(check_host("https://a.b/api").is_err());
    }
}
