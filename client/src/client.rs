//! The client: shared state and the account API operations.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use reqwest::Method;
use tokio_util::sync::CancellationToken;

use crate::coalesce::Coalescer;
use crate::config::{ClientConfig, ConfigError};
use crate::credentials::ClientCredentials;
use crate::error::{Endpoint, Error, ErrorKind, Operation};
use crate::host::{AccountHost, Cloud};
use crate::http::Http;
use crate::oauth::TokenCache;
use crate::scim::ServicePrincipal;
use crate::secrets::{DeleteOutcome, SecretInfo};
use crate::session::{Session, Shared};
use crate::verify::{self, VerifyInput, VerifyOutcome, VerifyWith};

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
    shared: Shared,
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
                shared: Shared {
                    http,
                    tokens,
                    gets: Coalescer::new(),
                },
            }),
        })
    }

    /// Forgets the management reads kept for reuse (see
    /// [`ClientConfig::management_read_reuse`]), so no later verification sees an answer
    /// older than this call. Call it when a new run of checks begins (a long-lived process
    /// that serves several runs), so reuse never crosses runs.
    pub fn forget_shared_reads(&self) {
        self.inner.shared.gets.forget_recent();
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
        cancellable(cancel, Operation::TokenRequest, async {
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
            Operation::ServicePrincipalLookup,
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
        cancellable(
            cancel,
            Operation::SecretList,
            session.secrets(service_principal_id),
        )
        .await
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
        let url = session.host().url(&[
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
        // Whether the DELETE went out: a cancellation after that cannot say whether the secret
        // is gone.
        let sent = AtomicBool::new(false);
        let label = format!("{} {url}", Method::DELETE);
        let result = cancellable(cancel, Operation::SecretDeletion, async {
            session.token(false).await?;
            sent.store(true, Ordering::Relaxed);
            match session.send(Method::DELETE, url, false).await {
                Ok(_) => Ok(DeleteOutcome::Deleted),
                Err(e) if e.kind() == ErrorKind::NotFound => Ok(DeleteOutcome::AlreadyGone),
                Err(e) => Err(e),
            }
        })
        .await;
        match result {
            Err(e) if e.kind() == ErrorKind::Cancelled && sent.load(Ordering::Relaxed) => {
                Err(e.in_flight(&label, Endpoint::Api))
            }
            other => other,
        }
    }

    /// The connection check (token, service principal, secret list); see [`VerifyInput`] and
    /// [`VerifyOutcome`].
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
        cancellable(
            cancel,
            Operation::Verification,
            verify::run(&session, input),
        )
        .await
    }

    fn session<'a>(
        &'a self,
        account: &'a Account,
        credentials: &'a ClientCredentials,
    ) -> Session<'a> {
        Session::new(
            &self.inner.shared,
            self.host(account.cloud),
            &account.account_id,
            credentials,
            self.inner.config.retry_timeout,
        )
    }
}

/// Runs `fut` unless `cancel` fires first; then the future is dropped, which aborts its
/// request in flight or its wait.
async fn cancellable<T>(
    cancel: &CancellationToken,
    operation: Operation,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(Error::cancelled(operation)),
        result = fut => result,
    }
}
