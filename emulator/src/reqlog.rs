//! The request log: one record per API request, so that tests can assert on what a tool sent
//! (paths, query strings, the auth scheme, the client ID, the User-Agent).
//!
//! A record never holds a credential: of the `Authorization` header only the scheme is kept, of
//! HTTP Basic credentials only the client ID, and query parameters whose names say they carry a
//! secret have their values replaced.

use std::collections::VecDeque;

use axum::http::{HeaderMap, header};
use serde::{Deserialize, Serialize};

use crate::basic_auth::basic_credentials;
use crate::form::decode_form_value;

/// What one API request looked like. Admin requests (`/_emulator/…`) are not recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// e.g. `POST`
    pub method: String,
    /// The raw path, e.g. `/oidc/accounts/0d2a…/v1/token`.
    pub path: String,
    /// The raw query string without `?`; values of secret-looking parameters are `REDACTED`.
    pub query: Option<String>,
    /// The status answered; 0 when the connection was dropped (the `drop_connection` fault).
    pub status: u16,
    /// The scheme of the `Authorization` header as sent, e.g. `Basic` or `Bearer`.
    pub auth_scheme: Option<String>,
    /// The client ID of HTTP Basic credentials (the token request); never from anything else.
    pub client_id: Option<String>,
    pub user_agent: Option<String>,
    /// From the arrival of the request to its answer, injected latency and delays included.
    pub latency_ms: u64,
}

/// Replaces the values of parameters that carry credentials in OAuth and OIDC requests.
pub(crate) const REDACTED: &str = "REDACTED";

/// Longest User-Agent kept; longer ones are cut (on a character boundary).
const MAX_USER_AGENT: usize = 1024;

/// The records, oldest first, at most `limit` of them.
#[derive(Default)]
pub(crate) struct RequestLog {
    records: VecDeque<RequestRecord>,
}

impl RequestLog {
    pub fn push(&mut self, record: RequestRecord, limit: usize) {
        if limit == 0 {
            return;
        }
        self.records.push_back(record);
        self.truncate(limit);
    }

    /// Drops the oldest records beyond `limit`.
    pub fn truncate(&mut self, limit: usize) {
        while self.records.len() > limit {
            self.records.pop_front();
        }
    }

    pub fn list(&self) -> Vec<RequestRecord> {
        self.records.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.records.clear();
    }
}

/// The request-side fields of a record, taken before the request is answered.
pub(crate) struct Pending {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub auth_scheme: Option<String>,
    pub client_id: Option<String>,
    pub user_agent: Option<String>,
}

impl Pending {
    pub fn new(method: &str, path: &str, query: Option<&str>, headers: &HeaderMap) -> Self {
        Pending {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.map(redact_query),
            auth_scheme: auth_scheme(headers),
            client_id: basic_credentials(headers).map(|(id, _secret)| id),
            user_agent: headers
                .get(header::USER_AGENT)
                .map(|v| truncate(&String::from_utf8_lossy(v.as_bytes()), MAX_USER_AGENT)),
        }
    }

    pub fn finish(self, status: u16, latency_ms: u64) -> RequestRecord {
        RequestRecord {
            method: self.method,
            path: self.path,
            query: self.query,
            status,
            auth_scheme: self.auth_scheme,
            client_id: self.client_id,
            user_agent: self.user_agent,
            latency_ms,
        }
    }
}

/// The first word of `Authorization`, only when it looks like an auth scheme (a token; RFC 9110
/// §11.1), so that a header without a scheme (a bare token) is not recorded.
fn auth_scheme(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let scheme = value.split_once(' ').map_or(value, |(s, _)| s);
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    // A scheme alone (no credentials after it) could itself be a credential: keep it only when
    // something followed it.
    let followed = value.len() > scheme.len();
    (followed && !scheme.is_empty() && scheme.len() <= 32 && scheme.chars().all(is_token_char))
        .then(|| scheme.to_owned())
}

/// Whether a query parameter carries a credential (OAuth/OIDC names; `page_token` is an opaque
/// cursor and stays).
fn is_sensitive(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("secret")
        || name.contains("password")
        || matches!(
            name.as_str(),
            "token"
                | "access_token"
                | "refresh_token"
                | "id_token"
                | "code"
                | "assertion"
                | "client_assertion"
                | "subject_token"
        )
}

/// The raw query with the values of sensitive parameters replaced; everything else is kept
/// byte for byte.
fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            let (name, _) = pair.split_once('=').unwrap_or((pair, ""));
            if is_sensitive(&decode_form_value(name)) {
                format!("{name}={REDACTED}")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((cut, _)) => s[..cut].to_owned(),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn keeps_only_the_scheme_of_authorization() {
        let h = headers(&[(header::AUTHORIZATION, "Bearer emuabc123")]);
        let p = Pending::new("GET", "/x", None, &h);
        assert_eq!(p.auth_scheme.as_deref(), Some("Bearer"));
        assert_eq!(p.client_id, None, "a bearer token names no client");
        let bare = headers(&[(header::AUTHORIZATION, "emuabc123")]);
        assert_eq!(Pending::new("GET", "/x", None, &bare).auth_scheme, None);
    }

    #[test]
    fn takes_the_client_id_from_basic_credentials_and_drops_the_secret() {
        // base64("app-1:dosesecret")
        let h = headers(&[(header::AUTHORIZATION, "Basic YXBwLTE6ZG9zZXNlY3JldA==")]);
        let p = Pending::new("POST", "/t", None, &h);
        assert_eq!(p.auth_scheme.as_deref(), Some("Basic"));
        assert_eq!(p.client_id.as_deref(), Some("app-1"));
        let text = serde_json::to_string(&p.finish(200, 1)).unwrap();
        assert!(
            !text.contains("dosesecret") && !text.contains("YXBwLTE6"),
            "{text}"
        );
    }

    #[test]
    fn redacts_credential_parameters_and_keeps_the_rest_verbatim() {
        assert_eq!(
            redact_query("filter=applicationId+eq+%22a%22&client_secret=dose1&page_token=p2"),
            "filter=applicationId+eq+%22a%22&client_secret=REDACTED&page_token=p2"
        );
        assert_eq!(
            redact_query("access_token=x&code=y&Client%5FSecret=z&count=1"),
            "access_token=REDACTED&code=REDACTED&Client%5FSecret=REDACTED&count=1"
        );
    }

    #[test]
    fn keeps_the_newest_records_up_to_the_limit() {
        let mut log = RequestLog::default();
        for i in 0..5u16 {
            let p = Pending::new("GET", &format!("/{i}"), None, &HeaderMap::new());
            log.push(p.finish(200 + i, 0), 3);
        }
        let paths: Vec<String> = log.list().into_iter().map(|r| r.path).collect();
        assert_eq!(paths, ["/2", "/3", "/4"]);
        log.push(
            Pending::new("GET", "/5", None, &HeaderMap::new()).finish(200, 0),
            0,
        );
        assert_eq!(log.list().len(), 3, "limit 0 records nothing new");
    }

    #[test]
    fn cuts_long_user_agents_on_a_character_boundary() {
        assert_eq!(truncate("ééé", 2), "éé");
        assert_eq!(truncate("ab", 5), "ab");
    }
}
