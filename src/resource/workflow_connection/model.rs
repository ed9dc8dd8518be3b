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

/// Identity attributes Databricks compares without regard to case: UUIDs and the hexadecimal
/// secret ID. Writing one in another case is the same object, never a replacement.
const CASE_INSENSITIVE: [&str; 3] = ["account_id", "client_id", "secret_id"];

/// Arguments that govern the provider, not Databricks: changing only these (or the case of
/// an identity value) records the change without a check, so it works with a dead secret.
pub const RECORD_ONLY: [&str; 2] = ["expiry_warning_days", "revoke_secret_on_destroy"];

/// Values a verification observes; unknown in the plan of anything that verifies.
pub const OBSERVED: [&str; 5] = [
    "service_principal_name",
    "secret_create_time",
    "secret_expire_time",
    "verified_at",
    "status",
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

/// `<cloud_provider>/<account_id>/<service_principal_id>/<secret_id>`: the `id` attribute and
/// the import ID are the same string.
pub fn id_of(cloud: &str, account_id: &str, service_principal_id: &str, secret_id: &str) -> String {
    format!("{cloud}/{account_id}/{service_principal_id}/{secret_id}")
}

/// The `id` of an object from its identity attributes; `None` while one of them is unknown.
pub fn id_from(object: &Value) -> Option<String> {
    Some(id_of(
        text(object, "cloud_provider")?,
        text(object, "account_id")?,
        text(object, "service_principal_id")?,
        text(object, "secret_id")?,
    ))
}

/// Whether two values of identity attribute `name` name the same object, as Databricks
/// compares them.
pub fn same_identity(name: &str, a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a.and_then(Value::as_str), b.and_then(Value::as_str)) {
        (Some(a), Some(b)) if CASE_INSENSITIVE.contains(&name) => a.eq_ignore_ascii_case(b),
        _ => a == b,
    }
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

/// How a connection is named in messages: by its name, else its ID.
pub fn label(object: &Value) -> String {
    match (text(object, "name"), text(object, "id")) {
        (Some(name), _) => format!("connection {name:?}"),
        (None, Some(id)) => format!("connection {id}"),
        (None, None) => "the connection".into(),
    }
}

/// [`label`] with the ID as well, where two connections may share a name.
pub fn label_with_id(object: &Value) -> String {
    match (text(object, "name"), text(object, "id")) {
        (Some(name), Some(id)) => format!("connection {name:?} ({id})"),
        _ => label(object),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_and_secret_ids_compare_without_case_other_identities_exactly() {
        let v = |s: &str| Some(Value::String(s.into()));
        for name in ["account_id", "client_id", "secret_id"] {
            assert!(same_identity(
                name,
                v("0d2a7b1c-abcd").as_ref(),
                v("0D2A7B1C-ABCD").as_ref()
            ));
        }
        assert!(!same_identity(
            "cloud_provider",
            v("aws").as_ref(),
            v("AWS").as_ref()
        ));
        assert!(!same_identity(
            "account_id",
            v("a").as_ref(),
            v("b").as_ref()
        ));
        assert!(same_identity("secret_id", None, None));
        assert!(!same_identity("secret_id", v("a").as_ref(), None));
    }

    #[test]
    fn the_id_is_the_import_id() {
        let mut o = null_object(IDENTITY);
        for (k, v) in [
            ("cloud_provider", "gcp"),
            ("account_id", "acc"),
            ("service_principal_id", "1"),
            ("secret_id", "s"),
        ] {
            set(&mut o, k, string(v));
        }
        assert_eq!(id_from(&o).as_deref(), Some("gcp/acc/1/s"));
        set(&mut o, "secret_id", Value::unknown());
        assert_eq!(id_from(&o), None);
    }
}
