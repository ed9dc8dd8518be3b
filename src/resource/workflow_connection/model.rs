//! Reading and editing the connection's object value, and the identity it names.
//!
//! Lifecycle code edits values in place (planned → new state, current → refreshed state)
//! rather than round-tripping through a struct: attributes it does not touch stay exactly as
//! Terraform sent them, which keeps a healthy connection's state byte-for-byte stable.

use std::collections::BTreeMap;

use databricks_account_client::{Cloud, SecretString};

use crate::protocol::cty::{Number, Value};

pub const DEFAULT_EXPIRY_WARNING_DAYS: i64 = 30;

/// The attributes that name the remote objects; changing one replaces the connection.
pub const IDENTITY: [&str; 5] = [
    "cloud_provider",
    "account_id",
    "client_id",
    "service_principal_id",
    "secret_id",
];

/// A known, non-null string attribute.
pub fn text<'a>(object: &'a Value, name: &str) -> Option<&'a str> {
    object.attr(name).and_then(Value::as_str)
}

pub fn is_null(object: &Value, name: &str) -> bool {
    object.attr(name).is_none_or(Value::is_null)
}

pub fn is_unknown(object: &Value, name: &str) -> bool {
    object.attr(name).is_some_and(|v| !v.is_wholly_known())
}

pub fn whole_number(object: &Value, name: &str) -> Option<i64> {
    object.attr(name)?.as_number()?.to_i64()
}

pub fn boolean(object: &Value, name: &str) -> Option<bool> {
    object.attr(name)?.as_bool()
}

/// Sets an attribute of an object value (a no-op on anything else).
pub fn set(object: &mut Value, name: &str, value: Value) {
    if let Value::Object(attrs) = object {
        attrs.insert(name.to_string(), value);
    }
}

pub fn string(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

pub fn optional_string(s: Option<&str>) -> Value {
    s.map_or(Value::Null, string)
}

pub fn number(n: i64) -> Value {
    Value::Number(Number::from_i64(n))
}

/// `<account_id>/<service_principal_id>/<secret_id>`.
pub fn id_of(account_id: &str, service_principal_id: &str, secret_id: &str) -> String {
    format!("{account_id}/{service_principal_id}/{secret_id}")
}

/// What a connection points at, from known values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub cloud: Cloud,
    pub account_id: String,
    pub client_id: Option<String>,
    pub service_principal_id: String,
    pub secret_id: String,
}

impl Target {
    /// None when an identity attribute is missing or not a valid value (validation reports
    /// those with their attribute before any operation runs).
    pub fn from_value(object: &Value) -> Option<Self> {
        Some(Self {
            cloud: text(object, "cloud_provider")?.parse().ok()?,
            account_id: text(object, "account_id")?.to_string(),
            client_id: text(object, "client_id").map(str::to_string),
            service_principal_id: text(object, "service_principal_id")?.to_string(),
            secret_id: text(object, "secret_id")?.to_string(),
        })
    }
}

/// The secret a configuration supplies, and the attribute it came from.
pub fn configured_secret(config: &Value) -> Option<(SecretString, &'static str)> {
    ["client_secret", "client_secret_wo"]
        .into_iter()
        .find_map(|name| text(config, name).map(|s| (SecretString::new(s), name)))
}

/// An object with every attribute of `names` set to null.
pub fn null_object<'a>(names: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Object(
        names
            .into_iter()
            .map(|n| (n.to_string(), Value::Null))
            .collect::<BTreeMap<_, _>>(),
    )
}
