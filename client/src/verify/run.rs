//! The run of a verification: token, service principal, secret list — every check that can
//! run does, so every reason is reported at once.

use time::OffsetDateTime;
use tracing::debug;

use super::checks::{
    not_admin_403, observe_principal, principal_failures, secret_checks, token_refused,
};
use super::times::parse_time;
use super::types::{
    CheckFailure, CredentialSource, VerifyInput, VerifyOutcome, VerifyStatus, VerifyWith,
};
use crate::error::{Error, ErrorKind};
use crate::session::Session;

/// The checks in order: token (own credentials only) → service principal →
/// secrets list. Every check that can run does, so every reason is reported at once.
pub(crate) async fn run(
    session: &Session<'_>,
    input: &VerifyInput,
) -> Result<VerifyOutcome, Error> {
    let now = OffsetDateTime::now_utc();
    let recorded_expiry = input
        .recorded_secret_expire_time
        .as_deref()
        .and_then(parse_time);
    let client_id = input.client_id.as_deref().unwrap_or("(not known yet)");
    let (source, context) = match &input.credentials {
        VerifyWith::OwnSecret(_) => (
            CredentialSource::Own,
            format!(
                "verifying service principal {} with its own client ID {client_id}",
                input.service_principal_id
            ),
        ),
        VerifyWith::Management(m) => (
            CredentialSource::Management,
            format!(
                "verifying service principal {} with the management credentials (client ID {})",
                input.service_principal_id, m.client_id
            ),
        ),
    };
    let own = source == CredentialSource::Own;
    let mut outcome = VerifyOutcome {
        status: VerifyStatus::Verified,
        failures: Vec::new(),
        checked_with: source,
        service_principal: None,
        secret: None,
    };

    // 1. Token. With the connection's own secret a fresh exchange proves the secret; with
    //    management credentials a cached token is fine and a refusal is an error.
    match session.token(own).await {
        Ok(_) => {}
        Err(e) if own && e.kind() == ErrorKind::CredentialsRejected => {
            outcome
                .failures
                .push(token_refused(input, &e, recorded_expiry, now));
            return Ok(finish(outcome, input));
        }
        Err(e) => return Err(e.with_context(context)),
    }

    // 2. The service principal.
    let mut principal_found = false;
    let mut admin_denied = false;
    match session.service_principal(&input.service_principal_id).await {
        Ok(principal) => {
            principal_found = true;
            outcome.failures.extend(principal_failures(&principal, input));
            outcome.service_principal = Some(observe_principal(&principal));
        }
        Err(e) if e.kind() == ErrorKind::NotFound => outcome.failures.push(CheckFailure {
            status: VerifyStatus::ServicePrincipalNotFound,
            reason: format!(
                "service principal {} does not exist in account {} (the account SCIM API answered 404); check the service principal ID: it is the SCIM integer ID, not the application ID",
                input.service_principal_id, input.account_id
            ),
        }),
        Err(e) if own && e.kind() == ErrorKind::PermissionDenied => {
            admin_denied = true;
            outcome.failures.push(not_admin_403(input, "the account SCIM API", &e));
        }
        Err(e) => return Err(e.with_context(context)),
    }

    // 3. The secret (a missing principal has no secrets to look at). A token issued for the
    //    connection's own secret already proved it, once its times are on record.
    let proven_by_token = own && input.secret_already_observed;
    if (principal_found || admin_denied) && !proven_by_token {
        match session.secrets(&input.service_principal_id).await {
            Ok(secrets) => {
                let (failures, observed) = secret_checks(&secrets, input, recorded_expiry, now)
                    .map_err(|e| e.with_context(context.clone()))?;
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
            Err(e) if own && e.kind() == ErrorKind::PermissionDenied => {
                if !admin_denied {
                    outcome.failures.push(not_admin_403(input, "the secret list", &e));
                }
            }
            Err(e) => return Err(e.with_context(context)),
        }
    }
    Ok(finish(outcome, input))
}

fn finish(mut outcome: VerifyOutcome, input: &VerifyInput) -> VerifyOutcome {
    outcome.status = outcome
        .failures
        .first()
        .map_or(VerifyStatus::Verified, |f| f.status);
    debug!(
        service_principal_id = %input.service_principal_id,
        status = outcome.status.as_str(),
        failed_checks = outcome.failures.len(),
        "verification finished"
    );
    outcome
}
