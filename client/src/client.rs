//! The client: shared state and the account API operations.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use tokio_util::sync::CancellationToken;
use tracing::debug;

use crate::coalesce::Coalescer;
use crate::config::{ClientConfig, ConfigError};
use crate::error::{Error, ErrorKind};
use crate::host::{AccountHost, Cloud};
use crate::http::{Endpoint, Http, Request, Response};
use crate::oauth::{AccessToken, ClientCredentials, TokenCache, TokenKey};
use crate::retry::Budget;
use crate::scim::{ServicePrincipal, roles_from_response};
use crate::secrets::{DeleteOutcome, SecretInfo, SecretsPage};
use crate::verify::{self, VerifyInput, VerifyOutcome, VerifyWith};

// A secrets list longer than this many pages is a server looping on its page token.
const MAX_PAGES: usize = 1000;

// A principal has at most five secrets: a listing whose pages add up to more than this is
// not the account API, however small each page is.
const MAX_LISTING_BYTES: usize = 8 * 1024 * 1024;

/// The bytes a paginated listing has read so far, against [`MAX_LISTING_BYTES`].
#[derive(Debug, Default)]
struct ListingSize(usize);

impl ListingSize {
    /// Counts one page; an error once the pages add up to more than `limit`.
    fn add(&mut self, page: &Response, limit: usize) -> Result<(), Error> {
        self.0 = self.0.saturating_add(page.body.len());
        if self.0 > limit {
            return Err(Error::on_request(
                ErrorKind::InvalidResponse,
                &page.label,
                format!(
                    "the pages of the secret list add up to more than {limit} bytes, which no account API listing does — check the host"
                ),
            ));
        }
        Ok(())
    }
}

/// A Databricks account on a cloud: where an operation goes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Account {
    pub cloud: Cloud,
    pub account_id: String,
}

impl Account {
    pub fn new(cloud: Cloud, account_id: impl Into<String>) -> Self {
        Self {
            cloud,
            account_id: account_id.into(),
        }
    }
}

/// Client of the Databricks account API. Cheap to clone; clones share the token cache, the
/// rate limiters and request coalescing, so one client per process is the intended use.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    http: Http,
    tokens: TokenCache,
    gets: Coalescer<(String, TokenKey), Arc<Response>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client with these settings.
    pub fn new(config: ClientConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let http = Http::new(&config)?;
        let tokens = TokenCache::new();
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                http,
                tokens,
                gets: Coalescer::new(),
            }),
        })
    }

    /// Forgets the management reads kept for reuse (see
    /// [`ClientConfig::management_read_reuse`]), so no later verification sees an answer
    /// older than this call. The provider calls it whenever Terraform configures it again,
    /// so reuse never crosses Terraform commands.
    pub fn forget_shared_reads(&self) {
        self.inner.gets.forget_recent();
    }

    /// The settings.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The host calls for `cloud` go to: the override if configured, else the cloud's default.
    pub fn host(&self, cloud: Cloud) -> AccountHost {
        self.inner
            .config
            .host
            .clone()
            .unwrap_or_else(|| cloud.default_host())
    }

    /// Exchanges the credentials for a new access token (the first check of a connection).
    /// A refusal is an error of kind [`ErrorKind::CredentialsRejected`].
    pub async fn check_credentials(
        &self,
        account: &Account,
        credentials: &ClientCredentials,
        cancel: &CancellationToken,
    ) -> Result<(), Error> {
        let session = self.session(account, credentials);
        cancellable(cancel, "token request", async {
            session.token(true).await.map(|_| ())
        })
        .await
    }

    /// `GET …/scim/v2/ServicePrincipals/{id}`, asking again with `?attributes=roles` when the
    /// answer has no (or empty) `roles`. Concurrent identical reads share one request.
    pub async fn get_service_principal(
        &self,
        account: &Account,
        service_principal_id: &str,
        credentials: &ClientCredentials,
        cancel: &CancellationToken,
    ) -> Result<ServicePrincipal, Error> {
        let session = self.session(account, credentials);
        cancellable(
            cancel,
            "service principal lookup",
            session.service_principal(service_principal_id),
        )
        .await
    }

    /// Every OAuth secret of a service principal, following `next_page_token` to the end.
    pub async fn list_secrets(
        &self,
        account: &Account,
        service_principal_id: &str,
        credentials: &ClientCredentials,
        cancel: &CancellationToken,
    ) -> Result<Vec<SecretInfo>, Error> {
        let session = self.session(account, credentials);
        cancellable(cancel, "secret list", session.secrets(service_principal_id)).await
    }

    /// Deletes an OAuth secret. A 404 means it is already gone, which is success.
    pub async fn delete_secret(
        &self,
        account: &Account,
        service_principal_id: &str,
        secret_id: &str,
        credentials: &ClientCredentials,
        cancel: &CancellationToken,
    ) -> Result<DeleteOutcome, Error> {
        let session = self.session(account, credentials);
        cancellable(cancel, "secret deletion", async {
            let url = session.host.url(&[
                "api",
                "2.0",
                "accounts",
                &account.account_id,
                "servicePrincipals",
                service_principal_id,
                "credentials",
                "secrets",
                secret_id,
            ]);
            match session.send(Method::DELETE, url, false).await {
                Ok(_) => Ok(DeleteOutcome::Deleted),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(DeleteOutcome::AlreadyGone),
                Err(e) => Err(e),
            }
        })
        .await
    }

    /// The connection check of DESIGN §4; see [`VerifyInput`] and [`VerifyOutcome`].
    ///
    /// Failed checks are an `Ok` outcome; network failures, exhausted retries and any failure
    /// of management credentials are `Err`.
    pub async fn verify(
        &self,
        input: &VerifyInput,
        cancel: &CancellationToken,
    ) -> Result<VerifyOutcome, Error> {
        let account = Account::new(input.cloud, input.account_id.clone());
        let credentials = input
            .credentials
            .client_credentials(input.client_id.as_deref().unwrap_or_default());
        let mut session = self.session(&account, &credentials);
        // Checks with management credentials are refreshes of many connections: reads of one
        // service principal may share an answer for a short while. Checks with a connection's
        // own secret always read afresh.
        if matches!(input.credentials, VerifyWith::Management(_)) {
            session.reuse = self.inner.config.management_read_reuse;
        }
        cancellable(cancel, "verification", verify::run(&session, input)).await
    }

    fn session<'a>(
        &'a self,
        account: &'a Account,
        credentials: &'a ClientCredentials,
    ) -> Session<'a> {
        let host = self.host(account.cloud);
        Session {
            key: TokenKey::new(&host, &account.account_id, credentials),
            inner: &self.inner,
            host,
            account_id: &account.account_id,
            credentials,
            budget: Budget::new(self.inner.config.retry_timeout),
            reuse: Duration::ZERO,
        }
    }
}

/// One operation: its account, credentials, retry budget, and how old a shared GET answer it
/// accepts.
pub(crate) struct Session<'a> {
    inner: &'a Inner,
    pub host: AccountHost,
    pub account_id: &'a str,
    credentials: &'a ClientCredentials,
    key: TokenKey,
    budget: Budget,
    reuse: Duration,
}

impl Session<'_> {
    /// A token for the session's credentials; `fresh` forces a token request.
    pub async fn token(&self, fresh: bool) -> Result<(Arc<AccessToken>, bool), Error> {
        self.inner
            .tokens
            .get(
                &self.inner.http,
                &self.host,
                self.account_id,
                self.credentials,
                &self.key,
                &self.budget,
                fresh,
            )
            .await
    }

    /// An authenticated API call. A 401 to a cached token drops that token, and the call is
    /// made once more with a new one.
    async fn send(
        &self,
        method: Method,
        url: String,
        expect_json: bool,
    ) -> Result<Response, Error> {
        let (token, cached) = self.token(false).await?;
        let mut req = Request::new(method, url, self.host.rate_key(), Endpoint::Api);
        req.expect_json = expect_json;
        req.authorization = Some(token.authorization.clone());
        match self.inner.http.send(&req, &self.budget).await {
            Err(e) if cached && e.kind() == ErrorKind::Unauthenticated => {
                debug!(path = %req.path, "cached access token refused; fetching a new one and retrying once");
                self.inner.tokens.invalidate(&self.key, &token);
                let (token, _) = self.token(false).await?;
                req.authorization = Some(token.authorization.clone());
                self.inner.http.send(&req, &self.budget).await
            }
            other => other,
        }
    }

    /// A GET that shares its answer with identical concurrent GETs (same URL, same credentials),
    /// and with later ones within the session's reuse window.
    async fn get(&self, url: String) -> Result<Arc<Response>, Error> {
        self.inner
            .gets
            .run((url.clone(), self.key.clone()), self.reuse, || async {
                self.send(Method::GET, url, true).await.map(Arc::new)
            })
            .await
    }

    pub async fn service_principal(&self, id: &str) -> Result<ServicePrincipal, Error> {
        let url = self.host.url(&[
            "api",
            "2.0",
            "accounts",
            self.account_id,
            "scim",
            "v2",
            "ServicePrincipals",
            id,
        ]);
        let resp = self.get(url.clone()).await?;
        let mut principal = ServicePrincipal::from_response(&resp)?;
        if principal.id != id {
            return Err(Error::on_request(
                ErrorKind::InvalidResponse,
                &resp.label,
                format!(
                    "asked for service principal {id} but the answer is for {:?}",
                    principal.id
                ),
            ));
        }
        if principal.roles_missing() {
            // Some answers leave out `roles` unless asked for (the Databricks provider does
            // the same second read).
            let resp = self.get(format!("{url}?attributes=roles")).await?;
            principal.roles = roles_from_response(&resp)?;
        }
        Ok(principal)
    }

    pub async fn secrets(&self, service_principal_id: &str) -> Result<Vec<SecretInfo>, Error> {
        let base = self.host.url(&[
            "api",
            "2.0",
            "accounts",
            self.account_id,
            "servicePrincipals",
            service_principal_id,
            "credentials",
            "secrets",
        ]);
        let mut all = Vec::new();
        let mut page_token: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        let mut label = String::new();
        let mut size = ListingSize::default();
        for _ in 0..MAX_PAGES {
            let url = match &page_token {
                None => base.clone(),
                Some(t) => format!(
                    "{base}?page_token={}",
                    url::form_urlencoded::byte_serialize(t.as_bytes()).collect::<String>()
                ),
            };
            let resp = self.get(url).await?;
            label.clone_from(&resp.label);
            size.add(&resp, MAX_LISTING_BYTES)?;
            let page = SecretsPage::from_response(&resp)?;
            all.extend(page.secrets.unwrap_or_default());
            match page.next_page_token.filter(|t| !t.is_empty()) {
                None => return Ok(all),
                Some(next) => {
                    if !seen.insert(next.clone()) {
                        return Err(Error::on_request(
                            ErrorKind::InvalidResponse,
                            &resp.label,
                            "the secret list returned a page token it had already returned",
                        ));
                    }
                    page_token = Some(next);
                }
            }
        }
        Err(Error::on_request(
            ErrorKind::InvalidResponse,
            &label,
            format!("the secret list did not end after {MAX_PAGES} pages"),
        ))
    }
}

/// Runs `fut` unless `cancel` fires first; then the future is dropped, which aborts its
/// request in flight or its wait.
async fn cancellable<T>(
    cancel: &CancellationToken,
    what: &str,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(Error::cancelled(what)),
        result = fut => result,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(bytes: usize) -> Response {
        Response {
            status: 200,
            body: vec![b' '; bytes],
            label: "GET https://accounts.example/secrets".into(),
        }
    }

    #[test]
    fn a_listing_is_capped_by_the_sum_of_its_pages_not_by_one_page() {
        let mut size = ListingSize::default();
        for _ in 0..4 {
            size.add(&page(2_000), 10_000).unwrap();
        }
        let err = size.add(&page(2_001), 10_000).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidResponse);
        assert!(
            err.to_string().contains("add up to more than 10000 bytes"),
            "{err}"
        );
        // Counting saturates instead of overflowing.
        let mut size = ListingSize(usize::MAX - 1);
        size.add(&page(5), usize::MAX).unwrap();
        assert!(size.add(&page(1), usize::MAX - 1).is_err());
    }
}
