//! Attribute checks shared by the provider block and the resource. Each reads one attribute
//! of a decoded configuration object and adds a diagnostic pointing at it. Unknown values
//! pass: they are checked again once Terraform knows them.

use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::protocol::path::AttributePath;

/// One attribute's value as far as validation is concerned.
pub enum Field<'a> {
    Null,
    Unknown,
    Known(&'a Value),
}

pub fn field<'a>(config: &'a Value, name: &str) -> Field<'a> {
    match config.attr(name) {
        None => Field::Null,
        Some(v) if v.is_null() => Field::Null,
        Some(v) if v.is_unknown() => Field::Unknown,
        Some(v) => Field::Known(v),
    }
}

impl Field<'_> {
    /// Set in configuration, or maybe set (unknown).
    pub fn may_be_set(&self) -> bool {
        !matches!(self, Field::Null)
    }

    pub fn is_known_set(&self) -> bool {
        matches!(self, Field::Known(_))
    }
}

fn error(diags: &mut Diagnostics, name: &str, summary: &str, detail: String) {
    diags.push(Diagnostic::error(summary, detail).at(AttributePath::attr(name)));
}

/// Returns the string if the attribute is a known string.
pub fn known_str<'a>(config: &'a Value, name: &str) -> Option<&'a str> {
    match field(config, name) {
        Field::Known(v) => v.as_str(),
        _ => None,
    }
}

pub fn not_blank(diags: &mut Diagnostics, config: &Value, name: &str) {
    if let Some(s) = known_str(config, name)
        && s.trim().is_empty()
    {
        error(
            diags,
            name,
            "Value must not be blank",
            format!("`{name}` is empty or only whitespace; set it to a real value."),
        );
    }
}

/// A value with spaces around it is not the ID Databricks shows, and would not match it.
pub fn no_surrounding_whitespace(diags: &mut Diagnostics, config: &Value, name: &str) {
    if let Some(s) = known_str(config, name)
        && !s.trim().is_empty()
        && s.trim() != s
    {
        error(
            diags,
            name,
            "Value has surrounding whitespace",
            format!(
                "`{name}` starts or ends with whitespace; remove it (\"{}\").",
                s.trim()
            ),
        );
    }
}

pub fn max_chars(diags: &mut Diagnostics, config: &Value, name: &str, max: usize) {
    if let Some(s) = known_str(config, name) {
        let n = s.chars().count();
        if n > max {
            error(
                diags,
                name,
                "Value is too long",
                format!("`{name}` has {n} characters; at most {max} are allowed."),
            );
        }
    }
}

pub fn one_of(diags: &mut Diagnostics, config: &Value, name: &str, allowed: &[&str]) {
    if let Some(s) = known_str(config, name)
        && !allowed.contains(&s)
    {
        let list = allowed
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ");
        error(
            diags,
            name,
            "Unsupported value",
            format!("`{name}` is \"{s}\"; it must be one of {list} (lower case)."),
        );
    }
}

/// A service principal's SCIM ID: decimal digits, at most 20 (an int64 fits in 19).
pub fn is_decimal_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The hyphenated 8-4-4-4-12 form Databricks shows for account and application IDs.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && s.as_bytes()[8] == b'-' && uuid::Uuid::try_parse(s).is_ok()
}

pub fn uuid(diags: &mut Diagnostics, config: &Value, name: &str, what: &str) {
    if let Some(s) = known_str(config, name)
        && !is_uuid(s)
    {
        error(
            diags,
            name,
            "Invalid UUID",
            format!(
                "`{name}` must be {what}, a UUID like 0d2a7b1c-1234-4abc-9def-0123456789ab; \
                     got \"{s}\"."
            ),
        );
    }
}

pub fn digits(diags: &mut Diagnostics, config: &Value, name: &str, what: &str) {
    if let Some(s) = known_str(config, name)
        && !is_decimal_id(s)
    {
        error(
            diags,
            name,
            "Invalid numeric ID",
            format!(
                "`{name}` must be {what}, decimal digits only (e.g. 2323502488275632); got \"{s}\"."
            ),
        );
    }
}

/// A whole number within `min..=max`.
pub fn whole_number(diags: &mut Diagnostics, config: &Value, name: &str, min: i64, max: i64) {
    let Field::Known(v) = field(config, name) else {
        return;
    };
    let Some(n) = v.as_number() else {
        return;
    };
    match n.to_i64() {
        Some(i) if (min..=max).contains(&i) => {}
        _ => error(
            diags,
            name,
            "Number out of range",
            format!("`{name}` must be a whole number from {min} to {max}; got {n}."),
        ),
    }
}

/// Any number ≥ 0.
pub fn non_negative(diags: &mut Diagnostics, config: &Value, name: &str) {
    if let Field::Known(v) = field(config, name)
        && let Some(n) = v.as_number()
        && n.is_negative()
    {
        error(
            diags,
            name,
            "Number must not be negative",
            format!("`{name}` must be 0 or more; got {n}."),
        );
    }
}

/// `https://host[:port]`, or `http://` to a loopback address (the emulator, a local proxy).
pub fn account_host(diags: &mut Diagnostics, config: &Value, name: &str) {
    if let Some(s) = known_str(config, name)
        && let Err(reason) = databricks_account_client::parse_host(s)
    {
        error(
            diags,
            name,
            "Invalid account host",
            format!("`{name}`: {reason}."),
        );
    }
}
