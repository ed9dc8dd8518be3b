//! PlanResourceChange for the connection: defaults, write-only nulls, replacement paths,
//! which values a check will observe (unknown until then), what a destroy does with the
//! secret, and the expiry warning. No network.

use time::OffsetDateTime;

use crate::protocol::backend::{PlanRequest, PlanResponse};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::protocol::path::AttributePath;
use crate::resource::Management;

use super::attributes::{Attr, Role, Status};
use super::model::{self, DEFAULT_EXPIRY_WARNING_DAYS};
use super::report;
use super::revoke::{self, Ledger};

/// What planning needs from the provider besides the request.
pub struct PlanContext<'a> {
    /// The secrets this walk's connections keep and would revoke.
    pub ledger: &'a Ledger,
    /// The provider's management credentials: `Some(None)` when it has none, `None` while its
    /// configuration is not known yet.
    pub management: Option<Option<&'a Management>>,
}

impl PlanContext<'_> {
    /// Whether a destroy could revoke the secret of `object`, whose secret is not stored
    /// (write-only): only with management credentials of its account. `None`: not known yet.
    fn can_revoke_unstored_secret(&self, object: &Value) -> Option<bool> {
        let account = model::text(object, Attr::AccountId)?;
        self.management
            .map(|m| m.is_some_and(|m| m.is_for(account)))
    }
}

pub fn plan(request: PlanRequest, ctx: &PlanContext<'_>) -> PlanResponse {
    let PlanRequest {
        prior_state,
        proposed_new_state,
        config,
        prior_private,
        ..
    } = request;
    if proposed_new_state.is_null() {
        return plan_destroy(&prior_state, ctx);
    }
    let mut planned = proposed_new_state;
    apply_defaults(&mut planned, &config);
    // Write-only values never appear in a plan.
    model::set(&mut planned, Attr::ClientSecretWo, Value::Null);

    let mut planned_response = if prior_state.is_null() {
        plan_create(planned, &prior_private, ctx.ledger)
    } else {
        let replaced = identity_changes(&prior_state, &planned);
        if replaced.is_empty() {
            plan_update(&prior_state, planned, ctx.ledger)
        } else {
            plan_replacement(&prior_state, planned, replaced, ctx)
        }
    };
    let planned = &planned_response.planned_state;
    if revokes_on_destroy(planned)
        && model::is_null(planned, Attr::ClientSecret)
        && ctx.can_revoke_unstored_secret(planned) == Some(false)
    {
        let warning = cannot_revoke_write_only(planned, false);
        planned_response.diagnostics.push(warning);
    }
    planned_response
}

/// A destroy plans absence, and decides what the delete does with the secret.
fn plan_destroy(prior: &Value, ctx: &PlanContext<'_>) -> PlanResponse {
    let mut response = response_for(Value::Null);
    if !revokes_on_destroy(prior) {
        return response;
    }
    // Refused here rather than half-way through a destroy of many objects.
    if model::is_null(prior, Attr::ClientSecret)
        && ctx.can_revoke_unstored_secret(prior) == Some(false)
    {
        response
            .diagnostics
            .push(cannot_revoke_write_only(prior, true));
        return response;
    }
    match ctx.ledger.destroy(prior) {
        Ok(decision) => {
            if decision == revoke::Decision::Revoke {
                response
                    .diagnostics
                    .push(revocation_warning(prior, false, ctx.management));
            }
            response.planned_private = revoke::encode(&decision);
        }
        Err(d) => response.diagnostics.push(d),
    }
    response
}

/// Says, in the plan, that applying it deletes an OAuth secret: whatever else uses the secret
/// and this plan cannot see loses access with it. When the last refresh found the secret
/// already gone or refused, says instead that nothing will be revoked.
fn revocation_warning(
    prior: &Value,
    replacing: bool,
    management: Option<Option<&Management>>,
) -> Diagnostic {
    let what = |attr| model::text(prior, attr).unwrap_or("(unknown)");
    let destroy = if replacing {
        "replacing this connection destroys the recorded one, which"
    } else {
        "destroying this connection"
    };
    if let Some(nothing) = nothing_to_revoke(prior, management) {
        return Diagnostic::warning(
            format!("{} ({})", nothing.summary, model::label(prior)),
            format!(
                "revoke_secret_on_destroy is true, but the last refresh found that {}, so \
                 {destroy} revokes nothing: {}",
                nothing.found, nothing.outcome
            ),
        );
    }
    let keep = if replacing {
        String::new()
    } else {
        format!(" {}", revoke::FORGET_WITHOUT_DESTROY)
    };
    Diagnostic::warning(
        format!("OAuth secret will be revoked ({})", model::label(prior)),
        format!(
            "revoke_secret_on_destroy is true, so {destroy} deletes OAuth secret {} of service \
             principal {} in Databricks account {}. Anything else that uses this secret loses \
             access with it, including what this plan cannot see: connections in other \
             Terraform workspaces or configurations, under another provider alias, left out by \
             -target, or set up by hand in Okta Workflows. To keep the secret, set \
             revoke_secret_on_destroy = false and apply that first.{keep}",
            what(Attr::SecretId),
            what(Attr::ServicePrincipalId),
            what(Attr::AccountId),
        ),
    )
}

/// A secret the last refresh found gone or refused, and what the delete does with it.
struct NothingToRevoke {
    summary: &'static str,
    /// Completes "the last refresh found that …".
    found: String,
    /// What the delete does instead, as sentences.
    outcome: String,
}

/// What the delete does for the recorded status, when that is not a revocation: a secret or
/// principal that is gone counts as revoked (a 404, or a refused token, on delete), and so
/// does a secret Databricks refuses when the delete can only sign in with it. With management
/// credentials for the account, a refused secret may still exist (deactivated) and is deleted.
fn nothing_to_revoke(
    prior: &Value,
    management: Option<Option<&Management>>,
) -> Option<NothingToRevoke> {
    let what = |attr| model::text(prior, attr).unwrap_or("(unknown)");
    let status = Status::parse(model::text(prior, Attr::Status)?)?;
    let gone = "Databricks has nothing left to delete, so the destroy counts the secret as \
                revoked and forgets the connection."
        .to_owned();
    match status {
        Status::ServicePrincipalNotFound => Some(NothingToRevoke {
            summary: "OAuth secret already gone",
            found: format!(
                "service principal {} no longer exists (status \"{status}\"), and its secrets \
                 went with it",
                what(Attr::ServicePrincipalId)
            ),
            outcome: gone,
        }),
        Status::SecretNotFound => Some(NothingToRevoke {
            summary: "OAuth secret already gone",
            found: format!(
                "OAuth secret {} no longer exists (status \"{status}\")",
                what(Attr::SecretId)
            ),
            outcome: gone,
        }),
        Status::CredentialsRejected | Status::SecretExpired => {
            let account = model::text(prior, Attr::AccountId)?;
            // Only without management credentials for the account is the refused secret all
            // the delete can sign in with.
            if management?.is_some_and(|m| m.is_for(account)) {
                return None;
            }
            let (summary, found) = if status == Status::SecretExpired {
                (
                    "OAuth secret already expired",
                    format!(
                        "OAuth secret {} has expired (status \"{status}\")",
                        what(Attr::SecretId)
                    ),
                )
            } else {
                (
                    "OAuth secret already refused",
                    format!(
                        "Databricks refuses client ID {} with this secret (status \"{status}\")",
                        what(Attr::ClientId)
                    ),
                )
            };
            Some(NothingToRevoke {
                summary,
                found,
                outcome: "without management credentials for the account the destroy can \
                          only sign in with that secret; Databricks refuses it, so the secret \
                          counts as revoked and the connection is forgotten. A deactivated \
                          secret, or the secret of a deactivated principal, still exists: if \
                          either may be activated again, delete the secret in the account \
                          console."
                    .to_owned(),
            })
        }
        _ => None,
    }
}

/// A create, or the second plan call of a replacement, whose prior private data is the first
/// call's: it holds the old object's revocation decision, which the delete half of the
/// replacement receives from this call.
fn plan_create(mut planned: Value, prior_private: &[u8], ledger: &Ledger) -> PlanResponse {
    plan_verification(&mut planned);
    let kept = ledger.keep(&planned);
    let mut response = response_for(planned);
    if let Some(decision) = revoke::decode(prior_private) {
        response.planned_private = revoke::encode(&decision);
    }
    if let Err(d) = kept {
        response.diagnostics.push(d);
    }
    response
}

/// The identity attributes whose planned value names another object than the recorded one.
fn identity_changes(prior: &Value, planned: &Value) -> Vec<AttributePath> {
    Attr::identity()
        // An imported record does not know `client_id` yet (null): learning it from the
        // configuration is an update, not a new object.
        .filter(|&attr| !model::is_null(prior, attr))
        .filter(|&attr| {
            let same =
                model::same_identity(attr, model::get(planned, attr), model::get(prior, attr));
            !same || model::is_unknown(planned, attr)
        })
        .map(Attr::path)
        .collect()
}

/// The first call of a replacement; Terraform plans the new object in a second call. Decided
/// here, where both objects are known: what the old one's destroy does with its secret.
fn plan_replacement(
    prior: &Value,
    mut planned: Value,
    replaced: Vec<AttributePath>,
    ctx: &PlanContext<'_>,
) -> PlanResponse {
    let ledger = ctx.ledger;
    plan_verification(&mut planned);
    let decision = if revokes_on_destroy(prior) {
        ledger.replace(prior, &planned).map(Some)
    } else {
        // The old object holds its secret until it is destroyed, and for good if its
        // replacement fails: another connection's destroy must not revoke it.
        ledger.keep(prior).map(|()| None)
    };
    let mut response = response_for(planned);
    response.requires_replace = replaced;
    match decision {
        Ok(Some(decision)) => {
            if decision == revoke::Decision::Revoke {
                response
                    .diagnostics
                    .push(revocation_warning(prior, true, ctx.management));
            }
            response.planned_private = revoke::encode(&decision);
        }
        Ok(None) => {}
        Err(d) => response.diagnostics.push(d),
    }
    response
}

/// An update in place: checked when an argument Databricks must confirm changed or the
/// recorded status is a failure; otherwise the recorded observations stand.
fn plan_update(prior: &Value, mut planned: Value, ledger: &Ledger) -> PlanResponse {
    let mut diagnostics = Diagnostics::new();
    match (change(prior, &planned), recorded_failure(prior)) {
        (Change::NeedsCheck, _) | (Change::None, true) => plan_verification(&mut planned),
        _ => {
            // Nothing to check. The ID follows a change of case of an identity value.
            if let Some(id) = model::id_from(&planned) {
                model::set(&mut planned, Attr::Id, model::string(id));
            }
            if let Some(w) = expiry_warning(&planned) {
                diagnostics.push(w);
            }
        }
    }
    if let Err(d) = ledger.keep(&planned) {
        diagnostics.push(d);
    }
    let mut response = response_for(planned);
    response.diagnostics = diagnostics;
    // Terraform may still replace the object (`-replace`, `replace_triggered_by`) without
    // asking: its new object then names the same secret, so the delete half of that
    // replacement, which receives this decision, must keep it.
    if revokes_on_destroy(prior) {
        response.planned_private = revoke::encode(&revoke::Decision::Keep {
            reason: "the connection that replaces it uses the same secret".into(),
        });
    }
    response
}

/// A plan of `state` that replaces nothing, carries no private data and says nothing yet.
fn response_for(state: Value) -> PlanResponse {
    PlanResponse {
        planned_state: state,
        requires_replace: Vec::new(),
        planned_private: Vec::new(),
        diagnostics: Diagnostics::new(),
    }
}

/// Whether the recorded status is one a person must act on: any but `verified` and
/// `unchecked`, including one this provider does not know.
fn recorded_failure(prior: &Value) -> bool {
    model::text(prior, Attr::Status)
        .is_some_and(|s| Status::parse(s).is_none_or(|s| !s.is_healthy()))
}

fn revokes_on_destroy(prior: &Value) -> bool {
    model::boolean(prior, Attr::RevokeSecretOnDestroy) == Some(true)
}

/// A write-only connection with `revoke_secret_on_destroy` and no management credentials for
/// its account: its destroy cannot revoke (an error when it is planned, a warning before).
fn cannot_revoke_write_only(object: &Value, destroying: bool) -> Diagnostic {
    let account = model::text(object, Attr::AccountId).unwrap_or_default();
    let (lead, severity_note) = if destroying {
        (
            format!("This plan destroys {}", model::label(object)),
            format!(
                "Nothing was changed. Configure the provider's management credentials \
                 (account_id, client_id, client_secret) for this account, or set \
                 revoke_secret_on_destroy = false and apply that first. {}",
                revoke::FORGET_WITHOUT_DESTROY
            ),
        )
    } else {
        (
            format!("{} is planned", model::label(object)),
            "Its destroy will fail until the provider has management credentials \
             (account_id, client_id, client_secret) for this account, or until \
             revoke_secret_on_destroy is false."
                .to_owned(),
        )
    };
    let detail = format!(
        "{lead} with revoke_secret_on_destroy = true and a write-only secret (client_secret_wo), \
         which is never stored, and the provider has no management credentials for account \
         {account}: nothing could revoke the secret. {severity_note}"
    );
    if destroying {
        Diagnostic::error("Cannot revoke the OAuth secret", detail)
    } else {
        Diagnostic::warning("A destroy could not revoke this write-only secret", detail)
            .at(Attr::RevokeSecretOnDestroy.path())
    }
}

/// What an update changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    None,
    /// Only what the provider keeps for itself ([`Role::RecordOnly`]) or the case of an identity
    /// value: recorded without a check, so it works even with a dead secret.
    RecordOnly,
    /// Something a check must confirm before it is recorded.
    NeedsCheck,
}

fn change(prior: &Value, planned: &Value) -> Change {
    let mut change = Change::None;
    for attr in Attr::arguments() {
        if model::get(planned, attr) == model::get(prior, attr) {
            continue;
        }
        // A recorded identity value that differs here names the same object in another case
        // (any other difference is a replacement, planned before this is reached); a null one
        // is an imported record learning it, which a check must confirm.
        let case_only = attr.role() == Role::Identity && !model::is_null(prior, attr);
        if attr.role() == Role::RecordOnly || case_only {
            change = Change::RecordOnly;
        } else {
            return Change::NeedsCheck;
        }
    }
    change
}

/// Optional arguments with defaults: the configured value, else the default — not the prior
/// value Terraform proposes, so removing an argument returns it to its default.
fn apply_defaults(planned: &mut Value, config: &Value) {
    let days = model::get(config, Attr::ExpiryWarningDays)
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or_else(|| model::number(DEFAULT_EXPIRY_WARNING_DAYS));
    model::set(planned, Attr::ExpiryWarningDays, days);
    let revoke = model::get(config, Attr::RevokeSecretOnDestroy)
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or(Value::Bool(false));
    model::set(planned, Attr::RevokeSecretOnDestroy, revoke);
}

/// Create and update both verify: what the check observes (its outcome included) is unknown
/// until it has run, so a plan never claims `verified` before a check. The ID follows the
/// identity.
fn plan_verification(planned: &mut Value) {
    for attr in Attr::observed() {
        model::set(planned, attr, Value::unknown());
    }
    let id = model::id_from(planned).map_or_else(Value::unknown, model::string);
    model::set(planned, Attr::Id, id);
}

/// The expiry warning of a connection whose recorded expiry stands, with the
/// `expiry_warning_days` of the configuration being planned.
fn expiry_warning(planned: &Value) -> Option<Diagnostic> {
    report::expiry_warning(
        model::text(planned, Attr::SecretExpireTime),
        model::whole_number(planned, Attr::ExpiryWarningDays)
            .unwrap_or(DEFAULT_EXPIRY_WARNING_DAYS),
        OffsetDateTime::now_utc(),
        &model::label(planned),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::backend::ClientCapabilities;
    use crate::resource::workflow_connection::revoke::Decision;
    use crate::resource::workflow_connection::schema;

    const ACC: &str = "0d2a7b1c-1234-4abc-9def-0123456789ab";
    const ID: &str = "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e32";

    /// A configuration object: the required arguments plus `extra`.
    fn config(extra: &[(Attr, Value)]) -> Value {
        let mut v = model::null_object(Attr::ALL);
        for (k, x) in [
            (Attr::Name, "conn"),
            (Attr::CloudProvider, "aws"),
            (Attr::AccountId, ACC),
            (Attr::ClientId, "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"),
            (Attr::ClientSecret, "dose1"),
            (Attr::ServicePrincipalId, "2323502488275632"),
            (Attr::SecretId, "09094e32"),
        ] {
            model::set(&mut v, k, model::string(x));
        }
        for (k, x) in extra {
            model::set(&mut v, *k, x.clone());
        }
        v
    }

    /// What an apply of `config` records.
    fn recorded(config: &Value) -> Value {
        let mut v = config.clone();
        if model::is_null(config, Attr::ExpiryWarningDays) {
            model::set(&mut v, Attr::ExpiryWarningDays, model::number(30));
        }
        if model::is_null(config, Attr::RevokeSecretOnDestroy) {
            model::set(&mut v, Attr::RevokeSecretOnDestroy, Value::Bool(false));
        }
        model::set(&mut v, Attr::Id, model::string(ID));
        model::set(&mut v, Attr::ServicePrincipalName, model::string("okta"));
        model::set(
            &mut v,
            Attr::SecretCreateTime,
            model::string("2025-01-01T00:00:00Z"),
        );
        model::set(&mut v, Attr::SecretExpireTime, Value::Null);
        model::set(
            &mut v,
            Attr::VerifiedAt,
            model::string("2026-11-29T04:00:00Z"),
        );
        model::set_status(&mut v, Status::Verified);
        v
    }

    /// Terraform's ProposedNewState: config values, prior values for computed attributes
    /// the configuration leaves null.
    fn proposed(prior: &Value, config: &Value) -> Value {
        let mut v = config.clone();
        let computed = schema();
        for a in &computed.attributes {
            if matches!(
                a.presence,
                crate::protocol::schema::Presence::Computed
                    | crate::protocol::schema::Presence::OptionalComputed
            ) && config.attr(&a.name).is_none_or(Value::is_null)
                && let Value::Object(attrs) = &mut v
            {
                attrs.insert(
                    a.name.clone(),
                    prior.attr(&a.name).cloned().unwrap_or(Value::Null),
                );
            }
        }
        v
    }

    fn run_with(
        ledger: &Ledger,
        prior: Value,
        config: Value,
        prior_private: &[u8],
    ) -> PlanResponse {
        let proposed_new_state = if config.is_null() {
            Value::Null
        } else {
            proposed(&prior, &config)
        };
        plan(
            PlanRequest {
                prior_state: prior,
                proposed_new_state,
                config,
                prior_private: prior_private.to_vec(),
                capabilities: ClientCapabilities::default(),
            },
            &PlanContext {
                ledger,
                management: Some(None),
            },
        )
    }

    fn run(prior: Value, config: Value) -> PlanResponse {
        run_with(&Ledger::default(), prior, config, b"")
    }

    fn replaced(r: &PlanResponse) -> Vec<String> {
        r.requires_replace.iter().map(|p| p.to_string()).collect()
    }

    fn checks(r: &PlanResponse) -> bool {
        Attr::observed().all(|attr| model::is_unknown(&r.planned_state, attr))
    }

    #[test]
    fn every_argument_of_the_schema_is_compared_for_changes() {
        let mut arguments: Vec<String> = schema()
            .attributes
            .iter()
            .filter(|a| !matches!(a.presence, crate::protocol::schema::Presence::Computed))
            .map(|a| a.name.clone())
            .collect();
        arguments.sort();
        let mut listed: Vec<String> = Attr::arguments().map(|a| a.to_string()).collect();
        listed.sort();
        assert_eq!(listed, arguments);
    }

    #[test]
    fn create_fills_defaults_knows_the_id_and_leaves_status_and_observations_unknown() {
        let r = run(
            Value::Null,
            config(&[(Attr::ClientSecretWoVersion, model::number(1))]),
        );
        let p = &r.planned_state;
        assert_eq!(model::whole_number(p, Attr::ExpiryWarningDays), Some(30));
        assert_eq!(model::boolean(p, Attr::RevokeSecretOnDestroy), Some(false));
        assert_eq!(model::text(p, Attr::Id), Some(ID));
        assert!(checks(&r), "a plan never claims `verified` before a check");
        assert!(replaced(&r).is_empty());
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn write_only_secret_is_never_planned() {
        let c = config(&[
            (Attr::ClientSecret, Value::Null),
            (Attr::ClientSecretWo, model::string("dose2")),
        ]);
        let r = run(Value::Null, c);
        assert!(model::is_null(&r.planned_state, Attr::ClientSecretWo));
    }

    #[test]
    fn unknown_identity_makes_the_id_unknown() {
        let r = run(Value::Null, config(&[(Attr::SecretId, Value::unknown())]));
        assert!(model::is_unknown(&r.planned_state, Attr::Id));
    }

    #[test]
    fn unchanged_healthy_connection_plans_exactly_the_prior_state() {
        let c = config(&[]);
        let prior = recorded(&c);
        let r = run(prior.clone(), c);
        assert_eq!(r.planned_state, prior);
        assert!(replaced(&r).is_empty());
        assert!(r.planned_private.is_empty());
    }

    #[test]
    fn a_replacement_terraform_forces_keeps_the_secret_the_new_object_names() {
        // `-replace` and `replace_triggered_by`: the first call sees no change at all.
        let c = config(&[(Attr::RevokeSecretOnDestroy, Value::Bool(true))]);
        let r = run(recorded(&c), c);
        assert!(matches!(
            revoke::decode(&r.planned_private),
            Some(Decision::Keep { .. })
        ));
    }

    #[test]
    fn renaming_updates_in_place_and_re_verifies() {
        let prior = recorded(&config(&[]));
        let r = run(prior, config(&[(Attr::Name, model::string("renamed"))]));
        assert!(replaced(&r).is_empty());
        assert!(checks(&r));
        assert_eq!(model::text(&r.planned_state, Attr::Name), Some("renamed"));
    }

    #[test]
    fn identity_changes_require_replacement() {
        let prior = recorded(&config(&[]));
        for name in Attr::identity() {
            let value = if name == Attr::CloudProvider {
                "gcp"
            } else {
                "other"
            };
            let r = run(prior.clone(), config(&[(name, model::string(value))]));
            assert_eq!(replaced(&r), [format!(".{name}")], "{name}");
        }
    }

    #[test]
    fn a_change_of_case_of_a_uuid_or_secret_id_is_recorded_without_replacement_or_check() {
        let prior = recorded(&config(&[]));
        let upper = config(&[
            (Attr::AccountId, model::string(ACC.to_uppercase())),
            (Attr::SecretId, model::string("09094E32")),
        ]);
        let r = run(prior, upper);
        assert!(replaced(&r).is_empty(), "{:?}", replaced(&r));
        assert!(!checks(&r));
        assert_eq!(
            model::text(&r.planned_state, Attr::Id),
            Some(format!("aws/{}/2323502488275632/09094E32", ACC.to_uppercase()).as_str())
        );
        assert_eq!(model::status(&r.planned_state), Some(Status::Verified));
    }

    #[test]
    fn a_failed_status_plans_a_check_with_an_unknown_outcome() {
        let c = config(&[]);
        let mut prior = recorded(&c);
        model::set_status(&mut prior, Status::SecretNotFound);
        let r = run(prior, c);
        assert!(checks(&r), "the plan must not claim the outcome");
        assert!(replaced(&r).is_empty());
    }

    #[test]
    fn changing_only_what_the_provider_keeps_needs_no_check_even_when_failed() {
        let c = config(&[]);
        let mut prior = recorded(&c);
        model::set_status(&mut prior, Status::CredentialsRejected);
        let r = run(
            prior,
            config(&[
                (Attr::RevokeSecretOnDestroy, Value::Bool(true)),
                (Attr::ExpiryWarningDays, model::number(5)),
            ]),
        );
        assert!(!checks(&r));
        assert_eq!(
            model::status(&r.planned_state),
            Some(Status::CredentialsRejected)
        );
        assert_eq!(
            model::boolean(&r.planned_state, Attr::RevokeSecretOnDestroy),
            Some(true)
        );
    }

    #[test]
    fn an_unchecked_import_with_nothing_to_change_stays_a_no_op() {
        let c = config(&[]);
        let mut prior = recorded(&c);
        model::set_status(&mut prior, Status::Unchecked);
        let r = run(prior.clone(), c);
        assert_eq!(r.planned_state, prior);
    }

    #[test]
    fn removing_an_argument_with_a_default_returns_to_the_default() {
        let prior = recorded(&config(&[(Attr::ExpiryWarningDays, model::number(45))]));
        let r = run(prior, config(&[]));
        assert_eq!(
            model::whole_number(&r.planned_state, Attr::ExpiryWarningDays),
            Some(30)
        );
        assert!(!checks(&r), "a record-only update");
    }

    #[test]
    fn an_unknown_secret_plans_an_in_place_update_that_checks() {
        let prior = recorded(&config(&[]));
        let r = run(prior, config(&[(Attr::ClientSecret, Value::unknown())]));
        assert!(model::is_unknown(&r.planned_state, Attr::ClientSecret));
        assert!(replaced(&r).is_empty());
        assert!(checks(&r));
    }

    #[test]
    fn bumping_the_write_only_version_re_verifies() {
        let wo = |v| {
            config(&[
                (Attr::ClientSecret, Value::Null),
                (Attr::ClientSecretWoVersion, model::number(v)),
            ])
        };
        let prior = recorded(&wo(1));
        let mut bumped = wo(2);
        model::set(&mut bumped, Attr::ClientSecretWo, model::string("dose-new"));
        let r = run(prior, bumped);
        assert!(checks(&r));
        assert!(model::is_null(&r.planned_state, Attr::ClientSecretWo));
    }

    #[test]
    fn an_imported_record_learns_its_client_id_without_replacement_and_checks() {
        let c = config(&[]);
        let mut prior = recorded(&c);
        model::set(&mut prior, Attr::ClientId, Value::Null);
        model::set_status(&mut prior, Status::Unchecked);
        let r = run(prior, c);
        assert!(replaced(&r).is_empty(), "{:?}", replaced(&r));
        assert!(checks(&r));
    }

    #[test]
    fn destroy_plans_null_and_a_revoking_destroy_carries_its_decision() {
        let r = run(recorded(&config(&[])), Value::Null);
        assert!(r.planned_state.is_null());
        assert!(r.planned_private.is_empty());
        let prior = recorded(&config(&[(Attr::RevokeSecretOnDestroy, Value::Bool(true))]));
        let r = run(prior, Value::Null);
        assert_eq!(revoke::decode(&r.planned_private), Some(Decision::Revoke));
    }

    #[test]
    fn a_destroy_that_revokes_says_which_secret_principal_and_account_lose_it() {
        let quiet = run(recorded(&config(&[])), Value::Null);
        assert!(quiet.diagnostics.is_empty(), "{:?}", quiet.diagnostics);
        let prior = recorded(&config(&[(Attr::RevokeSecretOnDestroy, Value::Bool(true))]));
        let r = run(prior, Value::Null);
        let w = r.diagnostics.iter().next().expect("a warning");
        assert_eq!(w.severity, crate::protocol::diagnostics::Severity::Warning);
        assert_eq!(
            w.summary,
            "OAuth secret will be revoked (connection \"conn\")"
        );
        for part in [
            "secret 09094e32",
            "principal 2323502488275632",
            ACC,
            "workspaces",
        ] {
            assert!(w.detail.contains(part), "{part}: {}", w.detail);
        }
        // A replacement that moves to another secret revokes the old one: said too.
        let revoking = config(&[(Attr::RevokeSecretOnDestroy, Value::Bool(true))]);
        let mut rotated = revoking.clone();
        model::set(&mut rotated, Attr::SecretId, model::string("0a0b"));
        let r = run(recorded(&revoking), rotated);
        assert!(
            r.diagnostics
                .iter()
                .any(|d| d.summary.starts_with("OAuth secret will be"))
        );
        // One that keeps its secret does not.
        let mut moved = revoking.clone();
        model::set(&mut moved, Attr::CloudProvider, model::string("gcp"));
        let r = run(recorded(&revoking), moved);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    }

    #[test]
    fn a_destroy_of_a_secret_found_gone_or_refused_says_nothing_will_be_revoked() {
        let with_status = |status: Status| {
            let mut prior = recorded(&config(&[(Attr::RevokeSecretOnDestroy, Value::Bool(true))]));
            model::set_status(&mut prior, status);
            prior
        };
        let management = Management {
            account_id: ACC.to_uppercase(),
            client_id: "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b".into(),
            client_secret: "dose-m".to_owned().into(),
        };
        let summary = |status: Status, management: Option<Option<&Management>>| {
            let r = plan(
                PlanRequest {
                    prior_state: with_status(status),
                    proposed_new_state: Value::Null,
                    config: Value::Null,
                    prior_private: Vec::new(),
                    capabilities: ClientCapabilities::default(),
                },
                &PlanContext {
                    ledger: &Ledger::default(),
                    management,
                },
            );
            assert_eq!(revoke::decode(&r.planned_private), Some(Decision::Revoke));
            let w = r.diagnostics.iter().next().expect("a warning");
            (w.summary.clone(), w.detail.clone())
        };
        let without = Some(None);
        let with = Some(Some(&management));
        for (status, management, wanted) in [
            (
                Status::CredentialsRejected,
                without,
                "OAuth secret already refused",
            ),
            (Status::SecretNotFound, without, "OAuth secret already gone"),
            (Status::SecretNotFound, with, "OAuth secret already gone"),
            (
                Status::ServicePrincipalNotFound,
                with,
                "OAuth secret already gone",
            ),
            // Management credentials delete a refused secret that still exists (deactivated).
            (
                Status::CredentialsRejected,
                with,
                "OAuth secret will be revoked",
            ),
            (
                Status::CredentialsRejected,
                None,
                "OAuth secret will be revoked",
            ),
            (Status::Verified, without, "OAuth secret will be revoked"),
            (
                Status::SecretExpired,
                without,
                "OAuth secret already expired",
            ),
            (Status::SecretExpired, with, "OAuth secret will be revoked"),
            (
                Status::NotAccountAdmin,
                without,
                "OAuth secret will be revoked",
            ),
        ] {
            let (summary, detail) = summary(status, management);
            assert_eq!(
                summary,
                format!("{wanted} (connection \"conn\")"),
                "{status:?}"
            );
            if !wanted.ends_with("revoked") {
                assert!(detail.contains("revokes nothing"), "{detail}");
                assert!(
                    detail.contains(&format!("(status \"{status}\")")),
                    "{detail}"
                );
            }
        }
    }

    #[test]
    fn a_principal_id_with_leading_zeros_is_the_same_principal() {
        let prior = recorded(&config(&[]));
        let r = run(
            prior,
            config(&[(
                Attr::ServicePrincipalId,
                model::string("0002323502488275632"),
            )]),
        );
        assert!(replaced(&r).is_empty(), "{:?}", replaced(&r));
        assert!(!checks(&r), "a record-only change");
        assert_eq!(
            model::text(&r.planned_state, Attr::Id),
            Some(format!("aws/{ACC}/0002323502488275632/09094e32").as_str())
        );
    }

    #[test]
    fn a_replacement_that_keeps_the_secret_tells_its_delete_half_to_keep_it() {
        let ledger = Ledger::default();
        let revoking = config(&[(Attr::RevokeSecretOnDestroy, Value::Bool(true))]);
        let prior = recorded(&revoking);
        let mut moved = revoking.clone();
        model::set(&mut moved, Attr::CloudProvider, model::string("gcp"));
        let first = run_with(&ledger, prior, moved.clone(), b"");
        assert_eq!(replaced(&first), [".cloud_provider"]);
        assert!(matches!(
            revoke::decode(&first.planned_private),
            Some(Decision::Keep { .. })
        ));
        // Terraform's second call: no prior state, the first call's private data.
        let second = run_with(&ledger, Value::Null, moved, &first.planned_private);
        assert!(second.diagnostics.is_empty(), "{:?}", second.diagnostics);
        assert_eq!(
            revoke::decode(&second.planned_private),
            revoke::decode(&first.planned_private)
        );
    }

    #[test]
    fn a_destroy_that_would_revoke_a_secret_another_connection_keeps_fails_the_plan() {
        let ledger = Ledger::default();
        let c = config(&[]);
        let keeper = run_with(&ledger, recorded(&c), c, b"");
        assert!(keeper.diagnostics.is_empty());
        let prior = recorded(&config(&[
            (Attr::Name, model::string("old")),
            (Attr::RevokeSecretOnDestroy, Value::Bool(true)),
        ]));
        let r = run_with(&ledger, prior, Value::Null, b"");
        assert!(r.diagnostics.has_errors());
    }

    #[test]
    fn the_expiry_warning_uses_the_configuration_being_planned() {
        let soon = (OffsetDateTime::now_utc() + time::Duration::days(40))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let mut prior = recorded(&config(&[(Attr::ExpiryWarningDays, model::number(800))]));
        model::set(&mut prior, Attr::SecretExpireTime, model::string(soon));
        let quiet = run(
            prior.clone(),
            config(&[(Attr::ExpiryWarningDays, model::number(0))]),
        );
        assert!(quiet.diagnostics.is_empty(), "{:?}", quiet.diagnostics);
        let loud = run(
            prior,
            config(&[(Attr::ExpiryWarningDays, model::number(800))]),
        );
        let w = loud.diagnostics.iter().next().expect("a warning");
        assert!(
            w.detail.contains("expiry_warning_days = 800"),
            "{}",
            w.detail
        );
    }
}
