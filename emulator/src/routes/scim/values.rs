//! Values read from SCIM request bodies: multi-valued complex attributes, booleans in the
//! forms clients send, attribute names.

use super::fault::ScimFault;
use super::resource::SP_SCHEMA;

/// The `value`s of a multi-valued attribute of complex values, e.g. `roles`:
/// `[{"value":"account_admin"}]`; a single object is taken as a one-element list.
pub(super) fn complex_values(attr: &str, v: &serde_json::Value) -> Result<Vec<String>, ScimFault> {
    let items: Vec<&serde_json::Value> = match v {
        serde_json::Value::Array(items) => items.iter().collect(),
        serde_json::Value::Object(_) => vec![v],
        _ => {
            return Err(ScimFault::invalid_value(format!(
                "{attr} must be a list of {{\"value\": …}} objects"
            )));
        }
    };
    items
        .into_iter()
        .map(
            |item| match item.get("value").and_then(serde_json::Value::as_str) {
                Some(s) if !s.trim().is_empty() => Ok(s.to_owned()),
                _ => Err(ScimFault::invalid_value(format!(
                    "every {attr} entry needs a non-empty string \"value\""
                ))),
            },
        )
        .collect()
}

/// A SCIM boolean as clients send it: `false`, `"false"`, `{"value":"false"}` or
/// `[{"value":"false"}]` (what the Terraform provider sends to deactivate a principal).
pub(super) fn scim_bool(v: &serde_json::Value) -> Option<bool> {
    match v {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        serde_json::Value::Object(o) => o.get("value").and_then(scim_bool),
        serde_json::Value::Array(items) => match items.as_slice() {
            [one] => scim_bool(one),
            _ => None,
        },
        _ => None,
    }
}

/// Attribute names are case-insensitive (RFC 7643 §2.1) and may carry the schema URN
/// (`urn:…:ServicePrincipal:displayName`).
pub(super) fn attribute_key(name: &str) -> String {
    let name = name.trim();
    let prefix = format!("{SP_SCHEMA}:");
    let name = match name.get(..prefix.len()) {
        Some(p) if p.eq_ignore_ascii_case(&prefix) => &name[prefix.len()..],
        _ => name,
    };
    name.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn booleans_in_every_form_clients_send() {
        for v in [
            json!(false),
            json!("false"),
            json!("FALSE"),
            json!({"value": "false"}),
            json!([{"value": "false"}]),
            json!([{"value": false}]),
        ] {
            assert_eq!(scim_bool(&v), Some(false), "{v}");
        }
        assert_eq!(scim_bool(&json!([{"value": "true"}])), Some(true));
        for v in [
            json!(0),
            json!("no"),
            json!([]),
            json!([true, false]),
            json!(null),
        ] {
            assert_eq!(scim_bool(&v), None, "{v}");
        }
    }

    #[test]
    fn role_values_from_lists_and_single_objects() {
        assert_eq!(
            complex_values(
                "roles",
                &json!([{"value": "account_admin"}, {"value": "x"}])
            )
            .unwrap(),
            ["account_admin", "x"]
        );
        assert_eq!(
            complex_values("roles", &json!({"value": "a"})).unwrap(),
            ["a"]
        );
        assert!(complex_values("roles", &json!("account_admin")).is_err());
        assert!(complex_values("roles", &json!([{"display": "a"}])).is_err());
    }

    #[test]
    fn attribute_keys_ignore_case_and_schema_prefix() {
        assert_eq!(attribute_key("displayName"), "displayname");
        assert_eq!(
            attribute_key("urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal:Active"),
            "active"
        );
    }
}
