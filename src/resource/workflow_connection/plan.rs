//! PlanResourceChange for the connection: defaults, write-only nulls, replacement paths,
//! which values a check will observe (unknown until then), what a destroy does with the
//! secret, and the expiry warning. No network.

use time::OffsetDateTime;

use crate::protocol::backend::{PlanRequest, PlanResponse};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::Diagnostics;
use crate::protocol::path::AttributePath;

use crate::protocol::diagnostics::Diagnostic;
use crate::resource::Management;

use super::model::{self, DEFAULT_EXPIRY_WARNING_DAYS, IDENTITY, OBSERVED, RECORD_ONLY};
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
        let account = model::text(object, "account_id")?;
        self.management
            .map(|m| m.is_some_and(|m| m.is_for(account)))
    }
}

/// Statuses that need no action: the connection is fine, or was never checkable.
pub fn is_healthy(status: Option<&str>) -> bool {
    matches!(status, Some("verified" | "unchecked") | None)
}

pub fn plan(request: PlanRequest, ctx: &PlanContext<'_>) -> PlanResponse {
    let ledger = ctx.ledger;
    let PlanRequest {
        prior_state,
        proposed_new_state,
        config,
        prior_private,
        ..
    } = request;
    let mut diagnostics = Diagnostics::new();

    // Destroy: plan absence, and decide what the delete does with the secret.
    if proposed_new_state.is_null() {
        let mut planned_private = Vec::new();
        if revokes_on_destroy(&prior_state) {
            // Refused here rather than half-way through a destroy of many objects.
            if model::is_null(&prior_state, "client_secret")
                && ctx.can_revoke_unstored_secret(&prior_state) == Some(false)
            {
                diagnostics.push(cannot_revoke_write_only(&prior_state, true));
            } else {
                match ledger.destroy(&prior_state) {
                    Ok(decision) => planned_private = revoke::encode(&decision),
                    Err(d) => diagnostics.push(d),
                }
            }
        }
        return PlanResponse {
            planned_state: Value::Null,
            requires_replace: Vec::new(),
            planned_private,
            diagnostics,
        };
    }

    let mut planned = proposed_new_state;
    apply_defaults(&mut planned, &config);
    // Write-only values never appear in a plan.
    model::set(&mut planned, "client_secret_wo", Value::Null);
    let mut planned_private = Vec::new();

    let mut requires_replace = Vec::new();
    if prior_state.is_null() {
        // A create, or the second plan call of a replacement, whose prior private data is the
        // first call's: it holds the old object's revocation decision, which the delete half
        // of the replacement receives from this call.
        plan_verification(&mut planned);
        if let Some(decision) = revoke::decode(&prior_private) {
            planned_private = revoke::encode(&decision);
        }
        if let Err(d) = ledger.keep(&planned) {
            diagnostics.push(d);
        }
    } else {
        for name in IDENTITY {
            // An imported record does not know `client_id` yet (null): learning it from the
            // configuration is an update, not a new object.
            if model::is_null(&prior_state, name) {
                continue;
            }
            let same = model::same_identity(name, planned.attr(name), prior_state.attr(name));
            if !same || model::is_unknown(&planned, name) {
                requires_replace.push(AttributePath::attr(name));
            }
        }
        if !requires_replace.is_empty() {
            // The first call of a replacement; Terraform plans the new object in a second
            // call. Decide here, where both objects are known, what the old one's destroy does.
            plan_verification(&mut planned);
            if revokes_on_destroy(&prior_state) {
                match ledger.replace(&prior_state, &planned) {
                    Ok(decision) => planned_private = revoke::encode(&decision),
                    Err(d) => diagnostics.push(d),
                }
            } else if let Err(d) = ledger.keep(&prior_state) {
                // The old object holds its secret until it is destroyed, and for good if its
                // replacement fails: another connection's destroy must not revoke it.
                diagnostics.push(d);
            }
        } else {
            let failed = !is_healthy(model::text(&prior_state, "status"));
            match (change(&prior_state, &planned), failed) {
                (Change::NeedsCheck, _) | (Change::None, true) => plan_verification(&mut planned),
                _ => {
                    // Nothing to check: the recorded observations stand. The ID follows a
                    // change of case of an identity value.
                    if let Some(id) = model::id_from(&planned) {
                        model::set(&mut planned, "id", model::string(id));
                    }
                    if let Some(w) = expiry_warning(&planned) {
                        diagnostics.push(w);
                    }
                }
            }
            if let Err(d) = ledger.keep(&planned) {
                diagnostics.push(d);
            }
            // Terraform may still replace the object (`-replace`, `replace_triggered_by`)
            // without asking: its new object then names the same secret, so the delete half
            // of that replacement, which receives this decision, must keep it.
            if revokes_on_destroy(&prior_state) {
                planned_private = revoke::encode(&revoke::Decision::Keep {
                    reason: "the connection that replaces it uses the same secret".into(),
                });
            }
        }
    }

    if revokes_on_destroy(&planned)
        && model::is_null(&planned, "client_secret")
        && ctx.can_revoke_unstored_secret(&planned) == Some(false)
    {
        diagnostics.push(cannot_revoke_write_only(&planned, false));
    }

    PlanResponse {
        planned_state: planned,
        requires_replace,
        planned_private,
        diagnostics,
    }
}

fn revokes_on_destroy(prior: &Value) -> bool {
    model::boolean(prior, "revoke_secret_on_destroy") == Some(true)
}

/// A write-only connection with `revoke_secret_on_destroy` and no management credentials for
/// its account: its destroy cannot revoke (an error when it is planned, a warning before).
fn cannot_revoke_write_only(object: &Value, destroying: bool) -> Diagnostic {
    let account = model::text(object, "account_id").unwrap_or_default();
    let (lead, severity_note) = if destroying {
        (
            format!("This plan destroys {}", model::label(object)),
            "Nothing was changed. Configure the provider's management credentials \
             (account_id, client_id, client_secret) for this account, or set \
             revoke_secret_on_destroy = false and apply that first.",
        )
    } else {
        (
            format!("{} is planned", model::label(object)),
            "Its destroy will fail until the provider has management credentials \
             (account_id, client_id, client_secret) for this account, or until \
             revoke_secret_on_destroy is false.",
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
            .at(AttributePath::attr("revoke_secret_on_destroy"))
    }
}

/// What an update changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    None,
    /// Only what the provider keeps for itself ([`RECORD_ONLY`]) or the case of an identity
    /// value: recorded without a check, so it works even with a dead secret.
    RecordOnly,
    /// Something a check must confirm before it is recorded.
    NeedsCheck,
}

/// Every argument of the schema (what a configuration sets), computed ones left out.
const ARGUMENTS: [&str; 12] = [
    "name",
    "description",
    "cloud_provider",
    "account_id",
    "client_id",
    "client_secret",
    "client_secret_wo",
    "client_secret_wo_version",
    "service_principal_id",
    "secret_id",
    "expiry_warning_days",
    "revoke_secret_on_destroy",
];

fn change(prior: &Value, planned: &Value) -> Change {
    let mut change = Change::None;
    for name in ARGUMENTS {
        if planned.attr(name) == prior.attr(name) {
            continue;
        }
        // A recorded identity value that differs here names the same object in another case
        // (any other difference is a replacement, planned before this is reached); a null one
        // is an imported record learning it, which a check must confirm.
        let case_only = IDENTITY.contains(&name) && !model::is_null(prior, name);
        if RECORD_ONLY.contains(&name) || case_only {
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
    let days = config
        .attr("expiry_warning_days")
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or_else(|| model::number(DEFAULT_EXPIRY_WARNING_DAYS));
    model::set(planned, "expiry_warning_days", days);
    let revoke = config
        .attr("revoke_secret_on_destroy")
        .filter(|v| !v.is_null())
        .cloned()
        .unwrap_or(Value::Bool(false));
    model::set(planned, "revoke_secret_on_destroy", revoke);
}

/// Create and update both verify: what the check observes (its outcome included) is unknown
/// until it has run, so a plan never claims `verified` before a check. The ID follows the
/// identity.
fn plan_verification(planned: &mut Value) {
    for name in OBSERVED {
        model::set(planned, name, Value::unknown());
    }
    let id = model::id_from(planned).map_or_else(Value::unknown, model::string);
    model::set(planned, "id", id);
}

/// The expiry warning of a connection whose recorded expiry stands, with the
/// `expiry_warning_days` of the configuration being planned.
fn expiry_warning(planned: &Value) -> Option<crate::protocol::diagnostics::Diagnostic> {
    report::expiry_warning(
        model::text(planned, "secret_expire_time"),
        model::whole_number(planned, "expiry_warning_days").unwrap_or(DEFAULT_EXPIRY_WARNING_DAYS),
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

    fn names() -> Vec<String> {
        schema().attributes.iter().map(|a| a.name.clone()).collect()
    }

    /// A configuration object: the required arguments plus `extra`.
    fn config(extra: &[(&str, Value)]) -> Value {
        let mut v = model::null_object(names().iter().map(String::as_str));
        for (k, x) in [
            ("name", "conn"),
            ("cloud_provider", "aws"),
            ("account_id", ACC),
            ("client_id", "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"),
            ("client_secret", "dose1"),
            ("service_principal_id", "2323502488275632"),
            ("secret_id", "09094e32"),
        ] {
            model::set(&mut v, k, model::string(x));
        }
        for (k, x) in extra {
            model::set(&mut v, k, x.clone());
        }
        v
    }

    /// What an apply of `config` records.
    fn recorded(config: &Value) -> Value {
        let mut v = config.clone();
        if model::is_null(config, "expiry_warning_days") {
            model::set(&mut v, "expiry_warning_days", model::number(30));
        }
        if model::is_null(config, "revoke_secret_on_destroy") {
            model::set(&mut v, "revoke_secret_on_destroy", Value::Bool(false));
        }
        model::set(&mut v, "id", model::string(ID));
        model::set(&mut v, "service_principal_name", model::string("okta"));
        model::set(
            &mut v,
            "secret_create_time",
            model::string("2025-01-01T00:00:00Z"),
        );
        model::set(&mut v, "secret_expire_time", Value::Null);
        model::set(&mut v, "verified_at", model::string("2026-11-29T04:00:00Z"));
        model::set(&mut v, "status", model::string("verified"));
        v
    }

    /// Terraform's ProposedNewState: config values, prior values for computed attributes
    /// the configuration leaves null.
    fn proposed(prior: &Value, config: &Value) -> Value {
        let mut v = config.clone();
        let computed = schema();
        for a in &computed.attributes {
            let config_null = model::is_null(config, &a.name);
            if matches!(
                a.presence,
                crate::protocol::schema::Presence::Computed
                    | crate::protocol::schema::Presence::OptionalComputed
            ) && config_null
            {
                model::set(
                    &mut v,
                    &a.name,
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
        OBSERVED
            .iter()
            .all(|name| model::is_unknown(&r.planned_state, name))
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
        let mut listed: Vec<String> = ARGUMENTS.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(listed, arguments);
    }

    #[test]
    fn create_fills_defaults_knows_the_id_and_leaves_status_and_observations_unknown() {
        let r = run(
            Value::Null,
            config(&[("client_secret_wo_version", model::number(1))]),
        );
        let p = &r.planned_state;
        assert_eq!(model::whole_number(p, "expiry_warning_days"), Some(30));
        assert_eq!(model::boolean(p, "revoke_secret_on_destroy"), Some(false));
        assert_eq!(model::text(p, "id"), Some(ID));
        assert!(checks(&r), "a plan never claims `verified` before a check");
        assert!(replaced(&r).is_empty());
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn write_only_secret_is_never_planned() {
        let c = config(&[
            ("client_secret", Value::Null),
            ("client_secret_wo", model::string("dose2")),
        ]);
        let r = run(Value::Null, c);
        assert!(model::is_null(&r.planned_state, "client_secret_wo"));
    }

    #[test]
    fn unknown_identity_makes_the_id_unknown() {
        let r = run(Value::Null, config(&[("secret_id", Value::unknown())]));
        assert!(model::is_unknown(&r.planned_state, "id"));
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
        let c = config(&[("revoke_secret_on_destroy", Value::Bool(true))]);
        let r = run(recorded(&c), c);
        assert!(matches!(
            revoke::decode(&r.planned_private),
            Some(Decision::Keep { .. })
        ));
    }

    #[test]
    fn renaming_updates_in_place_and_re_verifies() {
        let prior = recorded(&config(&[]));
        let r = run(prior, config(&[("name", model::string("renamed"))]));
        assert!(replaced(&r).is_empty());
        assert!(checks(&r));
        assert_eq!(model::text(&r.planned_state, "name"), Some("renamed"));
    }

    #[test]
    fn identity_changes_require_replacement() {
        let prior = recorded(&config(&[]));
        for name in IDENTITY {
            let value = if name == "cloud_provider" {
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
            ("account_id", model::string(ACC.to_uppercase())),
            ("secret_id", model::string("09094E32")),
        ]);
        let r = run(prior, upper);
        assert!(replaced(&r).is_empty(), "{:?}", replaced(&r));
        assert!(!checks(&r));
        assert_eq!(
            model::text(&r.planned_state, "id"),
            Some(format!("aws/{}/2323502488275632/09094E32", ACC.to_uppercase()).as_str())
        );
        assert_eq!(model::text(&r.planned_state, "status"), Some("verified"));
    }

    #[test]
    fn a_failed_status_plans_a_check_with_an_unknown_outcome() {
        let c = config(&[]);
        let mut prior = recorded(&c);
        model::set(&mut prior, "status", model::string("secret_not_found"));
        let r = run(prior, c);
        assert!(checks(&r), "the plan must not claim the outcome");
        assert!(replaced(&r).is_empty());
    }

    #[test]
    fn changing_only_what_the_provider_keeps_needs_no_check_even_when_failed() {
        let c = config(&[]);
        let mut prior = recorded(&c);
        model::set(&mut prior, "status", model::string("credentials_rejected"));
        let r = run(
            prior,
            config(&[
                ("revoke_secret_on_destroy", Value::Bool(true)),
                ("expiry_warning_days", model::number(5)),
            ]),
        );
        assert!(!checks(&r));
        assert_eq!(
            model::text(&r.planned_state, "status"),
            Some("credentials_rejected")
        );
        assert_eq!(
            model::boolean(&r.planned_state, "revoke_secret_on_destroy"),
            Some(true)
        );
    }

    #[test]
    fn an_unchecked_import_with_nothing_to_change_stays_a_no_op() {
        let c = config(&[]);
        let mut prior = recorded(&c);
        model::set(&mut prior, "status", model::string("unchecked"));
        let r = run(prior.clone(), c);
        assert_eq!(r.planned_state, prior);
    }

    #[test]
    fn removing_an_argument_with_a_default_returns_to_the_default() {
        let prior = recorded(&config(&[("expiry_warning_days", model::number(45))]));
        let r = run(prior, config(&[]));
        assert_eq!(
            model::whole_number(&r.planned_state, "expiry_warning_days"),
            Some(30)
        );
        assert!(!checks(&r), "a record-only update");
    }

    #[test]
    fn an_unknown_secret_plans_an_in_place_update_that_checks() {
        let prior = recorded(&config(&[]));
        let r = run(prior, config(&[("client_secret", Value::unknown())]));
        assert!(model::is_unknown(&r.planned_state, "client_secret"));
        assert!(replaced(&r).is_empty());
        assert!(checks(&r));
    }

    #[test]
    fn bumping_the_write_only_version_re_verifies() {
        let wo = |v| {
            config(&[
                ("client_secret", Value::Null),
                ("client_secret_wo_version", model::number(v)),
            ])
        };
        let prior = recorded(&wo(1));
        let mut bumped = wo(2);
        model::set(&mut bumped, "client_secret_wo", model::string("dose-new"));
        let r = run(prior, bumped);
        assert!(checks(&r));
        assert!(model::is_null(&r.planned_state, "client_secret_wo"));
    }

    #[test]
    fn an_imported_record_learns_its_client_id_without_replacement_and_checks() {
        let c = config(&[]);
        let mut prior = recorded(&c);
        model::set(&mut prior, "client_id", Value::Null);
        model::set(&mut prior, "status", model::string("unchecked"));
        let r = run(prior, c);
        assert!(replaced(&r).is_empty(), "{:?}", replaced(&r));
        assert!(checks(&r));
    }

    #[test]
    fn destroy_plans_null_and_a_revoking_destroy_carries_its_decision() {
        let r = run(recorded(&config(&[])), Value::Null);
        assert!(r.planned_state.is_null());
        assert!(r.planned_private.is_empty());
        let prior = recorded(&config(&[("revoke_secret_on_destroy", Value::Bool(true))]));
        let r = run(prior, Value::Null);
        assert_eq!(revoke::decode(&r.planned_private), Some(Decision::Revoke));
    }

    #[test]
    fn a_replacement_that_keeps_the_secret_tells_its_delete_half_to_keep_it() {
        let ledger = Ledger::default();
        let revoking = config(&[("revoke_secret_on_destroy", Value::Bool(true))]);
        let prior = recorded(&revoking);
        let mut moved = revoking.clone();
        model::set(&mut moved, "cloud_provider", model::string("gcp"));
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
            ("name", model::string("old")),
            ("revoke_secret_on_destroy", Value::Bool(true)),
        ]));
        let r = run_with(&ledger, prior, Value::Null, b"");
        assert!(r.diagnostics.has_errors());
    }

    #[test]
    fn the_expiry_warning_uses_the_configuration_being_planned() {
        let soon = (OffsetDateTime::now_utc() + time::Duration::days(40))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let mut prior = recorded(&config(&[("expiry_warning_days", model::number(800))]));
        model::set(&mut prior, "secret_expire_time", model::string(soon));
        let quiet = run(
            prior.clone(),
            config(&[("expiry_warning_days", model::number(0))]),
        );
        assert!(quiet.diagnostics.is_empty(), "{:?}", quiet.diagnostics);
        let loud = run(
            prior,
            config(&[("expiry_warning_days", model::number(800))]),
        );
        let w = loud.diagnostics.iter().next().expect("a warning");
        assert!(
            w.detail.contains("expiry_warning_days = 800"),
            "{}",
            w.detail
        );
    }
}
