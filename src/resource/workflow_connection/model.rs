//! Reading and editing the connection's object value, and the identity it names.
//!
//! Lifecycle code edits values in place (planned → new state, current → refreshed state)
//! rather than round-tripping through a struct: attributes it does not touch stay exactly as
//! Terraform sent them, which keeps a healthy connection's state byte-for-byte stable.

use std::collections::BTreeMap;

use databricks_account_client::{Cloud, SecretString};

use crate::protocol::cty::{Number, Value};
use crate::validation::{canonical_principal_id, is_uuid, principal_id_problem, secret_id_problem};

use super::attributes::{Attr, Status};

pub const DEFAULT_EXPIRY_WARNING_DAYS: i64 = 30;

/// An attribute's value, if the object has it.
pub fn get(object: &Value, attr: Attr) -> Option<&Value> {
    object.attr(attr.name())
}

/// A known, non-null string attribute.
pub fn text(object: &Value, attr: Attr) -> Option<&str> {
    get(object, attr).and_then(Value::as_str)
}

pub fn is_null(object: &Value, attr: Attr) -> bool {
    get(object, attr).is_none_or(Value::is_null)
}

pub fn is_unknown(object: &Value, attr: Attr) -> bool {
    get(object, attr).is_some_and(|v| !v.is_wholly_known())
}

pub fn whole_number(object: &Value, attr: Attr) -> Option<i64> {
    get(object, attr)?.as_number()?.to_i64()
}

pub fn boolean(object: &Value, attr: Attr) -> Option<bool> {
    get(object, attr)?.as_bool()
}

/// The recorded status; `None` when there is none or it is not one of ours.
pub fn status(object: &Value) -> Option<Status> {
    text(object, Attr::Status).and_then(Status::parse)
}

/// Sets an attribute of an object value (a no-op on anything else).
pub fn set(object: &mut Value, attr: Attr, value: Value) {
    if let Value::Object(attrs) = object {
        attrs.insert(attr.name().to_string(), value);
    }
}

pub fn set_status(object: &mut Value, status: Status) {
    set(object, Attr::Status, string(status.as_str()));
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
        text(object, Attr::CloudProvider)?,
        text(object, Attr::AccountId)?,
        text(object, Attr::ServicePrincipalId)?,
        text(object, Attr::SecretId)?,
    ))
}

/// Identity attributes Databricks compares without regard to case: UUIDs and the hexadecimal
/// secret ID. Writing one in another case is the same object, never a replacement.
fn compares_without_case(attr: Attr) -> bool {
    matches!(attr, Attr::AccountId | Attr::ClientId | Attr::SecretId)
}

/// Whether two values of identity attribute `attr` name the same object, as Databricks
/// compares them: UUIDs and secret IDs in any case, principal IDs with or without leading
/// zeros.
pub fn same_identity(attr: Attr, a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a.and_then(Value::as_str), b.and_then(Value::as_str)) {
        (Some(a), Some(b)) if compares_without_case(attr) => a.eq_ignore_ascii_case(b),
        (Some(a), Some(b)) if attr == Attr::ServicePrincipalId => {
            canonical_principal_id(a) == canonical_principal_id(b)
        }
        _ => a == b,
    }
}

/// What a connection points at, from known values, as Databricks names it (a principal ID
/// without leading zeros).
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
    /// those with their attribute before any operation runs). Every ID of a target is one
    /// path segment of a request: a recorded `..` never becomes a request to another path.
    pub fn from_value(object: &Value) -> Option<Self> {
        let account_id = text(object, Attr::AccountId)?;
        let service_principal_id = text(object, Attr::ServicePrincipalId)?;
        let secret_id = text(object, Attr::SecretId)?;
        let client_id = text(object, Attr::ClientId);
        let valid = is_uuid(account_id)
            && client_id.is_none_or(is_uuid)
            && principal_id_problem(service_principal_id).is_none()
            && secret_id_problem(secret_id).is_none();
        if !valid {
            return None;
        }
        Some(Self {
            cloud: text(object, Attr::CloudProvider)?.parse().ok()?,
            account_id: account_id.to_string(),
            client_id: client_id.map(str::to_string),
            service_principal_id: canonical_principal_id(service_principal_id).to_string(),
            secret_id: secret_id.to_string(),
        })
    }
}

/// The secret a configuration supplies, and the attribute it came from.
pub fn configured_secret(config: &Value) -> Option<(SecretString, Attr)> {
    [Attr::ClientSecret, Attr::ClientSecretWo]
        .into_iter()
        .find_map(|attr| text(config, attr).map(|s| (SecretString::new(s), attr)))
}

/// An object with every attribute of `attrs` set to null.
pub fn null_object(attrs: impl IntoIterator<Item = Attr>) -> Value {
    Value::Object(
        attrs
            .into_iter()
            .map(|a| (a.name().to_string(), Value::Null))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// How a connection is named in messages: by its name, else its ID.
pub fn label(object: &Value) -> String {
    match (text(object, Attr::Name), text(object, Attr::Id)) {
        (Some(name), _) => format!("connection {name:?}"),
        (None, Some(id)) => format!("connection {id}"),
        (None, None) => "the connection".into(),
    }
}

/// [`label`] with the ID as well, where two connections may share a name.
pub fn label_with_id(object: &Value) -> String {
    match (text(object, Attr::Name), text(object, Attr::Id)) {
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
        for attr in [Attr::AccountId, Attr::ClientId, Attr::SecretId] {
            assert!(same_identity(
                attr,
                v("0d2a7b1c-abcd").as_ref(),
                v("0D2A7B1C-ABCD").as_ref()
            ));
        }
        assert!(!same_identity(
            Attr::CloudProvider,
            v("aws").as_ref(),
            v("AWS").as_ref()
        ));
        assert!(!same_identity(
            Attr::AccountId,
            v("a").as_ref(),
            v("b").as_ref()
        ));
        assert!(same_identity(Attr::SecretId, None, None));
        assert!(same_identity(
            Attr::ServicePrincipalId,
            v("000123").as_ref(),
            v("123").as_ref()
        ));
        assert!(!same_identity(
            Attr::ServicePrincipalId,
            v("1230").as_ref(),
            v("123").as_ref()
        ));
        assert!(!same_identity(Attr::SecretId, v("a").as_ref(), None));
    }

    #[test]
    fn the_id_is_the_import_id() {
        let mut o = null_object(Attr::identity());
        for (k, v) in [
            (Attr::CloudProvider, "gcp"),
            (Attr::AccountId, "acc"),
            (Attr::ServicePrincipalId, "1"),
            (Attr::SecretId, "s"),
        ] {
            set(&mut o, k, string(v));
        }
        assert_eq!(id_from(&o).as_deref(), Some("gcp/acc/1/s"));
        set(&mut o, Attr::SecretId, Value::unknown());
        assert_eq!(id_from(&o), None);
    }
}
