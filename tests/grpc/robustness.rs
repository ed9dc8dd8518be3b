//! Robustness at the gRPC edge, on the real binary: whatever bytes Terraform (or anything
//! that dials the socket) sends, every RPC we implement answers with an OK status and an
//! error diagnostic, and the process keeps serving. Also: without the magic cookie the
//! provider creates no socket at all.

use std::collections::{BTreeMap, HashMap};
use std::process::Command;
use std::time::Duration;

use crate::support::process::{COOKIE, ProviderProcess, provider_binary};
use databricks_account_emulator::{Emulator, Seed, canonical};
use terraform_provider_databricks::protocol::cty::{Type, Value, encode_msgpack};
use terraform_provider_databricks::protocol::schema::Schema;
use terraform_provider_databricks::protocol::tfplugin6 as pb;
use terraform_provider_databricks::provider::schema::provider_schema;
use terraform_provider_databricks::resource::workflow_connection::schema;

type Client = pb::provider_client::ProviderClient<tonic::transport::Channel>;

const TYPE: &str = "databricks_workflow_connection";
const MIB: usize = 1 << 20;

// ---- helpers ------------------------------------------------------------------------------

struct Served {
    provider: ProviderProcess,
    client: Client,
}

async fn serve() -> Served {
    let provider = ProviderProcess::start(None);
    let channel = provider.plain_channel().await.expect("dial the provider");
    let client = pb::provider_client::ProviderClient::new(channel)
        .max_decoding_message_size(256 << 20)
        .max_encoding_message_size(256 << 20);
    Served { provider, client }
}

impl Served {
    /// The process is alive and still answers GetProviderSchema.
    #[track_caller]
    fn assert_alive(&mut self, after: &str) {
        if let Some(status) = self.provider.child.try_wait().unwrap() {
            panic!("the provider exited ({status:?}) after {after}");
        }
    }

    async fn assert_still_serving(&mut self, after: &str) {
        self.assert_alive(after);
        let schema = tokio::time::timeout(
            Duration::from_secs(10),
            self.client
                .get_provider_schema(pb::get_provider_schema::Request {}),
        )
        .await
        .unwrap_or_else(|_| panic!("GetProviderSchema hung after {after}"))
        .unwrap_or_else(|e| panic!("GetProviderSchema failed after {after}: {e}"))
        .into_inner();
        assert!(
            schema.resource_schemas.contains_key(TYPE),
            "schema lost the resource after {after}"
        );
        self.assert_alive(after);
    }
}

fn errors(diagnostics: &[pb::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

/// An OK status whose diagnostics hold at least one error.
#[track_caller]
fn assert_error_diagnostic<T>(
    what: &str,
    result: Result<tonic::Response<T>, tonic::Status>,
    diagnostics: impl FnOnce(&T) -> &[pb::Diagnostic],
) -> T {
    let response = match result {
        Ok(r) => r.into_inner(),
        Err(status) => panic!("{what}: a gRPC error instead of a diagnostic: {status:?}"),
    };
    let errs = errors(diagnostics(&response));
    assert!(!errs.is_empty(), "{what}: no error diagnostic");
    response
}

fn msgpack(bytes: Vec<u8>) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: bytes,
        json: Vec::new(),
    }
}

fn json(bytes: impl Into<Vec<u8>>) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: Vec::new(),
        json: bytes.into(),
    }
}

fn null() -> pb::DynamicValue {
    msgpack(vec![0xc0])
}

/// The object of `schema` with every attribute null except `set`.
fn object(schema: &Schema, set: &[(&str, Value)]) -> Value {
    let mut attrs = BTreeMap::new();
    for a in &schema.attributes {
        attrs.insert(a.name.clone(), Value::Null);
    }
    for (k, v) in set {
        attrs.insert((*k).to_string(), v.clone());
    }
    Value::Object(attrs)
}

fn encode(schema: &Schema, value: &Value) -> Vec<u8> {
    encode_msgpack(value, &schema.implied_type()).unwrap()
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

/// A complete, valid connection configuration (the emulator's canonical principal).
fn connection(secret: Value) -> Value {
    object(
        &schema(),
        &[
            ("name", s("robust")),
            ("cloud_provider", s("aws")),
            ("account_id", s(canonical::ACCOUNT_ID)),
            ("client_id", s(canonical::APPLICATION_ID)),
            ("client_secret", secret),
            ("service_principal_id", s(canonical::SERVICE_PRINCIPAL_ID)),
            ("secret_id", s(canonical::SECRET_ID)),
        ],
    )
}

/// A msgpack map written by hand: `(key, already-encoded value)` pairs, in the given order.
fn raw_map(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    rmp::encode::write_map_len(&mut out, entries.len() as u32).unwrap();
    for (k, v) in entries {
        rmp::encode::write_str(&mut out, k).unwrap();
        out.extend_from_slice(v);
    }
    out
}

fn raw_str(v: &str) -> Vec<u8> {
    let mut out = Vec::new();
    rmp::encode::write_str(&mut out, v).unwrap();
    out
}

/// Every attribute of `ty` present and null, with `overrides` (already encoded) replacing
/// some and `extra` keys added.
fn raw_object(ty: &Type, overrides: &[(&str, Vec<u8>)], extra: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let attrs = ty.attribute_types().expect("an object type");
    let mut entries: Vec<(&str, Vec<u8>)> = attrs
        .keys()
        .map(|k| {
            let v = overrides
                .iter()
                .find(|(o, _)| o == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| vec![0xc0]);
            (k.as_str(), v)
        })
        .collect();
    entries.extend(extra.iter().cloned());
    raw_map(&entries)
}

fn nested_arrays(depth: usize) -> Vec<u8> {
    let mut out = vec![0x91; depth];
    out.push(0xc0);
    out
}

fn nested_maps(depth: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(depth * 3 + 1);
    for _ in 0..depth {
        out.extend_from_slice(&[0x81, 0xa1, b'a']);
    }
    out.push(0xc0);
    out
}

/// Malformed DynamicValues for an object type `ty`, each with a name.
fn malformed(ty: &Type, valid: &[u8]) -> Vec<(String, pb::DynamicValue)> {
    let attrs = ty.attribute_types().expect("an object type");
    let strings: Vec<&str> = attrs
        .iter()
        .filter(|(_, t)| **t == Type::String)
        .map(|(k, _)| k.as_str())
        .collect();
    let number = attrs
        .iter()
        .find(|(_, t)| **t == Type::Number)
        .map(|(k, _)| k.as_str())
        .expect("a number attribute");
    let (s0, s1, s2) = (strings[0], strings[1], strings[2]);
    let pseudo_random: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut cases: Vec<(String, pb::DynamicValue)> = vec![
        (
            "the never-used msgpack byte 0xc1".into(),
            msgpack(vec![0xc1]),
        ),
        (
            "garbage bytes".into(),
            msgpack(b"\xff\xfe\xfd this is not msgpack".to_vec()),
        ),
        (
            "4 KiB of pseudo-random bytes".into(),
            msgpack(pseudo_random),
        ),
        (
            "a map announcing 2 entries and holding none".into(),
            msgpack(vec![0x82]),
        ),
        (
            "the valid value truncated to half".into(),
            msgpack(valid[..valid.len() / 2].to_vec()),
        ),
        (
            "the valid value without its last byte".into(),
            msgpack(valid[..valid.len() - 1].to_vec()),
        ),
        (
            "the valid value followed by trailing bytes".into(),
            msgpack([valid, &[0xc0, 0xc0]].concat()),
        ),
        (
            "an array where the object belongs".into(),
            msgpack(vec![0x93, 0x01, 0x02, 0x03]),
        ),
        (
            "a string where the object belongs".into(),
            msgpack(raw_str("hello")),
        ),
        (
            "a number where the object belongs".into(),
            msgpack(vec![0x2a]),
        ),
        (
            "a number where a string belongs".into(),
            msgpack(raw_object(ty, &[(s0, vec![0x2a])], &[])),
        ),
        (
            "a boolean where a string belongs".into(),
            msgpack(raw_object(ty, &[(s1, vec![0xc3])], &[])),
        ),
        (
            "an array where a string belongs".into(),
            msgpack(raw_object(ty, &[(s2, vec![0x91, 0xa1, b'x'])], &[])),
        ),
        (
            "a map where a number belongs".into(),
            msgpack(raw_object(ty, &[(number, vec![0x80])], &[])),
        ),
        (
            "invalid UTF-8 in a string".into(),
            msgpack(raw_object(ty, &[(s0, vec![0xa2, 0xff, 0xfe])], &[])),
        ),
        (
            "a non-string map key".into(),
            msgpack(vec![0x81, 0x01, 0xc0]),
        ),
        (
            "only one attribute (the others missing)".into(),
            msgpack(raw_map(&[(s0, raw_str("x"))])),
        ),
        (
            "an empty map (every attribute missing)".into(),
            msgpack(vec![0x80]),
        ),
        (
            "an extra attribute".into(),
            msgpack(raw_object(
                ty,
                &[],
                &[("zzz_not_an_attribute", raw_str("x"))],
            )),
        ),
        (
            "an extra attribute holding 10,000 nested arrays".into(),
            msgpack(raw_object(ty, &[], &[("zzz", nested_arrays(10_000))])),
        ),
        (
            "a string claiming 4 GiB".into(),
            msgpack(vec![0xdb, 0xff, 0xff, 0xff, 0xff, b'a']),
        ),
        (
            "an array claiming 4 billion elements".into(),
            msgpack(vec![0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0]),
        ),
        (
            "a map claiming 4 billion entries".into(),
            msgpack(vec![0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, b'a', 0xc0]),
        ),
        (
            "an attribute's string claiming 4 GiB".into(),
            msgpack(raw_object(
                ty,
                &[(s0, vec![0xdb, 0xff, 0xff, 0xff, 0xff, b'a'])],
                &[],
            )),
        ),
        (
            "an unknown of an unsupported extension type with a payload".into(),
            msgpack(raw_object(
                ty,
                &[(s0, vec![0xd6, 0x07, 0x01, 0x02, 0x03, 0x04])],
                &[],
            )),
        ),
        (
            "a refined unknown whose refinements are garbage".into(),
            msgpack(raw_object(ty, &[(s0, vec![0xd5, 0x0c, 0xc1, 0xc1])], &[])),
        ),
        (
            "a refined unknown whose refinements claim 1 GiB".into(),
            msgpack(raw_object(
                ty,
                &[(s0, vec![0xc9, 0x40, 0x00, 0x00, 0x00, 0x0c, 0x81])],
                &[],
            )),
        ),
        (
            "10,000 nested arrays".into(),
            msgpack(nested_arrays(10_000)),
        ),
        ("10,000 nested maps".into(), msgpack(nested_maps(10_000))),
        ("5 MiB of garbage".into(), msgpack(vec![0xc1; 5 * MIB])),
        // JSON DynamicValues (msgpack empty).
        ("JSON: not JSON".into(), json("{not json")),
        (
            "JSON: invalid UTF-8".into(),
            json(vec![b'"', 0xff, 0xfe, b'"']),
        ),
        ("JSON: an array".into(), json("[1, 2, 3]")),
        (
            "JSON: an array where a string belongs".into(),
            json(format!(r#"{{"{s0}": [1]}}"#)),
        ),
        (
            "JSON: an object where a string belongs".into(),
            json(format!(r#"{{"{s0}": {{"a": 1}}}}"#)),
        ),
        (
            "JSON: an unknown attribute".into(),
            json(r#"{"zzz_not_an_attribute": "x"}"#),
        ),
        (
            "JSON: 10,000 nested arrays".into(),
            json(format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))),
        ),
        (
            "JSON: 10,000 unclosed arrays".into(),
            json("[".repeat(10_000)),
        ),
        (
            "JSON: an unknown attribute holding 10,000 nested arrays".into(),
            json(format!(
                r#"{{"zzz": {}{}}}"#,
                "[".repeat(10_000),
                "]".repeat(10_000)
            )),
        ),
        ("JSON: truncated".into(), json(format!(r#"{{"{s0}": "x"#))),
    ];
    cases.retain(|(_, v)| !v.msgpack.is_empty() || !v.json.is_empty());
    cases
}

// ---- 1. malformed values on every RPC that takes one ----------------------------------------

#[tokio::test]
async fn malformed_resource_values_get_error_diagnostics_on_every_resource_rpc_and_the_provider_keeps_serving()
 {
    let mut served = serve().await;
    let connection_schema = schema();
    let ty = connection_schema.implied_type();
    let valid = encode(&connection_schema, &connection(s(canonical::SECRET)));
    for (name, value) in malformed(&ty, &valid) {
        let client = &mut served.client;
        let r = client
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: TYPE.into(),
                config: Some(value.clone()),
                client_capabilities: None,
            })
            .await;
        assert_error_diagnostic(&format!("ValidateResourceConfig({name})"), r, |r| {
            &r.diagnostics
        });

        for (position, request) in [
            (
                "config",
                pb::plan_resource_change::Request {
                    type_name: TYPE.into(),
                    prior_state: Some(null()),
                    proposed_new_state: Some(msgpack(valid.clone())),
                    config: Some(value.clone()),
                    ..Default::default()
                },
            ),
            (
                "proposed_new_state",
                pb::plan_resource_change::Request {
                    type_name: TYPE.into(),
                    prior_state: Some(null()),
                    proposed_new_state: Some(value.clone()),
                    config: Some(msgpack(valid.clone())),
                    ..Default::default()
                },
            ),
            (
                "prior_state",
                pb::plan_resource_change::Request {
                    type_name: TYPE.into(),
                    prior_state: Some(value.clone()),
                    proposed_new_state: Some(msgpack(valid.clone())),
                    config: Some(msgpack(valid.clone())),
                    ..Default::default()
                },
            ),
        ] {
            let r = client.plan_resource_change(request).await;
            let response = assert_error_diagnostic(
                &format!("PlanResourceChange({position} = {name})"),
                r,
                |r| &r.diagnostics,
            );
            assert!(
                response.planned_state.is_none_or(|p| p.msgpack.is_empty()
                    || p.msgpack == [0xc0]
                    || p.msgpack == valid),
                "PlanResourceChange({position} = {name}) planned something from garbage"
            );
        }

        let r = client
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: TYPE.into(),
                prior_state: Some(null()),
                planned_state: Some(value.clone()),
                config: Some(value.clone()),
                ..Default::default()
            })
            .await;
        let response = assert_error_diagnostic(&format!("ApplyResourceChange({name})"), r, |r| {
            &r.diagnostics
        });
        let new_state = response.new_state.map(|v| v.msgpack).unwrap_or_default();
        assert!(
            new_state.is_empty() || new_state == [0xc0],
            "ApplyResourceChange({name}) recorded something for a create from garbage"
        );

        let r = client
            .read_resource(pb::read_resource::Request {
                type_name: TYPE.into(),
                current_state: Some(value.clone()),
                ..Default::default()
            })
            .await;
        assert_error_diagnostic(&format!("ReadResource({name})"), r, |r| &r.diagnostics);

        served.assert_alive(&name);
    }
    served
        .assert_still_serving("malformed resource values")
        .await;
}

#[tokio::test]
async fn malformed_provider_configurations_get_error_diagnostics_and_the_provider_keeps_serving() {
    let mut served = serve().await;
    let provider = provider_schema();
    let ty = provider.implied_type();
    let valid = encode(
        &provider,
        &object(&provider, &[("host", s("http://127.0.0.1:1"))]),
    );
    let mut cases = malformed(&ty, &valid);
    cases.push((
        "a 5 MiB host".into(),
        msgpack(encode(
            &provider,
            &object(&provider, &[("host", s(&"h".repeat(5 * MIB)))]),
        )),
    ));
    for (name, value) in cases {
        let r = served
            .client
            .validate_provider_config(pb::validate_provider_config::Request {
                config: Some(value.clone()),
            })
            .await;
        assert_error_diagnostic(&format!("ValidateProviderConfig({name})"), r, |r| {
            &r.diagnostics
        });
        let r = served
            .client
            .configure_provider(pb::configure_provider::Request {
                terraform_version: "1.11.4".into(),
                config: Some(value),
                client_capabilities: None,
            })
            .await;
        assert_error_diagnostic(&format!("ConfigureProvider({name})"), r, |r| &r.diagnostics);
        served.assert_alive(&name);
    }
    served
        .assert_still_serving("malformed provider configurations")
        .await;
}

#[tokio::test]
async fn huge_strings_are_refused_with_diagnostics_and_echoed_without_transport_errors() {
    let mut served = serve().await;
    let connection_schema = schema();
    let huge = "x".repeat(5 * MIB);
    // Attributes with a length or format rule are refused at validation; the others (a secret
    // and a secret ID have no length rule) must still be answered without a transport error.
    for attribute in ["client_secret", "secret_id", "description"] {
        let mut value = connection(s(canonical::SECRET));
        if let Value::Object(attrs) = &mut value {
            attrs.insert(attribute.into(), s(&huge));
        }
        let bytes = encode(&connection_schema, &value);
        served
            .client
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: TYPE.into(),
                config: Some(msgpack(bytes.clone())),
                client_capabilities: None,
            })
            .await
            .unwrap_or_else(|e| panic!("ValidateResourceConfig(5 MiB {attribute}): {e:?}"));
    }
    for attribute in [
        "name",
        "cloud_provider",
        "account_id",
        "client_id",
        "service_principal_id",
    ] {
        let mut value = connection(s(canonical::SECRET));
        if let Value::Object(attrs) = &mut value {
            attrs.insert(attribute.into(), s(&huge));
        }
        let bytes = encode(&connection_schema, &value);
        let r = served
            .client
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: TYPE.into(),
                config: Some(msgpack(bytes.clone())),
                client_capabilities: None,
            })
            .await;
        assert_error_diagnostic(
            &format!("ValidateResourceConfig(5 MiB {attribute})"),
            r,
            |r| &r.diagnostics,
        );
        // Plan has no separate validation duty, but must answer (OK status) whatever it decides.
        served
            .client
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: TYPE.into(),
                prior_state: Some(null()),
                proposed_new_state: Some(msgpack(bytes.clone())),
                config: Some(msgpack(bytes.clone())),
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("PlanResourceChange(5 MiB {attribute}): {e:?}"));
        // Not configured yet: an error, and the state Terraform holds is echoed back intact.
        let r = served
            .client
            .read_resource(pb::read_resource::Request {
                type_name: TYPE.into(),
                current_state: Some(msgpack(bytes.clone())),
                ..Default::default()
            })
            .await;
        let response =
            assert_error_diagnostic(&format!("ReadResource(5 MiB {attribute})"), r, |r| {
                &r.diagnostics
            });
        assert_eq!(
            response.new_state.map(|v| v.msgpack.len()),
            Some(bytes.len()),
            "ReadResource must keep Terraform's state when it cannot refresh"
        );
    }
    // A 5 MiB import ID.
    let r = served
        .client
        .import_resource_state(pb::import_resource_state::Request {
            type_name: TYPE.into(),
            id: huge.clone(),
            ..Default::default()
        })
        .await;
    assert_error_diagnostic("ImportResourceState(5 MiB id)", r, |r| &r.diagnostics);
    served.assert_still_serving("huge strings").await;
}

// ---- unknown values where apply needs known ones --------------------------------------------

#[tokio::test]
async fn apply_with_unknown_values_it_needs_reports_an_error_and_calls_nothing() {
    let emulator = Emulator::start(Seed::canonical()).unwrap();
    let mut served = serve().await;
    let provider = provider_schema();
    let configured = served
        .client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.4".into(),
            config: Some(msgpack(encode(
                &provider,
                &object(&provider, &[("host", s(&emulator.url()))]),
            ))),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        errors(&configured.diagnostics).is_empty(),
        "{:?}",
        configured.diagnostics
    );

    let connection_schema = schema();
    let with = |attribute: &str, v: Value| {
        let mut value = connection(s(canonical::SECRET));
        if let Value::Object(attrs) = &mut value {
            attrs.insert(attribute.into(), v);
        }
        encode(&connection_schema, &value)
    };
    let unknown_secret = with("client_secret", Value::unknown());
    let cases: Vec<(&str, pb::DynamicValue, pb::DynamicValue)> = vec![
        (
            "config and plan with an unknown client_secret",
            msgpack(unknown_secret.clone()),
            msgpack(unknown_secret.clone()),
        ),
        (
            "an unknown client_secret in the config only",
            msgpack(unknown_secret.clone()),
            msgpack(with("client_secret", s(canonical::SECRET))),
        ),
        (
            "an unknown client_secret_wo and no client_secret",
            msgpack({
                let mut value = connection(Value::Null);
                if let Value::Object(attrs) = &mut value {
                    attrs.insert("client_secret_wo".into(), Value::unknown());
                }
                encode(&connection_schema, &value)
            }),
            msgpack(with("client_secret", Value::Null)),
        ),
        (
            "an unknown account_id",
            msgpack(with("account_id", Value::unknown())),
            msgpack(with("account_id", Value::unknown())),
        ),
        (
            "an unknown secret_id",
            msgpack(with("secret_id", Value::unknown())),
            msgpack(with("secret_id", Value::unknown())),
        ),
        (
            "a wholly unknown configuration and plan",
            msgpack(vec![0xd4, 0x00, 0x00]),
            msgpack(vec![0xd4, 0x00, 0x00]),
        ),
    ];
    for (name, config, planned) in cases {
        let r = served
            .client
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: TYPE.into(),
                prior_state: Some(null()),
                planned_state: Some(planned),
                config: Some(config),
                ..Default::default()
            })
            .await;
        let response = assert_error_diagnostic(&format!("ApplyResourceChange({name})"), r, |r| {
            &r.diagnostics
        });
        let new_state = response.new_state.map(|v| v.msgpack).unwrap_or_default();
        assert!(
            new_state.is_empty() || new_state == [0xc0],
            "ApplyResourceChange({name}) recorded a connection it could not verify"
        );
        served.assert_alive(name);
    }
    let calls = emulator.calls();
    assert_eq!(
        calls.token, 0,
        "nothing may be sent to Databricks with unknown credentials: {calls:?}"
    );
    served.assert_still_serving("unknown values at apply").await;
}

// ---- UpgradeResourceState ----------------------------------------------------------------------

#[tokio::test]
async fn upgrade_resource_state_refuses_garbage_flatmap_and_future_versions_with_diagnostics() {
    let mut served = serve().await;
    let raw = |json: &[u8]| pb::RawState {
        json: json.to_vec(),
        flatmap: HashMap::new(),
    };
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_attr = format!(
        r#"{{"name": {}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let huge_array = format!(r#"{{"name": ["{}"]}}"#, "k".repeat(5 * MIB));
    let cases: Vec<(&str, i64, Option<pb::RawState>)> = vec![
        ("garbage JSON", 0, Some(raw(b"{not json"))),
        ("truncated JSON", 0, Some(raw(br#"{"name": "x"#))),
        (
            "invalid UTF-8",
            0,
            Some(raw(&[b'{', b'"', 0xff, b'"', b':', b'1', b'}'])),
        ),
        ("a JSON array", 0, Some(raw(b"[1,2,3]"))),
        ("a JSON string", 0, Some(raw(br#""state""#))),
        (
            "an array where a string belongs",
            0,
            Some(raw(br#"{"name": [5]}"#)),
        ),
        (
            "an object where a number belongs",
            0,
            Some(raw(br#"{"expiry_warning_days": {"a": 1}}"#)),
        ),
        ("10,000 nested arrays", 0, Some(raw(deep.as_bytes()))),
        (
            "10,000 unclosed arrays",
            0,
            Some(raw("[".repeat(10_000).as_bytes())),
        ),
        (
            "an attribute of 10,000 nested arrays",
            0,
            Some(raw(deep_attr.as_bytes())),
        ),
        (
            "a 5 MiB array where a string belongs",
            0,
            Some(raw(huge_array.as_bytes())),
        ),
        (
            "flatmap (Terraform < 0.12)",
            0,
            Some(pb::RawState {
                json: Vec::new(),
                flatmap: [
                    ("id".to_string(), "x".to_string()),
                    ("name".to_string(), "y".to_string()),
                ]
                .into_iter()
                .collect(),
            }),
        ),
        ("no raw state", 0, None),
        ("an empty raw state", 0, Some(raw(b""))),
        ("a future version", 2, Some(raw(br#"{"name": "x"}"#))),
        ("version 99", 99, Some(raw(br#"{"name": "x"}"#))),
        ("version i64::MAX", i64::MAX, Some(raw(br#"{"name": "x"}"#))),
        ("a negative version", -1, Some(raw(br#"{"name": "x"}"#))),
        ("version i64::MIN", i64::MIN, Some(raw(br#"{"name": "x"}"#))),
    ];
    for (name, version, raw_state) in cases {
        let r = served
            .client
            .upgrade_resource_state(pb::upgrade_resource_state::Request {
                type_name: TYPE.into(),
                version,
                raw_state,
            })
            .await;
        let response = assert_error_diagnostic(&format!("UpgradeResourceState({name})"), r, |r| {
            &r.diagnostics
        });
        assert!(
            response.upgraded_state.is_none_or(|v| v.msgpack.is_empty()),
            "UpgradeResourceState({name}) produced a state from bad input"
        );
        served.assert_alive(name);
    }
    served
        .assert_still_serving("bad UpgradeResourceState requests")
        .await;
}

// ---- ImportResourceState -----------------------------------------------------------------------

#[tokio::test]
async fn import_with_malformed_ids_gets_an_error_diagnostic_and_imports_nothing() {
    let mut served = serve().await;
    let uuid = canonical::ACCOUNT_ID;
    let ids: Vec<String> = vec![
        String::new(),
        "/".into(),
        "///".into(),
        "////".into(),
        "aws".into(),
        format!("aws/{uuid}"),
        format!("aws/{uuid}/2323502488275632"),
        format!("aws/{uuid}/2323502488275632/"),
        format!("aws/{uuid}/2323502488275632/ "),
        format!("aws/{uuid}/2323502488275632/s/extra"),
        format!("AWS/{uuid}/2323502488275632/s"),
        format!("oracle/{uuid}/2323502488275632/s"),
        "aws/not-a-uuid/2323502488275632/s".into(),
        format!("aws/{uuid}/12a/s"),
        format!("aws/{uuid}/-1/s"),
        format!("aws/{uuid}/{}/s", "9".repeat(1000)),
        format!("aws/{uuid}//s"),
        format!("aws\0/{uuid}/1/s"),
        format!("ａｗｓ/{uuid}/1/s"),
        format!("{uuid}/2323502488275632/{}", canonical::SECRET_ID),
        "../../../etc/passwd".into(),
        "/".repeat(100_000),
        format!("aws/{}/1/s", "é".repeat(MIB)),
    ];
    for id in ids {
        let shown: String = id.chars().take(80).collect();
        let r = served
            .client
            .import_resource_state(pb::import_resource_state::Request {
                type_name: TYPE.into(),
                id,
                ..Default::default()
            })
            .await;
        let response =
            assert_error_diagnostic(&format!("ImportResourceState({shown:?})"), r, |r| {
                &r.diagnostics
            });
        assert!(
            response.imported_resources.is_empty(),
            "ImportResourceState({shown:?}) imported something"
        );
        served.assert_alive(&shown);
    }
    served.assert_still_serving("malformed import IDs").await;
}

// ---- out-of-order calls, unknown types, data sources ---------------------------------------

#[tokio::test]
async fn resource_operations_before_configure_provider_fail_with_a_diagnostic_and_keep_the_state() {
    let mut served = serve().await;
    let connection_schema = schema();
    let valid = encode(&connection_schema, &connection(s(canonical::SECRET)));
    let mut recorded = connection(s(canonical::SECRET));
    if let Value::Object(attrs) = &mut recorded {
        attrs.insert(
            "id".into(),
            s(&format!(
                "aws/{}/{}/{}",
                canonical::ACCOUNT_ID,
                canonical::SERVICE_PRINCIPAL_ID,
                canonical::SECRET_ID
            )),
        );
        attrs.insert("status".into(), s("verified"));
    }
    let recorded = encode(&connection_schema, &recorded);

    // Create before configure.
    let r = served
        .client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: TYPE.into(),
            prior_state: Some(null()),
            planned_state: Some(msgpack(valid.clone())),
            config: Some(msgpack(valid.clone())),
            ..Default::default()
        })
        .await;
    let response =
        assert_error_diagnostic("ApplyResourceChange(create) before configure", r, |r| {
            &r.diagnostics
        });
    let new_state = response.new_state.map(|v| v.msgpack).unwrap_or_default();
    assert!(
        new_state.is_empty() || new_state == [0xc0],
        "nothing recorded"
    );

    // Update and delete (with revoke) before configure keep the prior state.
    let mut revoking = connection(s(canonical::SECRET));
    if let Value::Object(attrs) = &mut revoking {
        attrs.insert("revoke_secret_on_destroy".into(), Value::Bool(true));
        attrs.insert("id".into(), s("x/y/z"));
    }
    let revoking = encode(&connection_schema, &revoking);
    for (what, prior, planned) in [
        ("update", recorded.clone(), valid.clone()),
        (
            "delete with revoke_secret_on_destroy",
            revoking.clone(),
            vec![0xc0],
        ),
    ] {
        let r = served
            .client
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: TYPE.into(),
                prior_state: Some(msgpack(prior.clone())),
                planned_state: Some(msgpack(planned)),
                config: Some(msgpack(valid.clone())),
                ..Default::default()
            })
            .await;
        let response = assert_error_diagnostic(
            &format!("ApplyResourceChange({what}) before configure"),
            r,
            |r| &r.diagnostics,
        );
        assert_eq!(
            response.new_state.map(|v| v.msgpack),
            Some(prior),
            "{what} before configure must keep the recorded connection"
        );
    }

    // Refresh before configure: error, state echoed.
    let r = served
        .client
        .read_resource(pb::read_resource::Request {
            type_name: TYPE.into(),
            current_state: Some(msgpack(recorded.clone())),
            ..Default::default()
        })
        .await;
    let response = assert_error_diagnostic("ReadResource before configure", r, |r| &r.diagnostics);
    assert_eq!(
        response.new_state.map(|v| v.msgpack),
        Some(recorded),
        "ReadResource before configure must keep the state"
    );
    served
        .assert_still_serving("operations before configure")
        .await;
}

#[tokio::test]
async fn unknown_type_names_and_data_source_rpcs_get_error_diagnostics() {
    let mut served = serve().await;
    let connection_schema = schema();
    let valid = encode(&connection_schema, &connection(s(canonical::SECRET)));
    for type_name in [
        "databricks_nope",
        "",
        "DATABRICKS_WORKFLOW_CONNECTION",
        "databricks_workflow_connection ",
        "\0",
    ] {
        let label = format!("{type_name:?}");
        let c = &mut served.client;
        let r = c
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: type_name.into(),
                config: Some(msgpack(valid.clone())),
                client_capabilities: None,
            })
            .await;
        assert_error_diagnostic(&format!("ValidateResourceConfig({label})"), r, |r| {
            &r.diagnostics
        });
        let r = c
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: type_name.into(),
                prior_state: Some(null()),
                proposed_new_state: Some(msgpack(valid.clone())),
                config: Some(msgpack(valid.clone())),
                ..Default::default()
            })
            .await;
        assert_error_diagnostic(&format!("PlanResourceChange({label})"), r, |r| {
            &r.diagnostics
        });
        let r = c
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: type_name.into(),
                prior_state: Some(null()),
                planned_state: Some(msgpack(valid.clone())),
                config: Some(msgpack(valid.clone())),
                ..Default::default()
            })
            .await;
        assert_error_diagnostic(&format!("ApplyResourceChange({label})"), r, |r| {
            &r.diagnostics
        });
        let r = c
            .read_resource(pb::read_resource::Request {
                type_name: type_name.into(),
                current_state: Some(msgpack(valid.clone())),
                ..Default::default()
            })
            .await;
        assert_error_diagnostic(&format!("ReadResource({label})"), r, |r| &r.diagnostics);
        let r = c
            .import_resource_state(pb::import_resource_state::Request {
                type_name: type_name.into(),
                id: format!(
                    "aws/{}/{}/{}",
                    canonical::ACCOUNT_ID,
                    canonical::SERVICE_PRINCIPAL_ID,
                    canonical::SECRET_ID
                ),
                ..Default::default()
            })
            .await;
        let response = assert_error_diagnostic(&format!("ImportResourceState({label})"), r, |r| {
            &r.diagnostics
        });
        assert!(response.imported_resources.is_empty());
        let r = c
            .upgrade_resource_state(pb::upgrade_resource_state::Request {
                type_name: type_name.into(),
                version: 0,
                raw_state: Some(pb::RawState {
                    json: br#"{"name": "x"}"#.to_vec(),
                    flatmap: HashMap::new(),
                }),
            })
            .await;
        assert_error_diagnostic(&format!("UpgradeResourceState({label})"), r, |r| {
            &r.diagnostics
        });

        // Data sources: this provider has none, whatever the name.
        for (what, config) in [
            ("valid", msgpack(valid.clone())),
            ("garbage", msgpack(vec![0xc1, 0xc1])),
            ("absent", pb::DynamicValue::default()),
        ] {
            let r = c
                .validate_data_resource_config(pb::validate_data_resource_config::Request {
                    type_name: type_name.into(),
                    config: Some(config.clone()),
                })
                .await;
            assert_error_diagnostic(
                &format!("ValidateDataResourceConfig({label}, {what})"),
                r,
                |r| &r.diagnostics,
            );
            let r = c
                .read_data_source(pb::read_data_source::Request {
                    type_name: type_name.into(),
                    config: Some(config),
                    ..Default::default()
                })
                .await;
            let response =
                assert_error_diagnostic(&format!("ReadDataSource({label}, {what})"), r, |r| {
                    &r.diagnostics
                });
            assert!(
                response
                    .state
                    .is_none_or(|s| s.msgpack.is_empty() || s.msgpack == [0xc0]),
                "ReadDataSource({label}) produced a state"
            );
        }
        served.assert_alive(&label);
    }
    // The data source name a user might guess, with the resource's name.
    let r = served
        .client
        .read_data_source(pb::read_data_source::Request {
            type_name: TYPE.into(),
            config: Some(msgpack(valid.clone())),
            ..Default::default()
        })
        .await;
    assert_error_diagnostic("ReadDataSource(the resource's type name)", r, |r| {
        &r.diagnostics
    });
    served.assert_still_serving("unknown type names").await;
}

#[tokio::test]
async fn rpcs_we_do_not_implement_answer_unimplemented_and_the_provider_keeps_serving() {
    let mut served = serve().await;
    let status = served
        .client
        .get_functions(pb::get_functions::Request {})
        .await
        .expect_err("no functions: UNIMPLEMENTED");
    assert_eq!(status.code(), tonic::Code::Unimplemented, "{status:?}");
    let status = served
        .client
        .call_function(pb::call_function::Request {
            name: "nope".into(),
            arguments: vec![msgpack(vec![0xc1])],
        })
        .await
        .expect_err("no functions: UNIMPLEMENTED");
    assert_eq!(status.code(), tonic::Code::Unimplemented, "{status:?}");
    let status = served
        .client
        .move_resource_state(pb::move_resource_state::Request {
            source_type_name: "x".into(),
            target_type_name: TYPE.into(),
            ..Default::default()
        })
        .await
        .expect_err("no moves: UNIMPLEMENTED");
    assert_eq!(status.code(), tonic::Code::Unimplemented, "{status:?}");
    served.assert_still_serving("unimplemented RPCs").await;
}

#[tokio::test]
async fn many_concurrent_garbage_requests_do_not_take_the_provider_down() {
    let mut served = serve().await;
    let ty = schema().implied_type();
    let valid = encode(&schema(), &connection(s(canonical::SECRET)));
    let cases = malformed(&ty, &valid);
    let mut tasks = Vec::new();
    for round in 0..4 {
        for (name, value) in cases.iter().cloned() {
            let mut client = served.client.clone();
            tasks.push(tokio::spawn(async move {
                let r = client
                    .read_resource(pb::read_resource::Request {
                        type_name: TYPE.into(),
                        current_state: Some(value),
                        ..Default::default()
                    })
                    .await;
                (format!("round {round}: {name}"), r.map(|r| r.into_inner()))
            }));
        }
    }
    for task in tasks {
        let (name, result) = task.await.unwrap();
        let response = result.unwrap_or_else(|e| panic!("ReadResource({name}): {e:?}"));
        assert!(!errors(&response.diagnostics).is_empty(), "{name}");
    }
    served.assert_still_serving("concurrent garbage").await;
}

// ---- 4. transport: no cookie, no socket ----------------------------------------------------

#[test]
fn without_the_cookie_no_socket_or_directory_is_created() {
    for cookie in [None, Some(""), Some(&COOKIE[1..]), Some("not the cookie")] {
        let tmp = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(provider_binary());
        cmd.env("TMPDIR", tmp.path())
            .env("PLUGIN_UNIX_SOCKET_DIR", tmp.path())
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env_remove("PLUGIN_CLIENT_CERT");
        match cookie {
            Some(c) => cmd.env("TF_PLUGIN_MAGIC_COOKIE", c),
            None => cmd.env_remove("TF_PLUGIN_MAGIC_COOKIE"),
        };
        let output = cmd.output().unwrap();
        assert_eq!(output.status.code(), Some(1), "cookie {cookie:?}");
        assert!(output.stdout.is_empty(), "cookie {cookie:?}: no handshake");
        let left: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert!(
            left.is_empty(),
            "cookie {cookie:?}: the provider created {left:?} without the cookie"
        );
    }
    // The same environment with the cookie does create its socket there (so the check above
    // looks at the right place).
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(provider_binary())
        .env("TMPDIR", tmp.path())
        .env("PLUGIN_UNIX_SOCKET_DIR", tmp.path())
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env_remove("PLUGIN_CLIENT_CERT")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let socket = std::path::PathBuf::from(line.split('|').nth(3).expect("handshake"));
    let created = std::fs::read_dir(tmp.path()).unwrap().count();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        socket.starts_with(tmp.path()) && created > 0,
        "with the cookie the socket should be under {} (it is {})",
        tmp.path().display(),
        socket.display()
    );
}
