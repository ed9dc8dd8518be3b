//! Delete: forget the record, revoking the OAuth secret first when
//! `revoke_secret_on_destroy` is true and the plan did not find it in use.
//!
//! A destroy never gets stuck on a dead secret: a secret Databricks no longer accepts cannot
//! be used by anyone, so it counts as revoked (with a warning that says which way it died),
//! and with management credentials a 404 from the delete means it is already gone.

use databricks_account_client::{
    Account, ClientCredentials, Endpoint, ErrorKind, TransportFailure,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::protocol::backend::ApplyResponse;
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};

use super::Context;
use super::attributes::Attr;
use super::model::{self, Target, label};
use super::report;
use super::revoke::{Decision, FORGET_WITHOUT_DESTROY};

/// `decision` comes from the plan; without one (a plan made without it) the flag decides.
pub async fn delete(ctx: &Context<'_>, prior: Value, decision: Option<Decision>) -> ApplyResponse {
    let forgotten = |diagnostics: Diagnostics| ApplyResponse {
        new_state: Value::Null,
        private: Vec::new(),
        diagnostics,
    };
    let kept = |prior: Value, diagnostic: Diagnostic| ApplyResponse {
        new_state: prior,
        private: Vec::new(),
        diagnostics: diagnostic.into(),
    };
    if model::boolean(&prior, Attr::RevokeSecretOnDestroy) != Some(true) {
        return forgotten(Diagnostics::new());
    }
    let connection = label(&prior);
    let Some(target) = Target::from_value(&prior) else {
        return forgotten(unusable_ids(&connection).into());
    };
    if let Some(Decision::Keep { reason }) = decision {
        return forgotten(
            Diagnostic::warning(
                format!("OAuth secret not revoked ({connection})"),
                format!(
                    "revoke_secret_on_destroy is true, but {reason}, so secret {} stays. The \
                     connection was forgotten.",
                    target.secret_id
                ),
            )
            .into(),
        );
    }

    let not_forgotten = "The connection is still recorded; nothing was deleted.";
    let management = ctx.management_for(&target.account_id);
    let credentials = match (management, model::text(&prior, Attr::ClientSecret)) {
        (Some(m), _) => m.credentials(),
        (None, Some(secret)) => {
            ClientCredentials::new(target.client_id.clone().unwrap_or_default(), secret)
        }
        (None, None) => {
            return kept(
                prior,
                Diagnostic::error(
                    "Cannot revoke the OAuth secret",
                    format!(
                        "revoke_secret_on_destroy is true, but the secret is write-only (never \
                         stored) and the provider has no management credentials for account {}. \
                         Configure the provider's account_id, client_id and client_secret, or set \
                         revoke_secret_on_destroy = false and apply before destroying. \
                         {FORGET_WITHOUT_DESTROY} {not_forgotten}",
                        target.account_id
                    ),
                )
                .at(Attr::RevokeSecretOnDestroy.path()),
            );
        }
    };
    let account = Account::new(target.cloud, target.account_id.clone());
    let result = ctx
        .client
        .delete_secret(
            &account,
            &target.service_principal_id,
            &target.secret_id,
            &credentials,
            &ctx.cancel,
        )
        .await;
    match result {
        Ok(outcome) => {
            tracing::info!(secret_id = %target.secret_id, ?outcome, "revoked OAuth secret on destroy");
            forgotten(Diagnostics::new())
        }
        // Only the connection's own secret can be refused this way: it is dead already.
        Err(e) if management.is_none() && e.kind() == ErrorKind::CredentialsRejected => {
            forgotten(dead_secret(&prior, &target, &connection, &e).into())
        }
        Err(e) => {
            let outcome = if may_have_deleted(&e) {
                "The connection is still recorded; the secret may or may not have been deleted: \
                 a later destroy treats a secret Databricks refuses as already revoked."
            } else {
                not_forgotten
            };
            let mut d = report::client_error(
                "Revoking the OAuth secret",
                &e,
                outcome,
                target.client_id.as_deref(),
            );
            if e.kind() == ErrorKind::PermissionDenied {
                let advice = match management {
                    Some(m) => format!(
                        "The provider's management principal (client ID {}) needs the Account \
                         Admin role in account {} to delete secrets: grant it, or set \
                         revoke_secret_on_destroy = false and apply before destroying.",
                        m.client_id, target.account_id
                    ),
                    None => "The service principal cannot delete its own secrets without the \
                             Account Admin role: configure the provider's management \
                             credentials, or set revoke_secret_on_destroy = false and apply \
                             before destroying."
                        .to_owned(),
                };
                d.detail = format!("{} {advice} {FORGET_WITHOUT_DESTROY}", d.detail);
            }
            kept(prior, d)
        }
    }
}

/// Whether the DELETE went out and its outcome is unknown: cancelled in flight, or no definite
/// refusal came back (a 5xx, a timeout, a broken connection). A 4xx, a failure to get a token
/// or a connection that never opened means the secret is untouched.
fn may_have_deleted(e: &databricks_account_client::Error) -> bool {
    let failure = e.last_cause().unwrap_or(e);
    if e.endpoint() != Some(Endpoint::Api) {
        return false;
    }
    if e.kind() == ErrorKind::Cancelled {
        return true;
    }
    if failure.status().is_some_and(|s| (400..500).contains(&s)) {
        return false;
    }
    !failure.transport().is_some_and(|t| {
        t.is_tls()
            || matches!(
                t,
                TransportFailure::NameNotResolved
                    | TransportFailure::Refused
                    | TransportFailure::ProxyRefused
                    | TransportFailure::ProxyTunnel
            )
    })
}

/// A recorded identity that cannot name a secret in a request (a state written before IDs were
/// validated): nothing is sent, and the record is forgotten.
fn unusable_ids(connection: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("OAuth secret not revoked ({connection})"),
        "revoke_secret_on_destroy is true, but the recorded IDs cannot name an OAuth secret in a \
         request to Databricks (account_id must be a UUID, service_principal_id decimal digits \
         and secret_id hexadecimal digits), so nothing was sent. The connection was forgotten; \
         if the secret should go, delete it in the account console.",
    )
}

/// The warning for a secret Databricks refused while it was being revoked.
fn dead_secret(
    prior: &Value,
    target: &Target,
    connection: &str,
    refusal: &databricks_account_client::Error,
) -> Diagnostic {
    let expired_at = model::text(prior, Attr::SecretExpireTime).filter(|t| {
        OffsetDateTime::parse(t, &Rfc3339).is_ok_and(|t| t <= OffsetDateTime::now_utc())
    });
    let secret = &target.secret_id;
    let (summary, detail) = match expired_at {
        Some(at) => (
            "OAuth secret already expired",
            format!(
                "Secret {secret} could not be revoked because its recorded expiry {at} has \
                 passed. An expired secret cannot be used, so it counts as revoked and the \
                 connection was forgotten."
            ),
        ),
        None => (
            "OAuth secret no longer accepted",
            format!(
                "Secret {secret} could not be revoked because Databricks refused client ID {} \
                 with it ({}): the secret was deleted, deactivated or has expired, or the service \
                 principal was deactivated or deleted. A secret Databricks refuses cannot be \
                 used, so it counts as revoked and the connection was forgotten. A deactivated \
                 secret, or the secret of a deactivated principal, may still exist: if either \
                 may be activated again, delete the secret in the account console.",
                target.client_id.as_deref().unwrap_or_default(),
                refusal.code().unwrap_or("refused")
            ),
        ),
    };
    Diagnostic::warning(format!("{summary} ({connection})"), detail)
}
