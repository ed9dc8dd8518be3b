//! The run of a verification: token, service principal, secret list — every check that can
//! run does, so every reason is reported at once.

use time::OffsetDateTime;
use tracing::debug;

use super::checks::{
    not_admin_403, observe_principal, principal_failures, secret_checks, token_refused,
};
use super::times::parse_time;
use super::types::{CheckFailure, VerifyInput, VerifyOutcome, VerifyStatus, VerifyWith};
use crate::credentials::CredentialSource;
use crate::error::{CheckContext, Error, ErrorKind};
use crate::session::Session;

/// The checks in order: token (own credentials only) → service principal → secrets list.
pub(crate) async fn run(
    session: &Session<'_>,
    input: &VerifyInput,
) -> Result<VerifyOutcome, Error> {
    let run = Run::new(input);
    let mut outcome = VerifyOutcome {
        status: VerifyStatus::Verified,
        failures: Vec::new(),
        checked_with: run.context.credentials,
        service_principal: None,
        secret: None,
    };
    if let Some(refused) = run.token(session).await? {
        outcome.failures.push(refused);
        return Ok(run.finish(outcome));
    }
    let principal = run.principal(session, &mut outcome).await?;
    // A missing principal has no secrets to look at. A token issued for the connection's own
    // secret already proved it, once its times are on record.
    let proven_by_token = run.own() && input.secret_already_observed;
    if principal != Principal::Missing && !proven_by_token {
        run.secret(session, &mut outcome, principal).await?;
    }
    Ok(run.finish(outcome))
}

/// What the service principal read found, as far as the secret check cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Principal {
    Found,
    Missing,
    /// The connection's own credentials were refused with 403: not an Account Admin.
    AdminDenied,
}

/// One verification: its input, its clock, and the context its errors carry.
struct Run<'a> {
    input: &'a VerifyInput,
    now: OffsetDateTime,
    recorded_expiry: Option<OffsetDateTime>,
    context: CheckContext,
}

impl<'a> Run<'a> {
    fn new(input: &'a VerifyInput) -> Self {
        let (credentials, client_id) = match &input.credentials {
            VerifyWith::OwnSecret(_) => (CredentialSource::Own, input.client_id.clone()),
            VerifyWith::Management(m) => (CredentialSource::Management, Some(m.client_id.clone())),
        };
        Self {
            input,
            now: OffsetDateTime::now_utc(),
            recorded_expiry: input
                .recorded_secret_expire_time
                .as_deref()
                .and_then(parse_time),
            context: CheckContext {
                service_principal_id: input.service_principal_id.clone(),
                account_id: input.account_id.clone(),
                credentials,
                client_id,
            },
        }
    }

    fn own(&self) -> bool {
        self.context.credentials == CredentialSource::Own
    }

    fn failed(&self, e: Error) -> Error {
        e.with_context(self.context.clone())
    }

    /// With the connection's own secret a fresh exchange proves the secret, and a refusal is
    /// the outcome; with management credentials a cached token is fine and a refusal is an
    /// error.
    async fn token(&self, session: &Session<'_>) -> Result<Option<CheckFailure>, Error> {
        match session.token(self.own()).await {
            Ok(_) => Ok(None),
            Err(e) if self.own() && e.kind() == ErrorKind::CredentialsRejected => Ok(Some(
                token_refused(self.input, &e, self.recorded_expiry, self.now),
            )),
            Err(e) => Err(self.failed(e)),
        }
    }

    async fn principal(
        &self,
        session: &Session<'_>,
        outcome: &mut VerifyOutcome,
    ) -> Result<Principal, Error> {
        let input = self.input;
        match session.service_principal(&input.service_principal_id).await {
            Ok(principal) => {
                outcome
                    .failures
                    .extend(principal_failures(&principal, input));
                outcome.service_principal = Some(observe_principal(&principal));
                Ok(Principal::Found)
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {
                outcome.failures.push(CheckFailure {
                    status: VerifyStatus::ServicePrincipalNotFound,
                    reason: format!(
                        "service principal {} does not exist in account {} (the account SCIM API answered 404); check the service principal ID: it is the SCIM integer ID, not the application ID",
                        input.service_principal_id, input.account_id
                    ),
                });
                Ok(Principal::Missing)
            }
            Err(e) if self.own() && e.kind() == ErrorKind::PermissionDenied => {
                outcome
                    .failures
                    .push(not_admin_403(input, "the account SCIM API", &e));
                Ok(Principal::AdminDenied)
            }
            Err(e) => Err(self.failed(e)),
        }
    }

    async fn secret(
        &self,
        session: &Session<'_>,
        outcome: &mut VerifyOutcome,
        principal: Principal,
    ) -> Result<(), Error> {
        let input = self.input;
        match session.secrets(&input.service_principal_id).await {
            Ok(secrets) => {
                let (failures, observed) =
                    secret_checks(&secrets, input, self.recorded_expiry, self.now)
                        .map_err(|e| self.failed(e))?;
                outcome.failures.extend(failures);
                outcome.secret = observed;
            }
            Err(e) if e.kind() == ErrorKind::NotFound => outcome.failures.push(CheckFailure {
                status: VerifyStatus::SecretNotFound,
                reason: format!(
                    "the secret list of service principal {} answered 404, so secret {} cannot be found; check the service principal ID and the secret ID",
                    input.service_principal_id, input.secret_id
                ),
            }),
            Err(e) if self.own() && e.kind() == ErrorKind::PermissionDenied => {
                if principal != Principal::AdminDenied {
                    outcome
                        .failures
                        .push(not_admin_403(input, "the secret list", &e));
                }
            }
            Err(e) => return Err(self.failed(e)),
        }
        Ok(())
    }

    fn finish(&self, mut outcome: VerifyOutcome) -> VerifyOutcome {
        outcome.status = outcome
            .failures
            .first()
            .map_or(VerifyStatus::Verified, |f| f.status);
        debug!(
            service_principal_id = %self.input.service_principal_id,
            status = outcome.status.as_str(),
            failed_checks = outcome.failures.len(),
            "verification finished"
        );
        outcome
    }
}
