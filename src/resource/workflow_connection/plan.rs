//! PlanResourceChange for the connection: defaults, write-only nulls, replacement paths, and
//! which computed values become unknown. Pure: no network.

use crate::protocol::backend::{PlanRequest, PlanResponse};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::Diagnostics;
use crate::protocol::path::AttributePath;

use super::model::{self, DEFAULT_EXPIRY_WARNING_DAYS, IDENTITY};

/// Computed values that a verification observes anew.
const OBSERVED: [&str; 4] = [
    "service_principal_name",
    "secret_create_time",
    "secret_expire_time",
    "verified_at",
];

/// Statuses that need no action: the connection is fine, or was never checkable.
pub fn is_healthy(status: Option<&str>) -> bool {
    matches!(status, Some("verified" | "unchecked") | None)
}

pub fn plan(request: PlanRequest) -> PlanResponse {
    let PlanRequest {
        prior_state,
        proposed_new_state,
        config,
        prior_private,
        ..
    } = request;

    // Destroy: plan absence, and keep private data for the delete.
    if proposed_new_state.is_null() {
        return PlanResponse {
            planned_state: Value::Null,
            requires_replace: Vec::new(),
            planned_private: prior_private,
            diagnostics: Diagnostics::new(),
        };
    }

    let mut planned = proposed_new_state;
    apply_defaults(&mut planned, &config);
    // Write-only values never appear in a plan.
    model::set(&mut planned, "client_secret_wo", Value::Null);

    let mut requires_replace = Vec::new();
    if prior_state.is_null() {
        plan_verification(&mut planned);
    } else {
        for name in IDENTITY {
            // An imported record does not know `client_id` yet (null): learning it from the
            // configuration is an update, not a new object.
            if model::is_null(&prior_state, name) {
                continue;
            }
            if planned.attr(name) != prior_state.attr(name) || model::is_unknown(&planned, name) {
                requires_replace.push(AttributePath::attr(name));
            }
        }
        let failed = !is_healthy(model::text(&prior_state, "status"));
        if planned != prior_state || failed {
            plan_verification(&mut planned);
        }
    }

    PlanResponse {
        planned_state: planned,
        requires_replace,
        planned_private: prior_private,
        diagnostics: Diagnostics::new(),
    }
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

/// Create and update both verify: the outcome is `verified` or an error, the observations
/// are new, and the ID follows the identity.
fn plan_verification(planned: &mut Value) {
    for name in OBSERVED {
        model::set(planned, name, Value::unknown());
    }
    model::set(planned, "status", model::string("verified"));
    let id = match (
        model::text(planned, "account_id"),
        model::text(planned, "service_principal_id"),
        model::text(planned, "secret_id"),
    ) {
        (Some(a), Some(s), Some(k)) => model::string(model::id_of(a, s, k)),
        _ => Value::unknown(),
    };
    model::set(planned, "id", id);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::backend::ClientCapabilities;
    use crate::resource::workflow_connection::schema;

    const ACC: &str = "0d2a7b1c-1234-4abc-9def-0123456789ab";

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
        model::set(&mut v, "expiry_warning_days", model::number(30));
        model::set(&mut v, "revoke_secret_on_destroy", Value::Bool(false));
        model::set(
            &mut v,
            "id",
            model::string(format!("{ACC}/2323502488275632/09094e32")),
        );
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

    fn run(prior: Value, config: Value) -> PlanResponse {
        let proposed_new_state = if config.is_null() {
            Value::Null
        } else {
            proposed(&prior, &config)
        };
        plan(PlanRequest {
            prior_state: prior,
            proposed_new_state,
            config,
            prior_private: b"private".to_vec(),
            capabilities: ClientCapabilities::default(),
        })
    }

    fn replaced(r: &PlanResponse) -> Vec<String> {
        r.requires_replace.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn create_fills_defaults_knows_id_and_status_and_leaves_observations_unknown() {
        let r = run(
            Value::Null,
            config(&[("client_secret_wo_version", model::number(1))]),
        );
        let p = &r.planned_state;
        assert_eq!(model::whole_number(p, "expiry_warning_days"), Some(30));
        assert_eq!(model::boolean(p, "revoke_secret_on_destroy"), Some(false));
        assert_eq!(model::text(p, "status"), Some("verified"));
        assert_eq!(
            model::text(p, "id"),
            Some(format!("{ACC}/2323502488275632/09094e32").as_str())
        );
        for name in OBSERVED {
            assert!(model::is_unknown(p, name), "{name}");
        }
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
        assert_eq!(r.planned_private, b"private");
    }

    #[test]
    fn renaming_updates_in_place_and_re_verifies() {
        let prior = recorded(&config(&[]));
        let r = run(prior, config(&[("name", model::string("renamed"))]));
        assert!(replaced(&r).is_empty());
        assert_eq!(model::text(&r.planned_state, "status"), Some("verified"));
        assert!(model::is_unknown(&r.planned_state, "verified_at"));
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
    fn a_failed_status_plans_an_update_back_to_verified() {
        let c = config(&[]);
        let mut prior = recorded(&c);
        model::set(&mut prior, "status", model::string("secret_not_found"));
        let r = run(prior, c);
        assert_eq!(model::text(&r.planned_state, "status"), Some("verified"));
        assert!(model::is_unknown(&r.planned_state, "verified_at"));
        assert!(replaced(&r).is_empty());
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
        let with = config(&[("expiry_warning_days", model::number(45))]);
        let prior = recorded(&with);
        let mut prior = prior;
        model::set(&mut prior, "expiry_warning_days", model::number(45));
        let r = run(prior, config(&[]));
        assert_eq!(
            model::whole_number(&r.planned_state, "expiry_warning_days"),
            Some(30)
        );
        assert!(
            model::is_unknown(&r.planned_state, "verified_at"),
            "an update"
        );
    }

    #[test]
    fn an_unknown_secret_plans_an_in_place_update() {
        let prior = recorded(&config(&[]));
        let r = run(prior, config(&[("client_secret", Value::unknown())]));
        assert!(model::is_unknown(&r.planned_state, "client_secret"));
        assert!(replaced(&r).is_empty());
        assert_eq!(model::text(&r.planned_state, "status"), Some("verified"));
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
        assert!(model::is_unknown(&r.planned_state, "verified_at"));
        assert!(model::is_null(&r.planned_state, "client_secret_wo"));
    }

    #[test]
    fn an_imported_record_learns_its_client_id_without_replacement() {
        let c = config(&[]);
        let mut prior = recorded(&c);
        model::set(&mut prior, "client_id", Value::Null);
        model::set(&mut prior, "status", model::string("unchecked"));
        let r = run(prior, c);
        assert!(replaced(&r).is_empty(), "{:?}", replaced(&r));
        assert_eq!(model::text(&r.planned_state, "status"), Some("verified"));
    }

    #[test]
    fn destroy_plans_null_and_keeps_private_data() {
        let r = run(recorded(&config(&[])), Value::Null);
        assert!(r.planned_state.is_null());
        assert_eq!(r.planned_private, b"private");
    }
}
