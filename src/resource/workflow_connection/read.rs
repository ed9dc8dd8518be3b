//! ReadResource: re-check the connection and write what is observed. Never removes the
//! record: a broken credential is drift in `status`, not a deleted object. A check that
//! cannot run (network, malformed answers, refused management credentials) is an error and
//! changes nothing.

use databricks_account_client::{VerifyInput, VerifyWith};

use crate::protocol::backend::{ReadRequest, ReadResponse};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};

use super::Context;
use super::model::{self, Target, label};
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
    let own = matches!(credentials, VerifyWith::OwnSecret(_));

    let input = VerifyInput::new(
        target.cloud,
        target.account_id.clone(),
        // An imported record does not know its client ID: the check reads it from the
        // principal instead of comparing it.
        target.client_id.clone(),
        target.service_principal_id.clone(),
        target.secret_id.clone(),
        credentials,
    )
    .with_recorded_secret_expire_time(
        model::text(&current, "secret_expire_time").map(str::to_string),
    )
    // A secret's times never change once observed: with its own secret the token exchange
    // is proof enough (token + SCIM read, no list).
    .with_secret_already_observed(own && !model::is_null(&current, "secret_create_time"));
    let outcome = match ctx.client.verify(&input, &ctx.cancel).await {
        Ok(outcome) => outcome,
        // Not drift: the check could not run. Keep the record and say why.
        Err(e) => {
            return unchanged(
                current,
                report::client_error(
                    &format!("Re-checking {connection}"),
                    &e,
                    "Nothing was changed.",
                )
                .into(),
            );
        }
    };

    let mut state = current.clone();
    model::set(&mut state, "status", model::string(outcome.status.as_str()));
    if let Some(sp) = &outcome.service_principal {
        // An answer without a display name says nothing about it: the recorded name stays.
        if let Some(name) = sp.display_name.as_deref() {
            model::set(&mut state, "service_principal_name", model::string(name));
        }
        if target.client_id.is_none() {
            model::set(
                &mut state,
                "client_id",
                model::optional_string(sp.application_id.as_deref()),
            );
        }
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
    let diagnostics = report::drift(&outcome.failures, &connection)
        .map(Diagnostics::from)
        .unwrap_or_default();
    unchanged(state, diagnostics)
}
