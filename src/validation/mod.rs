//! Attribute checks shared by the provider block and the resource. Each reads one attribute
//! of a decoded configuration object and adds a diagnostic pointing at it (at the block
//! instead when the value holds a secret, so Terraform does not print its line). Unknown
//! values pass: they are checked again once Terraform knows them.

mod ids;
mod shown;

pub use ids::{
    MAX_PRINCIPAL_ID, MAX_SECRET_ID_LEN, PrincipalIdProblem, SecretIdProblem,
    canonical_principal_id, is_uuid, principal_id_problem, secret_id_problem,
};
pub use shown::{host_holds_secrets, looks_like_secret, parse_account_host, shown_value};

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

/// An error about a value that holds a secret: at the block, never at the attribute's line.
fn error_at_block(diags: &mut Diagnostics, summary: &str, detail: String) {
    diags.push(Diagnostic::error(summary, detail));
}

/// An error about the ID in `s`: at the attribute, unless `s` looks like a secret.
fn id_error(
    diags: &mut Diagnostics,
    attr: impl AttributeName,
    s: &str,
    summary: &str,
    detail: String,
) {
    if looks_like_secret(s) {
        error_at_block(diags, summary, detail);
    } else {
        error(diags, attr, summary, detail);
    }
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

pub fn uuid(diags: &mut Diagnostics, config: &Value, attr: impl AttributeName, what: &str) {
    if let Some(s) = known_str(config, attr)
        && !is_uuid(s)
    {
        id_error(
            diags,
            attr,
            s,
            "Invalid UUID",
            format!(
                "`{attr}` must be {what}, a UUID like 0d2a7b1c-1234-4abc-9def-0123456789ab; \
                 got {}.",
                shown_value(s)
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
        Some(PrincipalIdProblem::NotDigits) => id_error(
            diags,
            attr,
            s,
            "Invalid numeric ID",
            format!(
                "`{attr}` must be {what}, decimal digits only (e.g. 2323502488275632); got {}.",
                shown_value(s)
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

/// An OAuth secret's ID ([`secret_id_problem`]): hexadecimal digits, one path segment.
pub fn secret_id(diags: &mut Diagnostics, config: &Value, attr: impl AttributeName) {
    let Some(s) = known_str(config, attr) else {
        return;
    };
    match secret_id_problem(s) {
        None => {}
        Some(SecretIdProblem::Blank) => error(
            diags,
            attr,
            "Value must not be blank",
            format!("`{attr}` is empty or only whitespace; set it to a real value."),
        ),
        Some(SecretIdProblem::SurroundingWhitespace) => id_error(
            diags,
            attr,
            s,
            "Value has surrounding whitespace",
            format!(
                "`{attr}` starts or ends with whitespace; remove it ({}).",
                shown_value(s.trim())
            ),
        ),
        Some(SecretIdProblem::NotHex) => id_error(
            diags,
            attr,
            s,
            "Invalid secret ID",
            format!(
                "`{attr}` must be the ID of an OAuth secret as the account console shows it, \
                 hexadecimal digits only (e.g. 09094e3230c893775eac3a9e7d912a8a…); got {}.",
                shown_value(s)
            ),
        ),
        Some(SecretIdProblem::TooLong { chars }) => error(
            diags,
            attr,
            "Value is too long",
            format!(
                "`{attr}` has {chars} characters; a secret ID has at most {MAX_SECRET_ID_LEN}."
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
/// User info and queries are never repeated (they may be credentials), and a host holding
/// them is reported at the block.
pub fn account_host(diags: &mut Diagnostics, config: &Value, attr: impl AttributeName) {
    if let Some(s) = known_str(config, attr)
        && let Err(reason) = parse_account_host(s)
    {
        let detail = format!("`{attr}`: {reason}.");
        if host_holds_secrets(s) {
            error_at_block(diags, "Invalid account host", detail);
        } else {
            error(diags, attr, "Invalid account host", detail);
        }
    }
}
