//! ReadResource: re-check the connection and write what is observed. Never removes the
//! record: a broken credential is drift in `status`, not a deleted object. A check that
//! cannot run (network, malformed answers, refused management credentials) is an error and
//! changes nothing.

use databricks_account_client::{VerifyInput, VerifyWith};

use crate::protocol::backend::{ReadRequest, ReadResponse};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};

use super::attributes::{Attr, Status};
use super::model::{self, Target, label};
use super::report;
use super::{Context, import};

pub async fn read(ctx: &Context<'_>, request: ReadRequest) -> ReadResponse {
    let current = request.current_state;
    // Right after an import that could not check anything, whose warning already said so.
    let just_imported = request.private == import::UNCHECKED;
    let private = if just_imported {
        Vec::new()
    } else {
        request.private.clone()
    };
    let unchanged = |state: Value, diagnostics: Diagnostics| ReadResponse {
        new_state: state,
        private: private.clone(),
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
        model::text(&current, Attr::ClientSecret),
    ) {
        (Some(m), _) => VerifyWith::Management(m.credentials()),
        (None, Some(secret)) => VerifyWith::OwnSecret(secret.into()),
        (None, None) if just_imported => return unchanged(current, Diagnostics::new()),
        (None, None) => {
            let why = if model::status(&current) == Some(Status::Unchecked) {
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
        model::text(&current, Attr::SecretExpireTime).map(str::to_string),
    )
    // A secret's times never change once observed: with its own secret the token exchange
    // is proof enough (token + SCIM read, no list).
    .with_secret_already_observed(own && !model::is_null(&current, Attr::SecretCreateTime));
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
                    target.client_id.as_deref(),
                )
                .into(),
            );
        }
    };

    let mut state = current.clone();
    model::set_status(&mut state, outcome.status.into());
    if let Some(sp) = &outcome.service_principal {
        // An answer without a display name says nothing about it: the recorded name stays.
        if let Some(name) = sp.display_name.as_deref() {
            model::set(&mut state, Attr::ServicePrincipalName, model::string(name));
        }
        if target.client_id.is_none() {
            model::set(
                &mut state,
                Attr::ClientId,
                model::optional_string(sp.application_id.as_deref()),
            );
        }
    }
    if let Some(secret) = &outcome.secret {
        model::set(
            &mut state,
            Attr::SecretCreateTime,
            model::optional_string(secret.create_time.as_deref()),
        );
        model::set(
            &mut state,
            Attr::SecretExpireTime,
            model::optional_string(secret.expire_time.as_deref()),
        );
    }
    let diagnostics = report::drift(&outcome.failures, &connection)
        .map(Diagnostics::from)
        .unwrap_or_default();
    unchanged(state, diagnostics)
}
