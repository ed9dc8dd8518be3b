//! OAuth M2M (client credentials) against the account token endpoint, with an in-memory cache.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use reqwest::Method;
use reqwest::header::HeaderValue;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::time::Instant;
use tracing::debug;

use crate::coalesce::Coalescer;
use crate::credentials::ClientCredentials;
use crate::error::Endpoint;
use crate::error::{Error, ErrorKind};
use crate::host::AccountHost;
use crate::http::{Http, Request, Response};
use crate::retry::Budget;
use crate::scrub::Echoes;
use crate::secret::SecretString;

/// The RFC 6749 form body of a client-credentials grant for every Databricks API.
const TOKEN_FORM: &str = "grant_type=client_credentials&scope=all-apis";

/// Tokens are never kept longer than this, whatever `expires_in` says (Databricks issues
/// one-hour tokens; a larger value is a misbehaving server, not a reason to trust a token
/// for a week).
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Used when a token answer has no `expires_in`: short, so a token of unknown life is
/// re-fetched soon rather than trusted for an hour.
const UNKNOWN_LIFETIME: Duration = Duration::from_secs(300);

/// Cache key of a token: where it is valid and for whom. The secret enters only as its
/// SHA-256, so a changed secret gets its own token and the secret is never a map key.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct TokenKey {
    host: String,
    account_id: String,
    client_id: String,
    secret_sha256: [u8; 32],
}

impl TokenKey {
    pub fn new(host: &AccountHost, account_id: &str, creds: &ClientCredentials) -> Self {
        let digest = Sha256::digest(creds.client_secret.expose_secret().as_bytes());
        let mut secret_sha256 = [0u8; 32];
        secret_sha256.copy_from_slice(&digest);
        Self {
            host: host.as_str().to_owned(),
            account_id: account_id.to_owned(),
            client_id: creds.client_id.to_owned(),
            secret_sha256,
        }
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenKey")
            .field("host", &self.host)
            .field("account_id", &self.account_id)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// Whose token an operation asks for, and where: the token endpoint's host, the account and
/// the credentials, with the cache key they make.
pub(crate) struct Grant<'a> {
    pub host: AccountHost,
    pub account_id: &'a str,
    pub credentials: &'a ClientCredentials,
    pub key: TokenKey,
    /// The credentials as an answer could echo them, scrubbed out of every answer of the
    /// operation.
    pub echoes: Arc<Echoes>,
}

impl<'a> Grant<'a> {
    pub fn new(host: AccountHost, account_id: &'a str, credentials: &'a ClientCredentials) -> Self {
        Self {
            key: TokenKey::new(&host, account_id, credentials),
            echoes: Arc::new(Echoes::of_credentials(credentials)),
            host,
            account_id,
            credentials,
        }
    }
}

/// An access token ready to be sent: the `Authorization` value, marked sensitive so the HTTP
/// stack never prints it.
pub(crate) struct AccessToken {
    pub authorization: HeaderValue,
    refresh_at: Instant,
    generation: u64,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("authorization", &"***")
            .field("generation", &self.generation)
            .finish()
    }
}

/// Tokens by key, plus coalescing of concurrent fetches of the same key.
#[derive(Debug)]
pub(crate) struct TokenCache {
    tokens: Mutex<HashMap<TokenKey, Arc<AccessToken>>>,
    fetches: Coalescer<TokenKey, Arc<AccessToken>>,
    generation: AtomicU64,
}

impl TokenCache {
    pub fn new() -> Self {
        Self {
            tokens: Mutex::new(HashMap::new()),
            fetches: Coalescer::new(),
            generation: AtomicU64::new(0),
        }
    }

    /// A valid token for `grant`, and whether it came from the cache. Concurrent callers with
    /// the same key share one token request. `fresh` skips the cache: the token exchange itself
    /// is then the check (a cached token would hide a secret deleted since).
    pub async fn get(
        &self,
        http: &Http,
        grant: &Grant<'_>,
        budget: &Budget,
        fresh: bool,
    ) -> Result<(Arc<AccessToken>, bool), Error> {
        let key = &grant.key;
        if !fresh && let Some(token) = self.cached(key) {
            return Ok((token, true));
        }
        let token = self
            .fetches
            .run(key.clone(), Duration::ZERO, || async {
                // A caller that queued behind a finished fetch may find its result already here.
                if !fresh && let Some(token) = self.cached(key) {
                    return Ok(token);
                }
                // The token request shares the operation's retry budget, so the budget an
                // error names is the one that applied.
                let token = Arc::new(self.fetch(http, grant, budget).await?);
                self.tokens
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key.clone(), Arc::clone(&token));
                Ok(token)
            })
            .await?;
        Ok((token, false))
    }

    /// Forgets `token` after the API refused it, unless another caller already replaced it.
    pub fn invalidate(&self, key: &TokenKey, token: &AccessToken) {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        if tokens
            .get(key)
            .is_some_and(|t| t.generation == token.generation)
        {
            tokens.remove(key);
        }
    }

    fn cached(&self, key: &TokenKey) -> Option<Arc<AccessToken>> {
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens
            .get(key)
            .filter(|t| t.refresh_at > Instant::now())
            .cloned()
    }

    async fn fetch(
        &self,
        http: &Http,
        grant: &Grant<'_>,
        budget: &Budget,
    ) -> Result<AccessToken, Error> {
        let Grant {
            host,
            account_id,
            credentials: creds,
            ..
        } = grant;
        let url = host.url(&["oidc", "accounts", account_id, "v1", "token"]);
        let mut req = Request::new(Method::POST, url, host.rate_key(), Endpoint::Token);
        let mut basic = HeaderValue::from_str(&basic_authorization(creds)).map_err(|_| {
            Error::on_request(
                ErrorKind::InvalidRequest,
                &req.label,
                "the client ID cannot be sent in an HTTP header",
            )
        })?;
        basic.set_sensitive(true);
        req.authorization = Some(basic);
        req.echoes = Some(Arc::clone(&grant.echoes));
        req.form_body = Some(TOKEN_FORM);
        let started = Instant::now();
        let resp = http.send(&req, budget).await?;
        let TokenAnswer {
            authorization,
            lifetime,
        } = read_token_response(&resp, &req.label)?;
        debug!(
            path = %req.path,
            client_id = %creds.client_id,
            expires_in_s = lifetime.as_secs(),
            "access token issued"
        );
        Ok(AccessToken {
            authorization,
            // Counted from when the request was sent, and renewed early, so a token is never
            // sent in its last moments.
            refresh_at: started + lifetime.saturating_sub(refresh_margin(lifetime)),
            generation: self.generation.fetch_add(1, Ordering::Relaxed),
        })
    }
}

/// What a token answer gives: the `Authorization` header value and the token's lifetime.
pub(crate) struct TokenAnswer {
    pub authorization: HeaderValue,
    pub lifetime: Duration,
}

/// Reads a token answer (a 2xx response of the token endpoint); `label` names the request in
/// errors.
pub(crate) fn read_token_response(resp: &Response, label: &str) -> Result<TokenAnswer, Error> {
    let parsed: TokenResponse = resp.json()?;
    let invalid = |what: &str| {
        Error::on_request(
            ErrorKind::InvalidResponse,
            label,
            format!("HTTP {}: the token answer {what}", resp.status),
        )
        .with_status(resp.status)
    };
    let access_token = match parsed.access_token {
        Some(t) if !t.is_empty() => SecretString::new(t),
        _ => return Err(invalid("has no access_token")),
    };
    let lifetime = match &parsed.expires_in {
        None | Some(Value::Null) => UNKNOWN_LIFETIME,
        Some(v) => parse_expires_in(v).ok_or_else(|| {
            invalid("has an expires_in that is not a non-negative number of seconds")
        })?,
    }
    .min(MAX_LIFETIME);
    let token_type = parsed
        .token_type
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "Bearer".to_owned());
    let mut authorization = HeaderValue::from_str(&format!(
        "{} {}",
        token_type.trim(),
        access_token.expose_secret()
    ))
    .map_err(|_| invalid("holds characters that cannot be sent in an HTTP header"))?;
    authorization.set_sensitive(true);
    Ok(TokenAnswer {
        authorization,
        lifetime,
    })
}

/// How long before expiry a token is renewed: a quarter of its life, at most two minutes
/// (a one-hour token is renewed after 58 minutes).
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 4).min(Duration::from_secs(120))
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<Value>,
}

/// `expires_in` as a number or a numeric string (the Databricks CLI's fake sends `"3600"`).
fn parse_expires_in(v: &Value) -> Option<Duration> {
    let secs = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if secs.is_finite() && secs >= 0.0 {
        Duration::try_from_secs_f64(secs).ok()
    } else {
        None
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` — RFC 6749 §2.3.1, as the Go SDK
/// sends it. For UUIDs and alphanumeric secrets the encoding changes nothing.
fn basic_authorization(creds: &ClientCredentials) -> String {
    let id: String = url::form_urlencoded::byte_serialize(creds.client_id.as_bytes()).collect();
    let secret: String =
        url::form_urlencoded::byte_serialize(creds.client_secret.expose_secret().as_bytes())
            .collect();
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_matches_the_sdk_test_vector() {
        assert_eq!(
            basic_authorization(&ClientCredentials::new("b", "c")),
            "Basic Yjpj"
        );
    }

    #[test]
    fn basic_header_form_encodes_id_and_secret() {
        let header = basic_authorization(&ClientCredentials::new("a b", "c:d"));
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(header.trim_start_matches("Basic "))
            .unwrap();
        assert_eq!(decoded, b"a+b:c%3Ad");
    }

    #[test]
    fn expires_in_as_number_or_string() {
        assert_eq!(
            parse_expires_in(&serde_json::json!(3600)),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(
            parse_expires_in(&serde_json::json!("3600")),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(
            parse_expires_in(&serde_json::json!(" 60 ")),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_expires_in(&serde_json::json!(1.5)),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_expires_in(&serde_json::json!(-1)), None);
        assert_eq!(parse_expires_in(&serde_json::json!("soon")), None);
        assert_eq!(parse_expires_in(&serde_json::json!(true)), None);
    }

    #[test]
    fn tokens_are_renewed_shortly_before_expiry() {
        assert_eq!(
            refresh_margin(Duration::from_secs(3600)),
            Duration::from_secs(120)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(4)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn cache_key_depends_on_the_secret_without_holding_it() {
        let host = crate::host::Cloud::Aws.default_host();
        let a = TokenKey::new(&host, "acc", &ClientCredentials::new("id", "dose-one"));
        let b = TokenKey::new(&host, "acc", &ClientCredentials::new("id", "dose-two"));
        assert!(a != b);
        assert_eq!(
            a,
            TokenKey::new(&host, "acc", &ClientCredentials::new("id", "dose-one"))
        );
        assert!(!format!("{a:?}").contains("dose"));
    }
}
