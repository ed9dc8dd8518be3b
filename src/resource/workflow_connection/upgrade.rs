//! UpgradeResourceState: stored JSON → the current schema.
//!
//! - Version 0 (releases before 0.2.0): `id` was `<account_id>/<service_principal_id>/<secret_id>`;
//!   version 1 puts the cloud provider in front, so the `id` is the import ID.

use crate::protocol::backend::{UpgradeRequest, UpgradeResponse};
use crate::protocol::cty::{self, Type, Value};
use crate::protocol::diagnostics::Diagnostic;

use super::attributes::Attr;
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
            model::set(&mut state, Attr::ClientSecretWo, Value::Null);
            if request.version < 1
                && let Some(id) = model::id_from(&state)
            {
                model::set(&mut state, Attr::Id, model::string(id));
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::workflow_connection::{Status, schema};

    #[test]
    fn a_version_0_state_gets_the_cloud_in_front_of_its_id() {
        let stored: serde_json::Map<String, serde_json::Value> = [
            (Attr::AccountId, "acc"),
            (Attr::CloudProvider, "azure"),
            (Attr::ServicePrincipalId, "1"),
            (Attr::SecretId, "s"),
            (Attr::Id, "acc/1/s"),
            (Attr::Status, Status::Verified.as_str()),
        ]
        .into_iter()
        .map(|(attr, value)| (attr.to_string(), value.into()))
        .collect();
        let json = serde_json::to_vec(&stored).unwrap();
        let ty = schema().implied_type();
        for (version, want) in [(0, "azure/acc/1/s"), (1, "acc/1/s")] {
            let r = upgrade(
                UpgradeRequest {
                    version,
                    json: json.to_vec(),
                },
                &ty,
            );
            assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
            assert_eq!(
                model::text(&r.state, Attr::Id),
                Some(want),
                "version {version}"
            );
        }
    }
}
