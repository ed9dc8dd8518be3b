//! One operation against one account: its credentials, its retry budget, and the calls it
//! makes (token, authenticated requests, the service principal and secret-list reads).

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use tracing::debug;

use crate::coalesce::Coalescer;
use crate::credentials::ClientCredentials;
use crate::error::Endpoint;
use crate::error::{Error, ErrorKind, Limit};
use crate::host::AccountHost;
use crate::http::{Http, Request, Response};
use crate::oauth::{AccessToken, Grant, TokenCache, TokenKey};
use crate::retry::Budget;
use crate::scim::{ServicePrincipal, roles_from_response};
use crate::secrets::{SecretInfo, SecretsPage};

// A secrets list longer than this many pages is a server looping on its page token.
const MAX_PAGES: usize = 1000;

// A principal has at most five secrets: a listing whose pages add up to more than this is
// not the account API, however small each page is.
const MAX_LISTING_BYTES: usize = 8 * 1024 * 1024;

/// What every operation of a client shares: the HTTP layer, the token cache and the shared
/// GET answers.
#[derive(Debug)]
pub(crate) struct Shared {
    pub http: Http,
    pub tokens: TokenCache,
    pub gets: Coalescer<(String, TokenKey), Arc<Response>>,
}

/// One operation: its account, credentials, retry budget, and how old a shared GET answer it
/// accepts.
pub(crate) struct Session<'a> {
    shared: &'a Shared,
    grant: Grant<'a>,
    budget: Budget,
    /// How old a shared GET answer may be; zero reads afresh.
    pub reuse: Duration,
}

impl<'a> Session<'a> {
    pub fn new(
        shared: &'a Shared,
        host: AccountHost,
        account_id: &'a str,
        credentials: &'a ClientCredentials,
        retry_budget: Duration,
    ) -> Self {
        Self {
            shared,
            grant: Grant::new(host, account_id, credentials),
            budget: Budget::new(retry_budget),
            reuse: Duration::ZERO,
        }
    }

    pub fn host(&self) -> &AccountHost {
        &self.grant.host
    }

    pub fn account_id(&self) -> &str {
        self.grant.account_id
    }

    /// A token for the session's credentials, and whether it came from the cache; `fresh`
    /// forces a token request.
    pub async fn token(&self, fresh: bool) -> Result<(Arc<AccessToken>, bool), Error> {
        self.shared
            .tokens
            .get(&self.shared.http, &self.grant, &self.budget, fresh)
            .await
    }

    /// An authenticated API call. A 401 to a cached token drops that token, and the call is
    /// made once more with a new one.
    pub async fn send(
        &self,
        method: Method,
        url: String,
        expect_json: bool,
    ) -> Result<Response, Error> {
        let (token, cached) = self.token(false).await?;
        let mut req = Request::new(method, url, self.host().rate_key(), Endpoint::Api);
        req.expect_json = expect_json;
        req.authorization = Some(token.authorization.clone());
        req.echoes = Some(Arc::clone(&self.grant.echoes));
        match self.shared.http.send(&req, &self.budget).await {
            Err(e) if cached && e.kind() == ErrorKind::Unauthenticated => {
                debug!(path = %req.path, "cached access token refused; fetching a new one and retrying once");
                self.shared.tokens.invalidate(&self.grant.key, &token);
                let (token, _) = self.token(false).await?;
                req.authorization = Some(token.authorization.clone());
                self.shared.http.send(&req, &self.budget).await
            }
            other => other,
        }
    }

    /// A GET that shares its answer with identical concurrent GETs (same URL, same credentials),
    /// and with later ones within the session's reuse window.
    async fn get(&self, url: String) -> Result<Arc<Response>, Error> {
        self.shared
            .gets
            .run(
                (url.clone(), self.grant.key.clone()),
                self.reuse,
                || async { self.send(Method::GET, url, true).await.map(Arc::new) },
            )
            .await
    }

    pub async fn service_principal(&self, id: &str) -> Result<ServicePrincipal, Error> {
        let url = self.host().url(&[
            "api",
            "2.0",
            "accounts",
            self.account_id(),
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
        let base = self.host().url(&[
            "api",
            "2.0",
            "accounts",
            self.account_id(),
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
        for pages in 0..MAX_PAGES {
            // Each page is a request of its own: an endless chain of pages that never needs a
            // retry still ends within the operation's time budget.
            if pages > 0 && self.budget.is_spent() {
                return Err(Error::on_request(
                    ErrorKind::InvalidResponse,
                    &label,
                    format!(
                        "the secret list had not ended after {pages} pages in {:.1} s, the whole time budget of the operation",
                        self.budget.elapsed().as_secs_f64()
                    ),
                )
                .with_limit(Limit::OperationTime(self.budget.total())));
            }
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
        )
        .with_limit(Limit::Pages(MAX_PAGES)))
    }
}

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
            )
            .with_limit(Limit::ListingBytes(limit)));
        }
        Ok(())
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
