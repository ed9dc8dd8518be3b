//! Refinements: what is known about an unknown value.

use super::number::Number;
use super::types::Type;

/// Longest string prefix refinement written to the wire. A shorter prefix
/// is a weaker but still true claim, and this keeps the refinement payload
/// far below the 1024 bytes Terraform accepts.
pub const MAX_STRING_PREFIX_LEN: usize = 256;

/// Constraints on an unknown value, as carried by msgpack ext 12.
///
/// The default is "nothing known". Refinements are kept exactly as decoded
/// (Terraform-side collapsing, e.g. equal inclusive number bounds meaning a
/// known value, is not applied).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Refinements {
    /// The value is definitely not null.
    pub not_null: bool,
    /// Strings only: the value starts with this. An empty prefix means
    /// nothing and is not written.
    pub string_prefix: Option<String>,
    /// Numbers only: lower bound and whether it is inclusive.
    pub number_lower: Option<(Number, bool)>,
    /// Numbers only: upper bound and whether it is inclusive.
    pub number_upper: Option<(Number, bool)>,
    /// Lists, sets and maps only: minimum length (inclusive). `Some(0)` is
    /// the same as `None` and is not written.
    pub length_lower: Option<u64>,
    /// Lists, sets and maps only: maximum length (inclusive).
    pub length_upper: Option<u64>,
}

impl Refinements {
    /// Only "definitely not null".
    pub fn not_null() -> Refinements {
        Refinements {
            not_null: true,
            ..Refinements::default()
        }
    }

    /// True if nothing would be written for the value: it then travels as a
    /// wholly unknown value (`d4 00 00`).
    pub fn is_empty(&self) -> bool {
        !self.not_null
            && self.string_prefix.as_deref().is_none_or(str::is_empty)
            && self.number_lower.is_none()
            && self.number_upper.is_none()
            && self.length_lower.is_none_or(|n| n == 0)
            && self.length_upper.is_none()
    }

    /// Why these refinements cannot describe a value of type `ty`, if they
    /// cannot. On `Dynamic` any refinement is accepted and then dropped on
    /// encode, as go-cty does (an untyped unknown cannot be refined).
    pub(super) fn check_applicable(&self, ty: &Type) -> Result<(), String> {
        if matches!(ty, Type::Dynamic) {
            return Ok(());
        }
        if self.string_prefix.is_some() && !matches!(ty, Type::String) {
            return Err(format!("string prefix refinement on a value of type {ty}"));
        }
        if (self.number_lower.is_some() || self.number_upper.is_some())
            && !matches!(ty, Type::Number)
        {
            return Err(format!("number bound refinement on a value of type {ty}"));
        }
        if self.length_lower.is_some() || self.length_upper.is_some() {
            if !ty.is_collection() {
                return Err(format!("length bound refinement on a value of type {ty}"));
            }
            let too_big = |n: Option<u64>| n.is_some_and(|n| i64::try_from(n).is_err());
            if too_big(self.length_lower) || too_big(self.length_upper) {
                return Err("length bound refinement exceeds i64::MAX".into());
            }
        }
        Ok(())
    }

    /// The prefix as written to the wire: at most
    /// [`MAX_STRING_PREFIX_LEN`] bytes, cut at a character boundary.
    pub(super) fn wire_prefix(&self) -> Option<&str> {
        let p = self.string_prefix.as_deref().filter(|p| !p.is_empty())?;
        if p.len() <= MAX_STRING_PREFIX_LEN {
            return Some(p);
        }
        let mut end = MAX_STRING_PREFIX_LEN;
        while !p.is_char_boundary(end) {
            end -= 1;
        }
        p.get(..end).filter(|p| !p.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emptiness() {
        assert!(Refinements::default().is_empty());
        assert!(!Refinements::not_null().is_empty());
        let r = Refinements {
            string_prefix: Some(String::new()),
            length_lower: Some(0),
            ..Refinements::default()
        };
        assert!(r.is_empty());
    }

    #[test]
    fn prefix_truncated_at_char_boundary() {
        let r = Refinements {
            string_prefix: Some("é".repeat(200)),
            ..Refinements::default()
        };
        let p = r.wire_prefix().unwrap();
        assert_eq!(p.len(), 256);
        assert!(p.chars().all(|c| c == 'é'));
        let r = Refinements {
            string_prefix: Some(format!("a{}", "€".repeat(100))),
            ..Refinements::default()
        };
        // 1 + 3*85 = 256
        assert_eq!(r.wire_prefix().unwrap().len(), 256);
    }

    #[test]
    fn applicability() {
        let prefix = Refinements {
            string_prefix: Some("x".into()),
            ..Refinements::default()
        };
        assert!(prefix.check_applicable(&Type::String).is_ok());
        assert!(prefix.check_applicable(&Type::Number).is_err());
        assert!(prefix.check_applicable(&Type::Dynamic).is_ok());
        let len = Refinements {
            length_upper: Some(3),
            ..Refinements::default()
        };
        assert!(len.check_applicable(&Type::set(Type::String)).is_ok());
        assert!(len.check_applicable(&Type::tuple([])).is_err());
        let huge = Refinements {
            length_lower: Some(u64::MAX),
            ..Refinements::default()
        };
        assert!(huge.check_applicable(&Type::list(Type::Bool)).is_err());
        let num = Refinements {
            number_lower: Some((Number::from(0), true)),
            ..Refinements::default()
        };
        assert!(num.check_applicable(&Type::Number).is_ok());
        assert!(num.check_applicable(&Type::Bool).is_err());
        assert!(
            Refinements::not_null()
                .check_applicable(&Type::Bool)
                .is_ok()
        );
    }
}
