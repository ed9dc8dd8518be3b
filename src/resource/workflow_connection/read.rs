//! ReadResource: re-check the connection and write what is observed. Never removes the
//! record: a broken credential is drift in `status`, not a deleted object.

use databricks_account_client::{VerifyInput, VerifyWith};
use time::OffsetDateTime;

use crate::protocol::backend::{ReadRequest, ReadResponse};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};

use super::Context;
use super::apply::label;
use super::model::{self, DEFAULT_EXPIRY_WARNING_DAYS, Target};
use super::report;

pub async fn read(ctx: &Context<'_>, request: ReadRequest) -> ReadResponse {
    let current = request.current_state;
    let unchanged = |state: Value, diagnostics: Diagnostics| ReadResponse {
        new_state: state,
        private: request.private.clone(),
        diagnostics,
    };
    let Some(target) = Target::from_value(&current) else {
        return unchanged(current, Diagnostics::new());
    };
    let connection = label(&current);

    // Management credentials of this account first (one token for every read), else the
    // connection's own stored secret.
    let credentials = match (
        ctx.management_for(&target.account_id),
        model::text(&current, "client_secret"),
    ) {
        (Some(m), _) => VerifyWith::Management(m.credentials()),
        (None, Some(secret)) => VerifyWith::OwnSecret(secret.into()),
        (None, None) => {
            let why = if model::text(&current, "status") == Some("unchecked") {
                "It was imported and no secret is recorded yet (the next apply verifies it with \
                 the configured secret), and the provider has no management credentials for this \
                 account, so there is nothing to check with; the record is left as it is. \
                 Configure the provider's account_id, client_id and client_secret to check \
                 imported connections when they are read."
            } else {
                "Its secret is write-only (never stored) and the provider has no management \
                 credentials for this account, so there is nothing to check with; the record \
                 is left as it is. Configure the provider's account_id, client_id and \
                 client_secret to detect drift of write-only connections."
            };
            return unchanged(
                current,
                Diagnostic::warning(format!("{connection} was not re-checked"), why).into(),
            );
        }
    };

    // An imported record does not know its client ID: the verification reads it from the
    // principal instead of comparing it.
    let input = VerifyInput {
        cloud: target.cloud,
        account_id: target.account_id.clone(),
        client_id: target.client_id.clone(),
        service_principal_id: target.service_principal_id.clone(),
        secret_id: target.secret_id.clone(),
        credentials,
        recorded_secret_expire_time: model::text(&current, "secret_expire_time")
            .map(str::to_string),
        secret_already_observed: false,
    };
    let outcome = match ctx.client.verify(&input, &ctx.cancel).await {
        Ok(outcome) => outcome,
        // Not drift: the check could not run. Keep the record and say why.
        Err(e) => {
            return unchanged(
                current,
                report::client_error(&format!("Re-checking {connection}"), &e).into(),
            );
        }
    };

    let mut state = current.clone();
    model::set(&mut state, "status", model::string(outcome.status.as_str()));
    if target.client_id.is_none()
        && let Some(learned) = outcome
            .service_principal
            .as_ref()
            .and_then(|p| p.application_id.as_deref())
    {
        model::set(&mut state, "client_id", model::string(learned));
    }
    if let Some(sp) = &outcome.service_principal {
        model::set(
            &mut state,
            "service_principal_name",
            model::optional_string(sp.display_name.as_deref()),
        );
    }
    if let Some(secret) = &outcome.secret {
        model::set(
            &mut state,
            "secret_create_time",
            model::optional_string(secret.create_time.as_deref()),
        );
        model::set(
            &mut state,
            "secret_expire_time",
            model::optional_string(secret.expire_time.as_deref()),
        );
    }

    let mut diagnostics: Diagnostics = outcome
        .failures
        .iter()
        .map(|f| report::drift(f, &connection))
        .collect();
    if outcome.is_verified() {
        let days = model::whole_number(&state, "expiry_warning_days")
            .unwrap_or(DEFAULT_EXPIRY_WARNING_DAYS);
        let expire = model::text(&state, "secret_expire_time");
        if let Some(w) =
            report::expiry_warning(expire, days, OffsetDateTime::now_utc(), &connection)
        {
            diagnostics.push(w);
        }
    }
    unchanged(state, diagnostics)
}
