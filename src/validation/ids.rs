//! The shapes of the IDs Databricks issues, and how two spellings of one ID compare. An ID
//! that passes is one path segment of an account API URL: nothing but hexadecimal digits,
//! decimal digits and (in UUIDs) hyphens.

/// The largest service principal ID there can be: SCIM IDs are positive 64-bit numbers.
pub const MAX_PRINCIPAL_ID: u64 = i64::MAX.unsigned_abs();

/// The longest secret ID accepted. Databricks issues 64 hexadecimal digits; twice that leaves
/// room without letting a value of any length through.
pub const MAX_SECRET_ID_LEN: usize = 128;

/// The hyphenated 8-4-4-4-12 form Databricks shows for account and application IDs.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && s.as_bytes()[8] == b'-' && uuid::Uuid::try_parse(s).is_ok()
}

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

/// Why a value is not an OAuth secret's ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretIdProblem {
    Blank,
    SurroundingWhitespace,
    /// Something other than the hexadecimal digits 0-9, a-f (either case): `.`, `..`, a
    /// slash, a control character, any other letter.
    NotHex,
    /// More than [`MAX_SECRET_ID_LEN`] characters.
    TooLong {
        chars: usize,
    },
}

/// Whether `s` is an OAuth secret ID as Databricks issues it: hexadecimal digits.
pub fn secret_id_problem(s: &str) -> Option<SecretIdProblem> {
    if s.trim().is_empty() {
        return Some(SecretIdProblem::Blank);
    }
    if s.trim() != s {
        return Some(SecretIdProblem::SurroundingWhitespace);
    }
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(SecretIdProblem::NotHex);
    }
    let chars = s.len();
    (chars > MAX_SECRET_ID_LEN).then_some(SecretIdProblem::TooLong { chars })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_ids_are_decimal_int64_and_leading_zeros_name_the_same_one() {
        assert_eq!(principal_id_problem("2323502488275632"), None);
        assert_eq!(principal_id_problem("0002323502488275632"), None);
        assert_eq!(principal_id_problem("9223372036854775807"), None);
        assert_eq!(
            principal_id_problem("9223372036854775808"),
            Some(PrincipalIdProblem::TooLarge { digits: 19 })
        );
        assert_eq!(
            principal_id_problem("232350248827563212345"),
            Some(PrincipalIdProblem::TooLarge { digits: 21 })
        );
        for bad in [".", "..", "1/2", "12a", " 12", "1\u{0}", "-1", "+1"] {
            assert_eq!(
                principal_id_problem(bad),
                Some(PrincipalIdProblem::NotDigits),
                "{bad:?}"
            );
        }
        assert_eq!(principal_id_problem(""), Some(PrincipalIdProblem::Blank));
        assert_eq!(canonical_principal_id("000123"), "123");
        assert_eq!(canonical_principal_id("000"), "0");
        assert_eq!(canonical_principal_id("123"), "123");
    }

    #[test]
    fn secret_ids_are_hexadecimal_and_one_path_segment() {
        let real = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110";
        assert_eq!(secret_id_problem(real), None);
        assert_eq!(secret_id_problem(&real.to_uppercase()), None);
        for bad in [
            ".", "..", "a/b", "%2e%2e", "0a\u{7}", "xyz", "0a b", "0a\\b",
        ] {
            assert_eq!(
                secret_id_problem(bad),
                Some(SecretIdProblem::NotHex),
                "{bad:?}"
            );
        }
        assert_eq!(secret_id_problem(""), Some(SecretIdProblem::Blank));
        assert_eq!(
            secret_id_problem(" 0a"),
            Some(SecretIdProblem::SurroundingWhitespace)
        );
        assert_eq!(
            secret_id_problem(&"f".repeat(129)),
            Some(SecretIdProblem::TooLong { chars: 129 })
        );
    }
}
