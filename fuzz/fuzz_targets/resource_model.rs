//! `DynamicValue` → the connection resource's pure functions: bytes decoded against the
//! resource's type go through validate, plan (as config, proposed and prior state in various
//! combinations, with fuzzed prior private data, all plans of one input sharing one ledger),
//! import and upgrade. None may panic, every state they produce must encode back to msgpack
//! against the resource's type, and planned private data is empty or a revocation decision.
//!
//! Input: a control byte, an import ID (length-prefixed), a state version byte, the prior
//! private data (length-prefixed), then either raw state JSON (control bit 7 set) or up to
//! three msgpack values (two with a 2-byte length prefix, the last one the rest of the
//! input).

#![no_main]

use fuzz_support::{Input, resource};
use libfuzzer_sys::fuzz_target;
use terraform_provider_databricks::protocol::backend::{
    ClientCapabilities, ImportRequest, PlanRequest, UpgradeRequest,
};
use terraform_provider_databricks::protocol::cty::{Value, decode_msgpack, encode_msgpack};
use terraform_provider_databricks::resource::workflow_connection::fuzzing::revoke::{self, Ledger};
use terraform_provider_databricks::resource::workflow_connection::fuzzing::{
    import, model, plan, upgrade,
};
use terraform_provider_databricks::resource::workflow_connection::{Attr, validate};

fuzz_target!(|data: &[u8]| {
    let r = resource();
    let mut input = Input::new(data);
    let control = input.byte();
    let capabilities = ClientCapabilities {
        deferral_allowed: control & 0x01 != 0,
        write_only_attributes_allowed: control & 0x02 != 0,
    };
    let import_id = String::from_utf8_lossy(input.chunk()).into_owned();
    // Mostly the current version 0, sometimes one this provider does not know.
    let version = i64::from(input.byte() as i8) / 32;
    let prior_private = input.chunk();
    // What a create carries over from the first plan call of a replacement.
    if let Some(decision) = revoke::decode(prior_private) {
        assert_eq!(
            revoke::decode(&revoke::encode(&decision)).as_ref(),
            Some(&decision),
            "a revocation decision does not survive private data"
        );
    }

    let mut values: Vec<Value> = Vec::new();
    if control & 0x80 != 0 {
        // Raw state as Terraform stores it.
        let json = input.rest();
        let upgraded = upgrade::upgrade(
            UpgradeRequest {
                version,
                json: json.to_vec(),
            },
            &r.ty,
        );
        if !upgraded.diagnostics.has_errors() {
            must_encode(&upgraded.state, "upgraded state");
            values.push(upgraded.state);
        } else {
            assert!(
                upgraded.state.is_null(),
                "a failed upgrade returned a state"
            );
        }
    } else {
        let first = input.chunk16();
        let second = input.chunk16();
        let third = input.rest();
        for bytes in [first, second, third] {
            if let Ok(v) = decode_msgpack(bytes, &r.ty) {
                values.push(v);
            }
        }
        // The same bytes as raw state JSON: almost never valid, but cheap.
        let _ = upgrade::upgrade(
            UpgradeRequest {
                version,
                json: third.to_vec(),
            },
            &r.ty,
        );
    }

    for v in &values {
        let _ = validate(v, capabilities);
    }

    // Import, then the plan that follows it: the imported state is the prior state.
    let imported = import::import_without_lookup(ImportRequest {
        id: import_id,
        capabilities,
    });
    if imported.state.is_null() {
        assert!(
            imported.diagnostics.has_errors(),
            "an import that imported nothing says nothing"
        );
    } else {
        must_encode(&imported.state, "imported state");
        assert!(
            imported.state.is_wholly_known(),
            "imported state has unknowns"
        );
        let _ = validate(&imported.state, capabilities);
    }

    // Plans over every combination the input selects: each of config, proposed and prior
    // is null, the imported state or one of the decoded values.
    let mut pool: Vec<&Value> = vec![&Value::Null];
    if !imported.state.is_null() {
        pool.push(&imported.state);
    }
    pool.extend(values.iter());
    // One plan walk: every plan of this input shares the ledger of kept and revoked secrets.
    let ledger = Ledger::default();
    let combos = usize::from(control >> 2 & 0x07) + 1;
    for i in 0..combos {
        let pick = |shift: usize| pool[(usize::from(control) + i * 7 + shift) % pool.len()];
        let config = pick(1).clone();
        let proposed = pick(2).clone();
        let prior = pick(3).clone();
        run_plan(
            config,
            proposed,
            prior,
            prior_private,
            capabilities,
            &ledger,
        );
    }
    // And the ordinary cases: create from a value, and a value against itself.
    for v in &values {
        run_plan(
            v.clone(),
            v.clone(),
            Value::Null,
            prior_private,
            capabilities,
            &ledger,
        );
        run_plan(
            v.clone(),
            v.clone(),
            v.clone(),
            prior_private,
            capabilities,
            &ledger,
        );
    }
});

fn run_plan(
    config: Value,
    proposed: Value,
    prior: Value,
    prior_private: &[u8],
    capabilities: ClientCapabilities,
    ledger: &Ledger,
) {
    let destroy = proposed.is_null();
    let create = prior.is_null();
    let revokes = model::boolean(&prior, Attr::RevokeSecretOnDestroy) == Some(true);
    let carried = revoke::decode(prior_private);
    let planned = plan::plan(
        PlanRequest {
            prior_state: prior,
            proposed_new_state: proposed,
            config,
            prior_private: prior_private.to_vec(),
            capabilities,
        },
        // Management credentials unknown: the write-only revocation checks stay out of the
        // way of the decisions this target checks.
        &plan::PlanContext {
            ledger,
            management: None,
        },
    );
    must_encode(&planned.planned_state, "planned state");
    assert_eq!(
        planned.planned_state.is_null(),
        destroy,
        "the planned state is null exactly when the resource is destroyed"
    );
    // Planned private data is nothing or a revocation decision, and only of a connection
    // that revokes on destroy (or, for a create, the decision its prior private data held).
    if !planned.planned_private.is_empty() {
        let decision = revoke::decode(&planned.planned_private);
        assert!(decision.is_some(), "planned private data is not a decision");
        if create && !destroy {
            assert_eq!(decision, carried, "a create changed the carried decision");
        } else {
            assert!(revokes, "a decision for a connection that does not revoke");
        }
    } else if create && !destroy {
        assert!(carried.is_none(), "a create dropped the carried decision");
    }
    if create {
        assert!(
            planned.requires_replace.is_empty(),
            "a create requires a replacement"
        );
    }
}

fn must_encode(value: &Value, what: &str) {
    let ty = &resource().ty;
    if let Err(e) = encode_msgpack(value, ty) {
        panic!("{what} does not encode against the resource type: {e}\n{value:?}");
    }
}
