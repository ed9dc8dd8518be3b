//! UpgradeResourceState: stored JSON → the current schema. Version 0 is current; older
//! versions get a step here when the schema changes.

use crate::protocol::backend::{UpgradeRequest, UpgradeResponse};
use crate::protocol::cty::{self, Type, Value};
use crate::protocol::diagnostics::Diagnostic;

use super::model;
use super::schema::SCHEMA_VERSION;

pub fn upgrade(request: UpgradeRequest, ty: &Type) -> UpgradeResponse {
    let failure = |detail: String| UpgradeResponse {
        state: Value::Null,
        diagnostics: Diagnostic::error("Cannot read the stored connection", detail).into(),
    };
    if !(0..=SCHEMA_VERSION).contains(&request.version) {
        return failure(format!(
            "The state was written with schema version {}, which this provider does not know \
             (current: {SCHEMA_VERSION}).",
            request.version
        ));
    }
    // Lenient: attributes that no longer exist are dropped, new ones start as null.
    match cty::decode_json(&request.json, ty, true) {
        Ok(mut state) => {
            model::set(&mut state, "client_secret_wo", Value::Null);
            UpgradeResponse {
                state,
                diagnostics: Default::default(),
            }
        }
        Err(e) => failure(format!(
            "The stored state is not valid for this resource: {e}."
        )),
    }
}
