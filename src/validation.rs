//! Attribute checks shared by the provider block and the resource. Each reads one attribute
//! of a decoded configuration object and adds a diagnostic pointing at it. Unknown values
//! pass: they are checked again once Terraform knows them.

use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::protocol::path::AttributePath;

/// An attribute of a schema, named by a type rather than a string (the resource's and the
/// provider block's attributes each have one).
pub trait AttributeName: Copy + std::fmt::Display {
    fn name(self) -> &'static str;

    /// The path a diagnostic about this attribute points at.
    fn path(self) -> AttributePath {
        AttributePath::attr(self.name())
    }
}

/// One attribute's value as far as validation is concerned.
pub enum Field<'a> {
    Null,
    Unknown,
    Known(&'a Value),
}

pub fn field(config: &Value, attr: impl AttributeName) -> Field<'_> {
    match config.attr(attr.name()) {
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

fn error(diags: &mut Diagnostics, attr: impl AttributeName, summary: &str, detail: String) {
    diags.push(Diagnostic::error(summary, detail).at(attr.path()));
}

/// Returns the string if the attribute is a known string.
pub fn known_str(config: &Value, attr: impl AttributeName) -> Option<&str> {
    match field(config, attr) {
        Field::Known(v) => v.as_str(),
        _ => None,
    }
}

pub fn not_blank(diags: &mut Diagnostics, config: &Value, attr: impl AttributeName) {
    if let Some(s) = known_str(config, attr)
        && s.trim().is_empty()
    {
        error(
            diags,
            attr,
            "Value must not be blank",
            format!("`{attr}` is empty or only whitespace; set it to a real value."),
        );
    }
}

/// A value with spaces around it is not the ID Databricks shows, and would not match it.
pub fn no_surrounding_whitespace(
    diags: &mut Diagnostics,
    config: &Value,
    attr: impl AttributeName,
) {
    if let Some(s) = known_str(config, attr)
        && !s.trim().is_empty()
        && s.trim() != s
    {
        error(
            diags,
            attr,
            "Value has surrounding whitespace",
            format!(
                "`{attr}` starts or ends with whitespace; remove it (\"{}\").",
                s.trim()
            ),
        );
    }
}

pub fn max_chars(diags: &mut Diagnostics, config: &Value, attr: impl AttributeName, max: usize) {
    if let Some(s) = known_str(config, attr) {
        let n = s.chars().count();
        if n > max {
            error(
                diags,
                attr,
                "Value is too long",
                format!("`{attr}` has {n} characters; at most {max} are allowed."),
            );
        }
    }
}

pub fn one_of(diags: &mut Diagnostics, config: &Value, attr: impl AttributeName, allowed: &[&str]) {
    if let Some(s) = known_str(config, attr)
        && !allowed.contains(&s)
    {
        let list = allowed
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ");
        error(
            diags,
            attr,
            "Unsupported value",
            format!("`{attr}` is \"{s}\"; it must be one of {list} (lower case)."),
        );
    }
}

/// The largest service principal ID there can be: SCIM IDs are positive 64-bit numbers.
pub const MAX_PRINCIPAL_ID: u64 = i64::MAX.unsigned_abs();

/// Why a value is not a service principal's SCIM ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalIdProblem {
    Blank,
    /// Something other than the decimal digits 0-9.
    NotDigits,
    /// Digits of a number larger than [`MAX_PRINCIPAL_ID`]; `digits` without leading zeros.
    TooLarge {
        digits: usize,
    },
}

/// Whether `s` is a service principal's SCIM ID: decimal digits of a number up to
/// [`MAX_PRINCIPAL_ID`]. Leading zeros are allowed; they name the same principal.
pub fn principal_id_problem(s: &str) -> Option<PrincipalIdProblem> {
    if s.trim().is_empty() {
        return Some(PrincipalIdProblem::Blank);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Some(PrincipalIdProblem::NotDigits);
    }
    let canonical = canonical_principal_id(s);
    match canonical.parse::<u64>() {
        Ok(n) if n <= MAX_PRINCIPAL_ID => None,
        _ => Some(PrincipalIdProblem::TooLarge {
            digits: canonical.len(),
        }),
    }
}

/// A service principal ID without leading zeros: `000123` and `123` name the same principal,
/// and Databricks knows it as `123`.
pub fn canonical_principal_id(s: &str) -> &str {
    let trimmed = s.trim_start_matches('0');
    if trimmed.is_empty() && !s.is_empty() {
        &s[s.len() - 1..]
    } else {
        trimmed
    }
}

/// The hyphenated 8-4-4-4-12 form Databricks shows for account and application IDs.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && s.as_bytes()[8] == b'-' && uuid::Uuid::try_parse(s).is_ok()
}

pub fn uuid(diags: &mut Diagnostics, config: &Value, attr: impl AttributeName, what: &str) {
    if let Some(s) = known_str(config, attr)
        && !is_uuid(s)
    {
        error(
            diags,
            attr,
            "Invalid UUID",
            format!(
                "`{attr}` must be {what}, a UUID like 0d2a7b1c-1234-4abc-9def-0123456789ab; \
                     got \"{s}\"."
            ),
        );
    }
}

/// A service principal's SCIM ID ([`principal_id_problem`]); `what` names it in the message.
pub fn principal_id(diags: &mut Diagnostics, config: &Value, attr: impl AttributeName, what: &str) {
    let Some(s) = known_str(config, attr) else {
        return;
    };
    match principal_id_problem(s) {
        None => {}
        Some(PrincipalIdProblem::Blank) => error(
            diags,
            attr,
            "Value must not be blank",
            format!("`{attr}` is empty or only whitespace; set it to {what}."),
        ),
        Some(PrincipalIdProblem::NotDigits) => error(
            diags,
            attr,
            "Invalid numeric ID",
            format!(
                "`{attr}` must be {what}, decimal digits only (e.g. 2323502488275632); got \"{s}\"."
            ),
        ),
        Some(PrincipalIdProblem::TooLarge { digits }) => error(
            diags,
            attr,
            "Numeric ID out of range",
            format!(
                "`{attr}` is a number of {digits} digits, larger than {what} can be: at most \
                 {MAX_PRINCIPAL_ID} (19 digits)."
            ),
        ),
    }
}

/// A whole number within `min..=max`.
pub fn whole_number(
    diags: &mut Diagnostics,
    config: &Value,
    attr: impl AttributeName,
    min: i64,
    max: i64,
) {
    let Field::Known(v) = field(config, attr) else {
        return;
    };
    let Some(n) = v.as_number() else {
        return;
    };
    match n.to_i64() {
        Some(i) if (min..=max).contains(&i) => {}
        _ => error(
            diags,
            attr,
            "Number out of range",
            format!("`{attr}` must be a whole number from {min} to {max}; got {n}."),
        ),
    }
}

/// Any number ≥ 0.
pub fn non_negative(diags: &mut Diagnostics, config: &Value, attr: impl AttributeName) {
    if let Field::Known(v) = field(config, attr)
        && let Some(n) = v.as_number()
        && n.is_negative()
    {
        error(
            diags,
            attr,
            "Number must not be negative",
            format!("`{attr}` must be 0 or more; got {n}."),
        );
    }
}

/// `https://host[:port]`, or `http://` to a loopback address (the emulator, a local proxy).
pub fn account_host(diags: &mut Diagnostics, config: &Value, attr: impl AttributeName) {
    if let Some(s) = known_str(config, attr)
        && let Err(reason) = databricks_account_client::parse_host(s)
    {
        error(
            diags,
            attr,
            "Invalid account host",
            format!("`{attr}`: {reason}."),
        );
    }
}
