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
