//! Writes the seed corpora of the fuzz targets into `corpus/<target>/`:
//! `cargo run --example seeds` (from `fuzz/`). The seeds are real inputs: a connection's
//! configuration and state encoded by the provider's own encoders, and the account API's
//! payloads from the reference (token answers and errors, SCIM objects and errors, secret
//! lists, an HTML page, plain-text errors).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use fuzz_support::{SELECT_PROVIDER, SELECT_RESOURCE, provider_type, resource_type};
use terraform_provider_databricks::protocol::cty::{
    Number, Refinements, Type, Value, encode_json, encode_msgpack,
};
use terraform_provider_databricks::resource::workflow_connection::fuzzing::revoke::{
    self, Decision,
};

const ACC: &str = "0d2a7b1c-1234-4abc-9def-0123456789ab";
const APP: &str = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
const SP: &str = "2323502488275632";
const SEC: &str = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110";

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    msgpack_value(&root.join("msgpack_value"))?;
    json_value(&root.join("json_value"))?;
    resource_model(&root.join("resource_model"))?;
    databricks_responses(&root.join("databricks_responses"))?;
    timestamps(&root.join("timestamps"))?;
    Ok(())
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join(name), bytes)?;
    Ok(())
}

fn prefixed(prefix: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = prefix.to_vec();
    out.extend_from_slice(body);
    out
}

fn s(v: &str) -> Value {
    Value::string(v)
}

fn n(v: i64) -> Value {
    Value::Number(Number::from_i64(v))
}

fn with(ty: &Type, set: &[(&str, Value)]) -> Value {
    let mut attrs: BTreeMap<String, Value> = match ty {
        Type::Object(attrs) => attrs.keys().map(|k| (k.clone(), Value::Null)).collect(),
        _ => BTreeMap::new(),
    };
    for (k, v) in set {
        attrs.insert((*k).to_owned(), v.clone());
    }
    Value::Object(attrs)
}

/// A connection's configuration, as `terraform plan` sends it.
fn config() -> Value {
    with(
        &resource_type(),
        &[
            ("name", s("Databricks analytics")),
            ("cloud_provider", s("aws")),
            ("account_id", s(ACC)),
            ("client_id", s(APP)),
            ("client_secret", s("dose1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e")),
            ("service_principal_id", s(SP)),
            ("secret_id", s(SEC)),
        ],
    )
}

/// A configuration with the write-only secret and an unknown description.
fn config_write_only() -> Value {
    with(
        &resource_type(),
        &[
            ("name", s("conn")),
            ("description", Value::unknown()),
            ("cloud_provider", s("azure")),
            ("account_id", s(ACC)),
            ("client_id", s(APP)),
            ("client_secret_wo", s("dose2")),
            ("client_secret_wo_version", n(3)),
            ("service_principal_id", s(SP)),
            ("secret_id", s(SEC)),
            ("expiry_warning_days", n(45)),
            ("revoke_secret_on_destroy", Value::Bool(true)),
        ],
    )
}

/// What an apply records.
fn state() -> Value {
    let mut v = config();
    if let Value::Object(attrs) = &mut v {
        for (k, x) in [
            ("expiry_warning_days", n(30)),
            ("revoke_secret_on_destroy", Value::Bool(false)),
            ("id", s(&format!("{ACC}/{SP}/{SEC}"))),
            ("service_principal_name", s("okta-workflows-connector")),
            ("secret_create_time", s("2025-01-01T00:00:00Z")),
            ("secret_expire_time", s("2027-01-01T00:00:00Z")),
            ("verified_at", s("2026-11-29T04:00:00Z")),
            ("status", s("verified")),
        ] {
            attrs.insert(k.to_owned(), x);
        }
    }
    v
}

/// What a plan of a create proposes: computed values unknown, one refined.
fn planned() -> Value {
    let mut v = state();
    if let Value::Object(attrs) = &mut v {
        for k in [
            "service_principal_name",
            "secret_create_time",
            "verified_at",
        ] {
            attrs.insert(k.to_owned(), Value::unknown());
        }
        attrs.insert(
            "secret_expire_time".to_owned(),
            Value::unknown_refined(Refinements {
                not_null: true,
                string_prefix: Some("20".to_owned()),
                ..Refinements::default()
            }),
        );
    }
    v
}

fn provider_config() -> Value {
    with(
        &provider_type(),
        &[
            ("host", s("http://127.0.0.1:8080")),
            ("account_id", s(ACC)),
            ("client_id", s(APP)),
            ("client_secret", s("dose-management")),
            ("rate_limit", n(15)),
        ],
    )
}

/// Seeds for the other selectable types (selector = index in `fixed_types`).
fn other_values() -> Vec<(u8, Type, Value)> {
    vec![
        (2, Type::String, s("héllo\u{2028}")),
        (
            3,
            Type::Number,
            Value::Number(Number::parse("0.1").unwrap_or(Number::from_i64(0))),
        ),
        (4, Type::Bool, Value::Bool(true)),
        (
            5,
            Type::Dynamic,
            Value::dynamic(
                Type::object([("a", Type::list(Type::Number)), ("b", Type::Dynamic)]),
                Value::object([
                    ("a", Value::List(vec![n(1), n(-2)])),
                    ("b", Value::dynamic(Type::String, s("x"))),
                ]),
            ),
        ),
        (
            7,
            Type::set(Type::Number),
            Value::Set(vec![n(1), n(2), Value::Number(Number::infinity())]),
        ),
        (
            12,
            Type::set(Type::object([
                ("name", Type::String),
                ("ports", Type::set(Type::Number)),
            ])),
            Value::Set(vec![Value::object([
                ("name", s("web")),
                ("ports", Value::Set(vec![n(80), n(443)])),
            ])]),
        ),
        (
            16,
            Type::tuple([Type::String, Type::Dynamic, Type::list(Type::Number)]),
            Value::Tuple(vec![
                s("t"),
                Value::dynamic(Type::Bool, Value::Bool(false)),
                Value::List(vec![Value::unknown(), n(7)]),
            ]),
        ),
    ]
}

/// A type given as JSON (selector 0xf0 + low 2 bits of the length, then length / 4).
fn type_json_prefix(ty: &Type) -> Vec<u8> {
    let json = ty.to_json();
    let len = json.len();
    let mut out = vec![0xf0 | (len & 0x03) as u8, (len >> 2) as u8];
    out.extend_from_slice(json.as_bytes());
    out
}

fn msgpack_value(dir: &Path) -> Result<()> {
    let ty = resource_type();
    write(
        dir,
        "resource_config",
        &prefixed(&[SELECT_RESOURCE], &encode_msgpack(&config(), &ty)?),
    )?;
    write(
        dir,
        "resource_config_write_only",
        &prefixed(
            &[SELECT_RESOURCE],
            &encode_msgpack(&config_write_only(), &ty)?,
        ),
    )?;
    write(
        dir,
        "resource_state",
        &prefixed(&[SELECT_RESOURCE], &encode_msgpack(&state(), &ty)?),
    )?;
    write(
        dir,
        "resource_planned",
        &prefixed(&[SELECT_RESOURCE], &encode_msgpack(&planned(), &ty)?),
    )?;
    write(
        dir,
        "provider_config",
        &prefixed(
            &[SELECT_PROVIDER],
            &encode_msgpack(&provider_config(), &provider_type())?,
        ),
    )?;
    for (selector, ty, v) in other_values() {
        write(
            dir,
            &format!("type_{selector}"),
            &prefixed(&[selector], &encode_msgpack(&v, &ty)?),
        )?;
    }
    let custom = Type::object([("m", Type::map(Type::tuple([Type::Bool, Type::Number])))]);
    let v = Value::object([(
        "m",
        Value::Map(BTreeMap::from([(
            "k".to_owned(),
            Value::Tuple(vec![Value::Bool(true), n(1)]),
        )])),
    )]);
    write(
        dir,
        "type_json",
        &prefixed(&type_json_prefix(&custom), &encode_msgpack(&v, &custom)?),
    )?;
    Ok(())
}

fn json_value(dir: &Path) -> Result<()> {
    let ty = resource_type();
    write(
        dir,
        "resource_state",
        &prefixed(&[SELECT_RESOURCE], &encode_json(&state(), &ty)?),
    )?;
    write(
        dir,
        "resource_config",
        &prefixed(&[SELECT_RESOURCE], &encode_json(&config(), &ty)?),
    )?;
    // State written by an older schema: an attribute this one does not have (lenient only).
    let mut old = String::from_utf8(encode_json(&state(), &ty)?)?;
    old.insert_str(1, r#""removed_attribute":{"x":[1,2]},"#);
    write(
        dir,
        "resource_state_old_schema",
        &prefixed(&[SELECT_RESOURCE], old.as_bytes()),
    )?;
    write(
        dir,
        "provider_config",
        &prefixed(
            &[SELECT_PROVIDER],
            &encode_json(&provider_config(), &provider_type())?,
        ),
    )?;
    for (selector, ty, v) in other_values() {
        if let Ok(json) = encode_json(&v, &ty) {
            write(
                dir,
                &format!("type_{selector}"),
                &prefixed(&[selector], &json),
            )?;
        }
    }
    // go-cty conversions: strings for numbers and bools, numbers for strings.
    let obj = 15u8;
    write(
        dir,
        "conversions",
        &prefixed(
            &[obj],
            br#"{"s":1.50,"n":"12","b":"true","d":{"value":[1,"x"],"type":["tuple",["number","string"]]},"l":["a",null],"t":["x",1e3,false],"m":{"k":["v"]},"o":{"inner":null}}"#,
        ),
    )?;
    let custom = Type::object([("m", Type::map(Type::tuple([Type::Bool, Type::Number])))]);
    write(
        dir,
        "type_json",
        &prefixed(&type_json_prefix(&custom), br#"{"m":{"k":[true,1]}}"#),
    )?;
    Ok(())
}

fn resource_model(dir: &Path) -> Result<()> {
    let ty = resource_type();
    let import_id = format!("aws/{ACC}/{SP}/{SEC}");
    let head = |control: u8, private: &[u8]| {
        let mut out = vec![control, import_id.len() as u8];
        out.extend_from_slice(import_id.as_bytes());
        out.push(0); // version 0
        out.push(private.len() as u8);
        out.extend_from_slice(private);
        out
    };
    let chunk16 = |out: &mut Vec<u8>, bytes: &[u8]| {
        out.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
        out.extend_from_slice(bytes);
    };
    // msgpack mode: config, prior state, proposed state.
    let mut update = head(0x1f, b"");
    chunk16(&mut update, &encode_msgpack(&config(), &ty)?);
    chunk16(&mut update, &encode_msgpack(&state(), &ty)?);
    update.extend_from_slice(&encode_msgpack(&state(), &ty)?);
    write(dir, "plan_update", &update)?;

    // The second plan call of a replacement: the prior private data holds the decision.
    let keep = revoke::encode(&Decision::Keep {
        reason: "the connection that replaces it uses the same secret".into(),
    });
    let mut create = head(0x02, &keep);
    chunk16(&mut create, &encode_msgpack(&config_write_only(), &ty)?);
    chunk16(&mut create, &[]);
    create.extend_from_slice(&encode_msgpack(&planned(), &ty)?);
    write(dir, "plan_create_write_only", &create)?;

    // JSON mode: raw state for UpgradeResourceState.
    let mut upgrade = head(0x80 | 0x0c, b"");
    upgrade.extend_from_slice(&encode_json(&state(), &ty)?);
    write(dir, "upgrade_state", &upgrade)?;

    let mut bad_import = vec![0x00, 9];
    bad_import.extend_from_slice(b"aws/x/y/z");
    bad_import.extend_from_slice(&[0, 0]);
    write(dir, "import_invalid", &bad_import)?;

    // The destroy of a connection that revokes its secret (no import: the pool of values is
    // null and that state, and control 0 plans null over it).
    let mut revoking = state();
    if let Value::Object(attrs) = &mut revoking {
        attrs.insert("revoke_secret_on_destroy".to_owned(), Value::Bool(true));
    }
    let mut destroy = vec![0x00, 0, 0, 0];
    chunk16(&mut destroy, &encode_msgpack(&revoking, &ty)?);
    chunk16(&mut destroy, &[]);
    write(dir, "plan_destroy_revoke", &destroy)?;
    // Its replacement by a connection with another secret (pool: null, the imported state,
    // config, moved, revoking; the fifth of eight plans is config/moved over revoking).
    let mut moved = revoking.clone();
    if let Value::Object(attrs) = &mut moved {
        attrs.insert("secret_id".to_owned(), s("0a1b2c"));
    }
    let mut replace = head(0x1c, b"");
    chunk16(&mut replace, &encode_msgpack(&config(), &ty)?);
    chunk16(&mut replace, &encode_msgpack(&moved, &ty)?);
    replace.extend_from_slice(&encode_msgpack(&revoking, &ty)?);
    write(dir, "plan_replace_revoke", &replace)?;
    Ok(())
}

fn databricks_responses(dir: &Path) -> Result<()> {
    // (name, status, content type index or custom, Retry-After, body)
    let cases: &[(&str, u16, &str, &str, &str)] = &[
        (
            "token_ok",
            200,
            "application/json",
            "",
            r#"{"access_token":"eyJraWQiOi...","scope":"all-apis","token_type":"Bearer","expires_in":3600}"#,
        ),
        (
            "token_ok_string_expiry",
            200,
            "application/json",
            "",
            r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":"3600","scope":"all-apis"}"#,
        ),
        (
            // Bytes above 0x7f are valid in a header value, but not visible ASCII.
            "token_non_ascii",
            200,
            "application/json",
            "",
            r#"{"access_token":"eyJ·kid","expires_in":3598}"#,
        ),
        (
            "token_invalid_client",
            401,
            "application/json",
            "",
            r#"{"error":"invalid_client","error_id":"faeb24cc-6fdf-4582-9446-cc5ca979d308","error_description":"Client authentication failed"}"#,
        ),
        (
            "token_invalid_request",
            400,
            "application/json",
            "",
            r#"{"error": "invalid_request", "error_description": "Invalid account"}"#,
        ),
        (
            "token_okta_style",
            401,
            "application/json",
            "",
            r#"{"errorCode":"invalid_client","errorSummary":"nope"}"#,
        ),
        (
            "scim_principal",
            200,
            "application/scim+json",
            "",
            r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"],"id":"2323502488275632","applicationId":"6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b","displayName":"okta-workflows-connector","active":true,"externalId":"","roles":[{"value":"account_admin"}],"account_id":"0d2a7b1c-1234-4abc-9def-0123456789ab"}"#,
        ),
        (
            "scim_not_found",
            404,
            "application/scim+json",
            "",
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Service principal with id 123 is not found","status":"404"}"#,
        ),
        (
            "scim_bad_request",
            400,
            "application/json",
            "",
            r#"{"detail":"Request is unparsable, syntactically incorrect, or violates schema.","schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"Attribute applicationID cannot be specified for the SCIM Object","status":"400"}"#,
        ),
        (
            "secrets_list",
            200,
            "application/json",
            "",
            r#"{"secrets":[{"id":"09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110","secret_hash":"…","create_time":"2023-01-01T19:30:41.000Z","update_time":"2023-01-01T19:30:41.000Z","status":"ACTIVE","expire_time":"2024-01-01T19:30:41.000Z"}],"next_page_token":"…"}"#,
        ),
        (
            "secret_created",
            200,
            "application/json",
            "",
            r#"{"id":"09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110","secret":"x8ipcf0482bcaah6b3dfcb3fb217461f8b83","secret_hash":"…","create_time":"2023-01-01T19:30:41.000Z","update_time":"2023-01-01T19:30:41.000Z","status":"ACTIVE","expire_time":"2024-01-01T19:30:41.000Z"}"#,
        ),
        (
            "error_details",
            404,
            "application/json",
            "",
            r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no such thing","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"r","domain":"d","metadata":{"k":"v"}},{"@type":"type.googleapis.com/google.rpc.RequestInfo","request_id":"req42","serving_data":"data"},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retry_delay":"42.000000001s"}]}"#,
        ),
        (
            "error_numeric_code",
            401,
            "application/json",
            "",
            r#"{"error_code":401,"message":"Credential was not sent or was of an unsupported type for this API. [ReqId: 1]"}"#,
        ),
        (
            "rate_limited",
            429,
            "application/json",
            "2",
            r#"{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}"#,
        ),
        (
            "unavailable_http_date",
            503,
            "application/json",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            r#"{"error_code":"TEMPORARILY_UNAVAILABLE","message":"try later"}"#,
        ),
        (
            "api12",
            400,
            "application/json",
            "1.5",
            r#"{"error": "Something went wrong with the request."}"#,
        ),
        (
            "plain_code",
            400,
            "text/plain",
            "",
            "MALFORMED_REQUEST: vpc_endpoints malformed parameters: ...",
        ),
        (
            "plain_text",
            500,
            "text/plain",
            "",
            "upstream connect error or disconnect/reset before headers",
        ),
        (
            "html_page",
            200,
            "text/html; charset=utf-8",
            "",
            "<!DOCTYPE html><html><head><title>Databricks - Sign In</title></head><body><pre>Error &lt;502&gt; &amp; more</pre></body></html>",
        ),
        ("empty", 404, "", "", ""),
        (
            "truncated_json",
            500,
            "application/json",
            "",
            r#"{"error_code":"INTERNAL_ERROR","mess"#,
        ),
    ];
    for (name, status, ct, retry_after, body) in cases {
        write(dir, name, &response(*status, ct, retry_after, body))?;
    }
    // Secret lists with the hostile times, the same time recorded (as `Retry-After`).
    for (i, t) in HOSTILE_TIMES.iter().enumerate() {
        let body = serde_json::json!({"secrets": [
            {"id": SEC, "create_time": t, "update_time": t, "status": "ACTIVE", "expire_time": t},
            {"id": "a0b1", "status": "ACTIVE", "expire_time": t},
        ]})
        .to_string();
        write(
            dir,
            &format!("secrets_time_{i}"),
            &response(200, "application/json", t, &body),
        )?;
    }
    Ok(())
}

/// A `databricks_responses` input: status, content type, `Retry-After`, clock, body.
fn response(status: u16, ct: &str, retry_after: &str, body: &str) -> Vec<u8> {
    let status_bytes = (status - 100).to_le_bytes();
    let mut out = vec![status_bytes[0], status_bytes[1]];
    let known = [
        "",
        "application/json",
        "application/scim+json; charset=utf-8",
        "text/html; charset=utf-8",
        "text/plain",
    ];
    match known.iter().position(|k| *k == ct) {
        Some(i) => out.push(i as u8),
        None => {
            out.push(0xff);
            out.push(ct.len() as u8);
            out.extend_from_slice(ct.as_bytes());
        }
    }
    out.push(retry_after.len() as u8);
    out.extend_from_slice(retry_after.as_bytes());
    out.push(0x16); // clock: 2^26 * 22 s ≈ 2014
    out.extend_from_slice(body.as_bytes());
    out
}

/// Timestamps the API may send, or something in their place: offsets that push a time past
/// year 9999 or before year 0 in UTC, a leap second, more fractional digits than nanoseconds,
/// a decimal comma, lower case, spaces, a time out of range, nothing and garbage.
const HOSTILE_TIMES: [&str; 16] = [
    "9999-12-31T23:59:59-23:59",
    "0000-01-01T00:00:00+23:59",
    "2016-12-31T23:59:60Z",
    "2016-12-31T23:59:60+00:00",
    "2015-06-30T23:59:60-01:00",
    "2027-01-01T00:00:00.123456789123456789123456789Z",
    "2027-01-01T00:00:00,5Z",
    "2027-01-01T00:00:00.000Z",
    "2026-12-01T19:30:41.5+05:30",
    "2027-01-01t00:00:00z",
    " 2027-01-01T00:00:00Z\n",
    "2027-02-30T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z",
    "0000-01-01T00:00:00Z",
    "",
    "garbage",
];

/// A `timestamps` input (see `fuzz_targets/timestamps.rs`).
struct TimeCase<'a> {
    control: u8,
    days: i64,
    days_text: &'a str,
    recorded: &'a str,
    status: u8,
    plan: u8,
    /// (flags, status, create_time, expire_time); flags as the target reads them.
    secrets: Vec<(u8, &'a str, &'a str, &'a str)>,
    clock: (i64, u32, i16),
    private: Vec<u8>,
}

impl TimeCase<'_> {
    fn bytes(&self) -> Vec<u8> {
        let chunk = |out: &mut Vec<u8>, s: &str| {
            out.push(s.len() as u8);
            out.extend_from_slice(s.as_bytes());
        };
        let mut out = vec![self.control];
        out.extend_from_slice(&self.days.to_le_bytes());
        chunk(&mut out, self.days_text);
        chunk(&mut out, self.recorded);
        out.extend_from_slice(&[self.status, self.plan, self.secrets.len() as u8]);
        for (flags, status, create, expire) in &self.secrets {
            out.push(*flags);
            for s in [status, create, expire] {
                chunk(&mut out, s);
            }
        }
        out.extend_from_slice(&self.clock.0.to_le_bytes());
        out.extend_from_slice(&self.clock.1.to_le_bytes());
        out.extend_from_slice(&self.clock.2.to_le_bytes());
        out.extend_from_slice(&self.private);
        out
    }
}

/// Flags of a listed secret: the connection's ID, with status, create_time and expire_time.
const LISTED: u8 = 0x1c;
/// Another secret's ID, with all three fields.
const OTHER: u8 = 0x1e;
/// Plan flags: update; configured days from the i64, recorded days 30 (a record-only change
/// unless the i64 is 30).
const UPDATE_DAYS: u8 = 0x0c;
/// Plan flags: update; configured and recorded days the same number given as text.
const UPDATE_TEXT_DAYS: u8 = 0x05;
/// Plan flags: create; destroy with revoke_secret_on_destroy recorded.
const CREATE: u8 = 0x20;
const DESTROY_REVOKING: u8 = 0x70;

fn timestamps(dir: &Path) -> Result<()> {
    let base = |recorded| TimeCase {
        control: 0x02, // clock: seconds around the recorded expiry
        days: 30,
        days_text: "30",
        recorded,
        status: 0, // verified
        plan: UPDATE_DAYS,
        secrets: vec![(LISTED, "ACTIVE", recorded, recorded)],
        clock: (-3600, 0, 0),
        private: Vec::new(),
    };
    for (i, t) in HOSTILE_TIMES.iter().enumerate() {
        // Listed, an hour before its expiry (which warns), with a record-only change of days.
        write(dir, &format!("listed_{i}"), &base(t).bytes())?;
        // No longer listed, a day after the recorded expiry; the record says secret_expired.
        let unlisted = TimeCase {
            control: 0x03,
            status: 2,
            plan: UPDATE_TEXT_DAYS,
            secrets: vec![(OTHER, "ACTIVE", t, t)],
            clock: (1, 0, 0),
            ..base(t)
        };
        write(dir, &format!("unlisted_{i}"), &unlisted.bytes())?;
    }
    // Numbers of days from state and configuration, and a clock with an offset.
    for (i, (days, text)) in [
        (i64::MAX, "1e400"),
        (i64::MIN, "-1e400"),
        (0, "0.5"),
        (-1, "-0"),
        (100_001, "18446744073709551616"),
        (106_751_991_167_301, "106751991167300.999999999999"),
    ]
    .into_iter()
    .enumerate()
    {
        let case = TimeCase {
            days,
            days_text: text,
            plan: if i % 2 == 0 {
                UPDATE_DAYS
            } else {
                UPDATE_TEXT_DAYS
            },
            clock: (-86_400 * 3, 999_999_999, 1200),
            ..base("9999-12-31T23:59:59-23:59")
        };
        write(dir, &format!("days_{i}"), &case.bytes())?;
    }
    // Clocks at the ends of what `time` represents.
    for (i, raw) in [i64::MIN, i64::MAX, 0].into_iter().enumerate() {
        let case = TimeCase {
            control: 0x01,
            clock: (raw, 0, i16::MIN),
            ..base("0000-01-01T00:00:00+23:59")
        };
        write(dir, &format!("clock_{i}"), &case.bytes())?;
    }
    // A create carrying a decision, a destroy that revokes, and private data that is not ours.
    let keep = revoke::encode(&Decision::Keep {
        reason: "the connection that replaces it uses the same secret".into(),
    });
    for (name, plan, private) in [
        ("create_keep", CREATE, keep),
        (
            "destroy_revoke",
            DESTROY_REVOKING,
            revoke::encode(&Decision::Revoke),
        ),
        (
            "create_foreign_private",
            CREATE,
            b"{\"revoke_on_destroy\":7}".to_vec(),
        ),
    ] {
        let case = TimeCase {
            plan,
            private,
            ..base("2027-01-01T00:00:00Z")
        };
        write(dir, name, &case.bytes())?;
    }
    Ok(())
}
