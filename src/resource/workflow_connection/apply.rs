//! ApplyResourceChange: create and update verify with the configured secret and record only
//! a verified connection; delete forgets, revoking the OAuth secret first when asked.

use databricks_account_client::{
    ClientCredentials, VerifyInput, VerifyOutcome, VerifyStatus, VerifyWith,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::protocol::backend::{ApplyRequest, ApplyResponse};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::protocol::path::AttributePath;
use crate::resource::Management;

use super::Context;
use super::model::{self, DEFAULT_EXPIRY_WARNING_DAYS, Target};
use super::report;

pub async fn apply(ctx: &Context<'_>, request: ApplyRequest) -> ApplyResponse {
    if request.planned_state.is_null() {
        return delete(ctx, request.prior_state).await;
    }
    // What Terraform keeps when this fails: nothing for a create, the old record otherwise.
    let fallback = request.prior_state.clone();
    match verify_and_record(
        ctx,
        &request.planned_state,
        &request.config,
        &request.prior_state,
    )
    .await
    {
        Ok((new_state, diagnostics)) => ApplyResponse {
            new_state,
            private: request.planned_private,
            diagnostics,
        },
        Err(diagnostics) => ApplyResponse {
            new_state: fallback,
            private: request.planned_private,
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
    let creating = prior.is_null();
    let not_recorded = if creating {
        "The connection was not recorded."
    } else {
        "The recorded connection was left unchanged."
    };
    let Some(target) = Target::from_value(planned) else {
        return Err(Diagnostic::error(
            "Incomplete connection",
            format!("cloud_provider, account_id, service_principal_id and secret_id must all be known to verify the connection. {not_recorded}"),
        )
        .into());
    };
    let Some((secret, secret_attribute)) = model::configured_secret(config) else {
        return Err(Diagnostic::error(
            "Missing client secret",
            format!("Set client_secret or client_secret_wo so the connection can be verified. {not_recorded}"),
        )
        .at(AttributePath::attr("client_secret"))
        .into());
    };
    let input = VerifyInput {
        cloud: target.cloud,
        account_id: target.account_id.clone(),
        client_id: Some(target.client_id.clone().unwrap_or_default()),
        service_principal_id: target.service_principal_id.clone(),
        secret_id: target.secret_id.clone(),
        credentials: VerifyWith::OwnSecret(secret),
        // An update keeps the secret (a new secret ID replaces the connection), so the expiry
        // recorded at the last check explains a refused token, as it does for a refresh.
        recorded_secret_expire_time: model::text(prior, "secret_expire_time").map(str::to_string),
        secret_already_observed: false,
    };
    let mut outcome = match ctx.client.verify(&input, &ctx.cancel).await {
        Ok(outcome) => outcome,
        Err(e) => {
            let mut d = report::client_error("Verifying the connection", &e);
            d.detail = format!("{} {not_recorded}", d.detail);
            return Err(d.into());
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
            .map(|f| report::check_failed(f, secret_attribute, not_recorded))
            .collect());
    }

    let now = OffsetDateTime::now_utc();
    let mut state = planned.clone();
    model::set(
        &mut state,
        "id",
        model::string(model::id_of(
            &target.account_id,
            &target.service_principal_id,
            &target.secret_id,
        )),
    );
    model::set(
        &mut state,
        "service_principal_name",
        model::optional_string(outcome.service_principal_name()),
    );
    model::set(
        &mut state,
        "secret_create_time",
        model::optional_string(outcome.secret_create_time()),
    );
    model::set(
        &mut state,
        "secret_expire_time",
        model::optional_string(outcome.secret_expire_time()),
    );
    model::set(&mut state, "verified_at", model::string(timestamp(now)));
    model::set(&mut state, "status", model::string("verified"));
    model::set(&mut state, "client_secret_wo", Value::Null);

    let mut diagnostics = Diagnostics::new();
    let days =
        model::whole_number(&state, "expiry_warning_days").unwrap_or(DEFAULT_EXPIRY_WARNING_DAYS);
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
    let input = VerifyInput {
        credentials: VerifyWith::Management(management.credentials()),
        ..own.clone()
    };
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

async fn delete(ctx: &Context<'_>, prior: Value) -> ApplyResponse {
    let keep = |prior: Value, diagnostics: Diagnostics| ApplyResponse {
        new_state: prior,
        private: Vec::new(),
        diagnostics,
    };
    if model::boolean(&prior, "revoke_secret_on_destroy") != Some(true) {
        return keep(Value::Null, Diagnostics::new());
    }
    let Some(target) = Target::from_value(&prior) else {
        return keep(Value::Null, Diagnostics::new());
    };
    let credentials = match (
        ctx.management_for(&target.account_id),
        model::text(&prior, "client_secret"),
    ) {
        (Some(m), _) => m.credentials(),
        (None, Some(secret)) => {
            ClientCredentials::new(target.client_id.clone().unwrap_or_default(), secret)
        }
        (None, None) => {
            return keep(
                prior,
                Diagnostic::error(
                    "Cannot revoke the OAuth secret",
                    "revoke_secret_on_destroy is true, but the secret is write-only (never stored) \
                     and the provider has no management credentials for this account. Configure \
                     the provider's account_id, client_id and client_secret, or set \
                     revoke_secret_on_destroy = false and apply before destroying.",
                )
                .at(AttributePath::attr("revoke_secret_on_destroy"))
                .into(),
            );
        }
    };
    let account = databricks_account_client::Account::new(target.cloud, target.account_id.clone());
    match ctx
        .client
        .delete_secret(
            &account,
            &target.service_principal_id,
            &target.secret_id,
            &credentials,
            &ctx.cancel,
        )
        .await
    {
        Ok(outcome) => {
            tracing::info!(secret_id = %target.secret_id, ?outcome, "revoked OAuth secret on destroy");
            keep(Value::Null, Diagnostics::new())
        }
        Err(e) => keep(
            prior,
            report::client_error("Revoking the OAuth secret", &e).into(),
        ),
    }
}

/// RFC 3339 in UTC, whole seconds.
pub fn timestamp(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// How a connection is named in diagnostics that have no attribute of their own.
pub fn label(state: &Value) -> String {
    model::text(state, "name")
        .map(|n| format!("connection {n:?}"))
        .or_else(|| model::text(state, "id").map(|id| format!("connection {id}")))
        .unwrap_or_else(|| "connection".into())
}
