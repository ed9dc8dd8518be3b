//! ApplyResourceChange: create and update check the configured secret and record only a
//! verified connection; a change the plan left fully known needs no check and is recorded as
//! planned; delete is in [`super::delete`].

use databricks_account_client::{VerifyInput, VerifyOutcome, VerifyStatus, VerifyWith};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::protocol::backend::{ApplyRequest, ApplyResponse};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::resource::Management;

use super::attributes::{Attr, Status};
use super::model::{self, DEFAULT_EXPIRY_WARNING_DAYS, Target, label};
use super::report;
use super::revoke;
use super::{Context, delete};

pub async fn apply(ctx: &Context<'_>, request: ApplyRequest) -> ApplyResponse {
    if request.planned_state.is_null() {
        let decision = revoke::decode(&request.planned_private);
        return delete::delete(ctx, request.prior_state, decision).await;
    }
    // Nothing in the plan is left to a check (only what the provider keeps for itself
    // changed): record it as planned, without contacting Databricks.
    if !request.prior_state.is_null() && request.planned_state.is_wholly_known() {
        let mut state = request.planned_state;
        model::set(&mut state, Attr::ClientSecretWo, Value::Null);
        ctx.ledger.applied(&state);
        return ApplyResponse {
            new_state: state,
            private: Vec::new(),
            diagnostics: Diagnostics::new(),
        };
    }
    match verify_and_record(
        ctx,
        &request.planned_state,
        &request.config,
        &request.prior_state,
    )
    .await
    {
        Ok((new_state, diagnostics)) => {
            ctx.ledger.applied(&new_state);
            ApplyResponse {
                new_state,
                private: Vec::new(),
                diagnostics,
            }
        }
        // What Terraform keeps when this fails: nothing for a create, the old record (and
        // its private data) for an update.
        Err(diagnostics) => ApplyResponse {
            new_state: request.prior_state,
            private: Vec::new(),
            diagnostics,
        },
    }
}

async fn verify_and_record(
    ctx: &Context<'_>,
    planned: &Value,
    config: &Value,
    prior: &Value,
) -> Result<(Value, Diagnostics), Diagnostics> {
    let not_recorded = if prior.is_null() {
        "The connection was not recorded."
    } else {
        "The recorded connection was left unchanged."
    };
    let Some(target) = Target::from_value(planned) else {
        return Err(Diagnostic::error(
            "Incomplete connection",
            format!(
                "cloud_provider, account_id, service_principal_id and secret_id must all be \
                 known to verify the connection. {not_recorded}"
            ),
        )
        .into());
    };
    // Pointing at the resource, not at the secret argument: its line would be the secret.
    let Some((secret, _)) = model::configured_secret(config) else {
        return Err(Diagnostic::error(
            "Missing client secret",
            format!(
                "Set client_secret or client_secret_wo so the connection can be verified. \
                 {not_recorded}"
            ),
        )
        .into());
    };
    let input = VerifyInput::new(
        target.cloud,
        target.account_id.clone(),
        target.client_id.clone(),
        target.service_principal_id.clone(),
        target.secret_id.clone(),
        VerifyWith::OwnSecret(secret),
    )
    // An update keeps the secret (a new secret ID replaces the connection), so the expiry
    // recorded at the last check explains a refused token, as it does for a refresh.
    .with_recorded_secret_expire_time(
        model::text(prior, Attr::SecretExpireTime).map(str::to_string),
    );
    // Create and update read the secret list: they record what it says, so
    // `secret_already_observed` stays false.
    let mut outcome = match ctx.client.verify(&input, &ctx.cancel).await {
        Ok(outcome) => outcome,
        Err(e) => {
            return Err(report::client_error(
                "Verifying the connection",
                &e,
                not_recorded,
                target.client_id.as_deref(),
            )
            .into());
        }
    };
    if outcome.status == VerifyStatus::CredentialsRejected
        && let Some(management) = ctx.management_for(&target.account_id)
        && let Some(precise) = diagnose_refusal(ctx, &input, management).await
    {
        outcome = precise;
    }
    if !outcome.is_verified() {
        return Err(outcome
            .failures
            .iter()
            .map(|f| report::check_failed(f, not_recorded))
            .collect());
    }

    let now = OffsetDateTime::now_utc();
    let mut state = planned.clone();
    if let Some(id) = model::id_from(&state) {
        model::set(&mut state, Attr::Id, model::string(id));
    }
    model::set(
        &mut state,
        Attr::ServicePrincipalName,
        model::optional_string(outcome.service_principal_name()),
    );
    model::set(
        &mut state,
        Attr::SecretCreateTime,
        model::optional_string(outcome.secret_create_time()),
    );
    model::set(
        &mut state,
        Attr::SecretExpireTime,
        model::optional_string(outcome.secret_expire_time()),
    );
    model::set(&mut state, Attr::VerifiedAt, model::string(timestamp(now)));
    model::set_status(&mut state, Status::Verified);
    model::set(&mut state, Attr::ClientSecretWo, Value::Null);

    let mut diagnostics = Diagnostics::new();
    let days =
        model::whole_number(&state, Attr::ExpiryWarningDays).unwrap_or(DEFAULT_EXPIRY_WARNING_DAYS);
    if let Some(w) = report::expiry_warning(outcome.secret_expire_time(), days, now, &label(&state))
    {
        diagnostics.push(w);
    }
    Ok((state, diagnostics))
}

/// A refused token says only that the client ID and secret did not work. When the provider
/// has management credentials for the account, they can see why (principal deactivated or
/// deleted, role lost, secret inactive, expired or deleted): the precise failures, each
/// pointing at its attribute, replace the generic refusal. None when the management check
/// finds nothing wrong (the secret value itself is wrong) or cannot run.
async fn diagnose_refusal(
    ctx: &Context<'_>,
    own: &VerifyInput,
    management: &Management,
) -> Option<VerifyOutcome> {
    let mut input = own.clone();
    input.credentials = VerifyWith::Management(management.credentials());
    match ctx.client.verify(&input, &ctx.cancel).await {
        Ok(mut outcome) if !outcome.is_verified() => {
            for failure in &mut outcome.failures {
                failure.reason = format!(
                    "Databricks refused client ID {} with this client secret, and the provider's \
                     management credentials show why: {}",
                    own.client_id.as_deref().unwrap_or_default(),
                    failure.reason
                );
            }
            Some(outcome)
        }
        Ok(_) => None,
        Err(e) => {
            tracing::debug!(error = %e, "could not diagnose a refused token with the management credentials");
            None
        }
    }
}

/// RFC 3339 in UTC, whole seconds.
pub fn timestamp(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}
