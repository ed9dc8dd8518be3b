//! Arbitrary-precision cty numbers.
//!
//! cty numbers are big floats; here they are exact decimals
//! (`bigdecimal::BigDecimal`) plus the two infinities, which cty allows
//! (msgpack carries them as float64) but JSON cannot represent. NaN is not a
//! cty number and cannot be constructed.
//!
//! Integers that fit an `i64` are kept inline without allocation, since
//! nearly every number a provider sees is one.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use bigdecimal::num_bigint::BigInt;
use bigdecimal::{BigDecimal, ToPrimitive};

/// Numbers whose decimal exponent is larger than this (in magnitude) are
/// rejected when parsed: the plain-decimal text of `1e999999999` would be a
/// gigabyte. cty values never come near it.
pub const MAX_DECIMAL_EXPONENT: i64 = 4096;

/// Longest decimal text accepted by [`Number::parse`]; bounds parsing cost.
pub const MAX_NUMBER_TEXT_LEN: usize = 8192;

/// An arbitrary-precision number, or ±infinity.
///
/// Equality and ordering are numeric: `1 == 1.0 == "1.000"`, and
/// `-inf < every finite number < +inf`.
#[derive(Clone)]
pub struct Number(Repr);

#[derive(Clone)]
enum Repr {
    /// Any integer in i64 range. Invariant: `Big` never holds one.
    Int(i64),
    /// Normalized (no trailing zeros in the digits), so equal values have
    /// equal representations and hashing is cheap.
    Big(Box<BigDecimal>),
    PosInf,
    NegInf,
}

/// The text is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseNumberError(&'static str);

impl fmt::Display for ParseNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for ParseNumberError {}

impl Number {
    pub const fn from_i64(n: i64) -> Number {
        Number(Repr::Int(n))
    }

    pub fn from_u64(n: u64) -> Number {
        match i64::try_from(n) {
            Ok(i) => Number(Repr::Int(i)),
            Err(_) => Number(Repr::Big(Box::new(BigDecimal::from(n).normalized()))),
        }
    }

    pub fn from_i128(n: i128) -> Number {
        match i64::try_from(n) {
            Ok(i) => Number(Repr::Int(i)),
            Err(_) => Number(Repr::Big(Box::new(BigDecimal::from(n).normalized()))),
        }
    }

    /// The exact value of `f`. NaN gives `None`; ±infinity give the
    /// infinite numbers. `-0.0` is zero.
    pub fn from_f64(f: f64) -> Option<Number> {
        if f.is_nan() {
            return None;
        }
        if f.is_infinite() {
            return Some(if f > 0.0 {
                Number::infinity()
            } else {
                Number::neg_infinity()
            });
        }
        // Fast path: small integral floats are common (HCL `1.0`).
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            return Some(Number(Repr::Int(f as i64)));
        }
        // The conversion is exact (mantissa * 2^exp written in decimal).
        BigDecimal::try_from(f).ok().map(Number::from_bigdecimal)
    }

    pub const fn infinity() -> Number {
        Number(Repr::PosInf)
    }

    pub const fn neg_infinity() -> Number {
        Number(Repr::NegInf)
    }

    pub fn from_bigdecimal(d: BigDecimal) -> Number {
        if d.is_integer()
            && let Some(i) = d.to_i64()
        {
            return Number(Repr::Int(i));
        }
        Number(Repr::Big(Box::new(d.normalized())))
    }

    /// Parses decimal text as cty does (`cty.ParseNumberVal`): an optional
    /// sign, digits with an optional fraction, an optional `e`/`E` exponent;
    /// also `Inf`/`inf` with optional sign. No surrounding whitespace, no
    /// underscores, no hex.
    pub fn parse(s: &str) -> Result<Number, ParseNumberError> {
        if s.len() > MAX_NUMBER_TEXT_LEN {
            return Err(ParseNumberError("number text is too long"));
        }
        let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
        if unsigned == "Inf" || unsigned == "inf" {
            return Ok(if s.starts_with('-') {
                Number::neg_infinity()
            } else {
                Number::infinity()
            });
        }
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(pos) => (&unsigned[..pos], Some(&unsigned[pos + 1..])),
            None => (unsigned, None),
        };
        let (int_part, frac_part) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return Err(ParseNumberError("a number is required"));
        }
        if let Some(exp) = exponent {
            let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if digits.is_empty() || !all_digits(digits) {
                return Err(ParseNumberError("a number is required"));
            }
            // Leading zeros do not count towards the size of the exponent.
            let significant = digits.trim_start_matches('0');
            let magnitude = if significant.len() > 6 {
                i64::MAX
            } else {
                significant.parse::<i64>().unwrap_or(0)
            };
            if magnitude > MAX_DECIMAL_EXPONENT {
                return Err(ParseNumberError("number exponent is out of range"));
            }
        }
        // The text is now known to be in a form BigDecimal parses exactly.
        BigDecimal::from_str(s)
            .map(Number::from_bigdecimal)
            .map_err(|_| ParseNumberError("a number is required"))
    }

    pub fn is_infinite(&self) -> bool {
        matches!(self.0, Repr::PosInf | Repr::NegInf)
    }

    pub fn is_finite(&self) -> bool {
        !self.is_infinite()
    }

    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Int(_) => true,
            Repr::Big(d) => d.is_integer(),
            Repr::PosInf | Repr::NegInf => false,
        }
    }

    /// Strictly below zero.
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Int(i) => *i < 0,
            Repr::Big(d) => d.sign() == bigdecimal::num_bigint::Sign::Minus,
            Repr::NegInf => true,
            Repr::PosInf => false,
        }
    }

    /// The value as an `i64` if it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        match self.0 {
            Repr::Int(i) => Some(i),
            // By the invariant, Big is never an integer in i64 range.
            _ => None,
        }
    }

    /// The value as a `u64` if it is a non-negative integer in range.
    pub fn to_u64(&self) -> Option<u64> {
        match &self.0 {
            Repr::Int(i) => u64::try_from(*i).ok(),
            Repr::Big(d) if d.is_integer() => d.to_u64(),
            _ => None,
        }
    }

    /// The nearest `f64` (lossy for most decimals; ±inf stay infinite).
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Int(i) => *i as f64,
            // Rust's float parsing rounds correctly, so go through the text.
            Repr::Big(d) => d.to_plain_string().parse::<f64>().unwrap_or(f64::NAN),
            Repr::PosInf => f64::INFINITY,
            Repr::NegInf => f64::NEG_INFINITY,
        }
    }

    /// The exact value, or `None` for the infinities.
    pub fn to_bigdecimal(&self) -> Option<BigDecimal> {
        match &self.0 {
            Repr::Int(i) => Some(BigDecimal::from(*i)),
            Repr::Big(d) => Some((**d).clone()),
            Repr::PosInf | Repr::NegInf => None,
        }
    }

    /// The `f64` with exactly this value, if there is one. This is the
    /// test go-cty uses to choose float64 over a decimal string on the wire.
    pub(super) fn to_f64_exact(&self) -> Option<f64> {
        match &self.0 {
            Repr::Int(i) => {
                let f = *i as f64;
                // i64 -> f64 -> i128 is exact for every finite f64 in range.
                (f as i128 == i128::from(*i)).then_some(f)
            }
            Repr::Big(_) => {
                let f = self.to_f64();
                if !f.is_finite() {
                    return None;
                }
                Number::from_f64(f).filter(|back| back == self).map(|_| f)
            }
            Repr::PosInf => Some(f64::INFINITY),
            Repr::NegInf => Some(f64::NEG_INFINITY),
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        use Repr::*;
        match (&self.0, &other.0) {
            (NegInf, NegInf) | (PosInf, PosInf) => Ordering::Equal,
            (NegInf, _) | (_, PosInf) => Ordering::Less,
            (_, NegInf) | (PosInf, _) => Ordering::Greater,
            (Int(a), Int(b)) => a.cmp(b),
            (Big(a), Big(b)) => a.as_ref().cmp(b.as_ref()),
            (Int(a), Big(b)) => BigDecimal::from(*a).cmp(b.as_ref()),
            (Big(a), Int(b)) => a.as_ref().cmp(&BigDecimal::from(*b)),
        }
    }
}

impl Hash for Number {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Consistent with Eq: an Int never equals a Big (invariant), and
        // Big values are normalized so equal ones share digits and scale.
        match &self.0 {
            Repr::Int(i) => {
                0u8.hash(state);
                i.hash(state);
            }
            Repr::Big(d) => {
                1u8.hash(state);
                let (digits, scale) = d.as_bigint_and_scale();
                BigInt::hash(&digits, state);
                scale.hash(state);
            }
            Repr::PosInf => 2u8.hash(state),
            Repr::NegInf => 3u8.hash(state),
        }
    }
}

impl fmt::Display for Number {
    /// Plain decimal text without exponent, as go-cty's
    /// `big.Float.Text('f', -1)`: `42`, `0.1`, `-1000000000000000000000`.
    /// Infinities print as `+Inf` / `-Inf`, like Go.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Int(i) => write!(f, "{i}"),
            Repr::Big(d) => d.write_plain_string(f),
            Repr::PosInf => f.write_str("+Inf"),
            Repr::NegInf => f.write_str("-Inf"),
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({self})")
    }
}

impl FromStr for Number {
    type Err = ParseNumberError;

    fn from_str(s: &str) -> Result<Number, ParseNumberError> {
        Number::parse(s)
    }
}

macro_rules! from_small_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(n: $t) -> Number {
                Number::from_i64(i64::from(n))
            }
        }
    )*};
}
from_small_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<u64> for Number {
    fn from(n: u64) -> Number {
        Number::from_u64(n)
    }
}

impl From<BigDecimal> for Number {
    fn from(d: BigDecimal) -> Number {
        Number::from_bigdecimal(d)
    }
}

impl TryFrom<f64> for Number {
    type Error = ParseNumberError;

    fn try_from(f: f64) -> Result<Number, ParseNumberError> {
        Number::from_f64(f).ok_or(ParseNumberError("NaN is not a number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::hash_map::DefaultHasher;

    fn n(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    fn hash_of(x: &Number) -> u64 {
        let mut h = DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    }

    #[test]
    fn numeric_equality() {
        assert_eq!(n("1"), Number::from(1));
        assert_eq!(n("1.000"), Number::from_f64(1.0).unwrap());
        assert_eq!(n("1e3"), Number::from(1000));
        assert_eq!(n("+1000e-3"), n("1"));
        assert_eq!(n("-0"), Number::from(0));
        assert_eq!(Number::from_f64(-0.0).unwrap(), Number::from(0));
        assert_eq!(hash_of(&n("2.50")), hash_of(&n("2.5")));
        assert_eq!(hash_of(&n("1e2")), hash_of(&Number::from(100)));
        assert_ne!(n("0.1"), Number::from_f64(0.1).unwrap());
    }

    #[test]
    fn ordering() {
        let mut v = [
            Number::infinity(),
            n("0.5"),
            n("-3"),
            Number::neg_infinity(),
            n("18446744073709551616"),
            n("-1e30"),
        ];
        v.sort();
        let shown: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(
            shown,
            [
                "-Inf",
                "-1000000000000000000000000000000",
                "-3",
                "0.5",
                "18446744073709551616",
                "+Inf"
            ]
        );
    }

    #[test]
    fn display_plain_decimal() {
        assert_eq!(n("0.1").to_string(), "0.1");
        assert_eq!(n("3.140").to_string(), "3.14");
        assert_eq!(n("1e21").to_string(), "1000000000000000000000");
        assert_eq!(n("-1.5e-7").to_string(), "-0.00000015");
        assert_eq!(
            n("2323502488275632000000").to_string(),
            "2323502488275632000000"
        );
        assert_eq!(
            Number::from_f64(0.1).unwrap().to_string(),
            "0.1000000000000000055511151231257827021181583404541015625"
        );
        assert_eq!(Number::from(u64::MAX).to_string(), "18446744073709551615");
    }

    #[test]
    fn conversions() {
        assert_eq!(n("42.0").to_i64(), Some(42));
        assert_eq!(n("42.5").to_i64(), None);
        assert_eq!(n("-1").to_u64(), None);
        assert_eq!(n("18446744073709551615").to_u64(), Some(u64::MAX));
        assert_eq!(n("18446744073709551616").to_u64(), None);
        assert_eq!(n("9223372036854775808").to_i64(), None);
        assert!(n("-0.001").is_negative());
        assert!(!n("0").is_negative());
        assert!(Number::neg_infinity().is_negative());
        assert!(Number::from_f64(f64::NAN).is_none());
        assert_eq!(Number::from_f64(f64::INFINITY), Some(Number::infinity()));
        assert_eq!(n("-inf"), Number::neg_infinity());
        assert_eq!(n("Inf"), Number::infinity());
        assert_eq!(n("0.25").to_f64(), 0.25);
        assert_eq!(
            n("1.5").to_bigdecimal(),
            Some(BigDecimal::from_str("1.5").unwrap())
        );
    }

    #[test]
    fn parse_rejects() {
        for bad in [
            "", ".", "-", "+", "e5", "1e", "1e+", "1_000", "0x10", " 1", "1 ", "1.2.3", "--1",
            "nan", "NaN", "infinity", "1e99999", "1e-5000", "1p4", "١",
        ] {
            assert!(Number::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Number::parse(&"1".repeat(MAX_NUMBER_TEXT_LEN + 1)).is_err());
        // Accepted forms.
        for good in [".5", "5.", "+5", "-5", "1E+3", "00012", "1e0004", "1e-4096"] {
            assert!(Number::parse(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn exact_f64_detection() {
        assert_eq!(n("0.5").to_f64_exact(), Some(0.5));
        assert_eq!(n("0.1").to_f64_exact(), None);
        assert_eq!(n("3.14").to_f64_exact(), None);
        // 2^64 is not an i64 but is an exact float64 (go-cty sends `cb`).
        assert_eq!(
            n("18446744073709551616").to_f64_exact(),
            Some(18446744073709551616.0)
        );
        assert_eq!(n("18446744073709551615").to_f64_exact(), None);
        assert_eq!(n("2323502488275632000000").to_f64_exact(), None);
        assert_eq!(Number::from(i64::MAX).to_f64_exact(), None);
        assert_eq!(
            Number::from(1i64 << 60).to_f64_exact(),
            Some((1u64 << 60) as f64)
        );
    }

    proptest! {
        #[test]
        fn f64_round_trip(f in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO) {
            let x = Number::from_f64(f).unwrap();
            prop_assert_eq!(x.to_f64(), f);
            prop_assert_eq!(x.to_f64_exact(), Some(if f == 0.0 { 0.0 } else { f }));
            prop_assert_eq!(Number::parse(&x.to_string()).unwrap(), x);
        }

        #[test]
        fn i128_order_matches(a in any::<i128>(), b in any::<i128>()) {
            let (x, y) = (Number::from_i128(a), Number::from_i128(b));
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            prop_assert_eq!(x.to_string(), a.to_string());
            prop_assert_eq!(x.to_i64(), i64::try_from(a).ok());
        }

        #[test]
        fn parse_never_panics(s in "[-+0-9.eEinfI_ ]{0,40}") {
            let _ = Number::parse(&s);
        }
    }
}
