//! Client configuration: host override, timeouts, retry budget, rate limit, User-Agent.

use std::time::Duration;

use crate::host::AccountHost;

/// Requests per second to one host when nothing else is configured, as in the Databricks SDKs.
pub const DEFAULT_RATE_LIMIT: u32 = 15;

/// Timeout of one HTTP request when nothing else is configured.
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(60);

/// Retry budget of one operation when nothing else is configured.
pub const DEFAULT_RETRY_TIMEOUT: Duration = Duration::from_secs(300);

/// Settings of a [`crate::Client`]. Build with [`ClientConfig::new`] and adjust the public fields.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Replaces the per-cloud account host for every call (gov clouds, a proxy, the emulator).
    pub host: Option<AccountHost>,
    /// Timeout of one HTTP request, from connecting until the whole body is read. Default 60 s.
    pub http_timeout: Duration,
    /// Total time one operation (a `verify`, a secret list, …) may spend waiting to retry,
    /// its token request included. Default 300 s. Retrying stops when the next wait would not
    /// fit in what is left.
    pub retry_timeout: Duration,
    /// How old an answer to a service principal or secret-list read made with management
    /// credentials may be and still serve another connection of the same principal. Default
    /// 60 s: one refresh of thousands of connections reads each principal once, while a
    /// long-lived process (debug mode) still sees changes within a minute. Zero disables it.
    pub management_read_reuse: Duration,
    /// Maximum requests per second to one host (burst of the same size). Default 15, as the SDKs.
    pub rate_limit: u32,
    /// First backoff step; it doubles per attempt up to `max_backoff`. Default 1 s.
    pub initial_backoff: Duration,
    /// Largest backoff step (before `Retry-After`, which may ask for more). Default 30 s.
    pub max_backoff: Duration,
    user_agent: String,
}

/// A setting that cannot work.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "invalid User-Agent {part} {value:?}: use only letters, digits and _ . + - (e.g. my-tool/1.2.3)"
    )]
    UserAgent { part: &'static str, value: String },
    #[error("the rate limit must be at least 1 request per second")]
    RateLimit,
    #[error("http_timeout must be greater than zero")]
    HttpTimeout,
    #[error("the HTTP client could not be built: {0}")]
    HttpClient(String),
    #[error(transparent)]
    Trust(#[from] crate::trust::TrustError),
}

impl ClientConfig {
    /// Defaults with a User-Agent that starts with `product/version`, e.g.
    /// `terraform-provider-databricks/0.1.0 databricks-account-client/0.1.0 os/linux`.
    pub fn new(product: &str, version: &str) -> Result<Self, ConfigError> {
        check_ua_token("product", product)?;
        check_ua_token("version", version)?;
        Ok(Self {
            host: None,
            http_timeout: DEFAULT_HTTP_TIMEOUT,
            retry_timeout: DEFAULT_RETRY_TIMEOUT,
            management_read_reuse: Duration::from_secs(60),
            rate_limit: DEFAULT_RATE_LIMIT,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            user_agent: format!(
                "{product}/{version} databricks-account-client/{} os/{}",
                env!("CARGO_PKG_VERSION"),
                std::env::consts::OS
            ),
        })
    }

    /// The full User-Agent header value.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Appends a `key/value` pair to the User-Agent (Databricks' convention for what a call
    /// is made on behalf of, e.g. `terraform/1.11.4` or `resource/workflow_connection`).
    pub fn add_user_agent(&mut self, key: &'static str, value: &str) -> Result<(), ConfigError> {
        check_ua_token("key", key)?;
        check_ua_token(key, value)?;
        self.user_agent.push_str(&format!(" {key}/{value}"));
        Ok(())
    }

    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        if self.rate_limit == 0 {
            return Err(ConfigError::RateLimit);
        }
        if self.http_timeout.is_zero() {
            return Err(ConfigError::HttpTimeout);
        }
        Ok(())
    }
}

// The User-Agent grammar of the Databricks SDKs: key/value tokens of `[0-9A-Za-z_.+-]`.
fn check_ua_token(part: &'static str, value: &str) -> Result<(), ConfigError> {
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'+' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(ConfigError::UserAgent {
            part,
            value: value.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_starts_with_the_product_and_names_this_crate_and_the_os() {
        let c = ClientConfig::new("terraform-provider-databricks", "0.1.0").unwrap();
        assert!(
            c.user_agent()
                .starts_with("terraform-provider-databricks/0.1.0 ")
        );
        assert!(c.user_agent().contains(&format!(
            " databricks-account-client/{} ",
            env!("CARGO_PKG_VERSION")
        )));
        assert!(
            c.user_agent()
                .ends_with(&format!(" os/{}", std::env::consts::OS))
        );
    }

    #[test]
    fn user_agent_pairs_are_appended_in_order_and_validated() {
        let mut c = ClientConfig::new("p", "1").unwrap();
        c.add_user_agent("terraform", "1.11.4").unwrap();
        c.add_user_agent("resource", "workflow_connection").unwrap();
        assert!(
            c.user_agent()
                .ends_with(" terraform/1.11.4 resource/workflow_connection"),
            "{}",
            c.user_agent()
        );
        assert!(c.add_user_agent("terraform", "1.11 beta").is_err());
        assert!(c.add_user_agent("terraform", "").is_err());
    }

    #[test]
    fn defaults_are_the_documented_15_per_second_60_s_and_300_s() {
        let c = ClientConfig::new("p", "1").unwrap();
        assert_eq!(c.http_timeout, Duration::from_secs(60));
        assert_eq!(c.retry_timeout, Duration::from_secs(300));
        assert_eq!(c.rate_limit, 15);
        assert!(c.host.is_none());
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn bad_user_agent_tokens_and_limits_are_refused() {
        assert!(ClientConfig::new("has space", "1").is_err());
        assert!(ClientConfig::new("p", "").is_err());
        assert!(ClientConfig::new("p", "1/2").is_err());
        let mut c = ClientConfig::new("p", "1").unwrap();
        c.rate_limit = 0;
        assert_eq!(c.validate(), Err(ConfigError::RateLimit));
        c.rate_limit = 1;
        c.http_timeout = Duration::ZERO;
        assert_eq!(c.validate(), Err(ConfigError::HttpTimeout));
    }
}
