//! Timestamps as the account API writes them (`2025-01-01T00:00:00.000Z`) and `Retry-After`
//! HTTP-dates.

use std::time::SystemTime;

use time::format_description::well_known::Rfc3339;
use time::macros::{datetime, format_description};
use time::{Duration, OffsetDateTime, UtcOffset};

/// The last second an HTTP-date can name (its year has four digits).
const LAST_HTTP_DATE: OffsetDateTime = datetime!(9999-12-31 23:59:59 UTC);

/// The current time, cut to milliseconds so that a value written and read back compares equal.
pub fn now() -> OffsetDateTime {
    truncate_ms(OffsetDateTime::now_utc())
}

pub fn truncate_ms(t: OffsetDateTime) -> OffsetDateTime {
    let t = to_utc(t);
    t.replace_nanosecond(t.millisecond() as u32 * 1_000_000)
        .unwrap_or(t)
}

/// RFC 3339 in UTC with exactly three fractional digits and `Z`, like the API's own examples.
pub fn format(t: OffsetDateTime) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    match t.checked_to_offset(UtcOffset::UTC) {
        Some(utc) => utc.format(&fmt),
        // Past year 9999 in UTC: written with its own offset rather than a wrong `Z`.
        None => t.format(&Rfc3339),
    }
    .unwrap_or_else(|_| String::from("1970-01-01T00:00:00.000Z"))
}

/// `t` in UTC; a time that is out of range there (late on 9999-12-31 with a negative offset,
/// from a seed or the admin API) is kept in its own offset rather than panicking.
fn to_utc(t: OffsetDateTime) -> OffsetDateTime {
    t.checked_to_offset(UtcOffset::UTC).unwrap_or(t)
}

pub fn parse(s: &str) -> Result<OffsetDateTime, time::error::Parse> {
    OffsetDateTime::parse(s, &Rfc3339).map(truncate_ms)
}

/// IMF-fixdate (RFC 9110 §5.6.7), the HTTP-date form of `Retry-After`, written by `httpdate`.
/// A time it cannot write (before 1970 or after 9999) is moved to the nearest one it can.
pub fn http_date(t: OffsetDateTime) -> String {
    let t = t.clamp(OffsetDateTime::UNIX_EPOCH, LAST_HTTP_DATE);
    httpdate::fmt_http_date(SystemTime::from(t))
}

/// `now + seconds`, saturating instead of overflowing on absurd inputs.
pub fn after_seconds(from: OffsetDateTime, seconds: i64) -> OffsetDateTime {
    from.checked_add(Duration::seconds(seconds))
        .unwrap_or(if seconds < 0 {
            OffsetDateTime::UNIX_EPOCH
        } else {
            from
        })
}

/// serde adapter for a required timestamp.
pub mod serde_ms {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let s = String::deserialize(d)?;
        super::parse(&s).map_err(|e| serde::de::Error::custom(format!("{s:?}: {e}")))
    }
}

/// serde adapter for an optional timestamp (`null` or absent = none).
pub mod serde_ms_option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::format(*t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(s) => super::parse(&s)
                .map(Some)
                .map_err(|e| serde::de::Error::custom(format!("{s:?}: {e}"))),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_like_the_api() {
        assert_eq!(
            format(datetime!(2025-01-01 00:00:00.123456 UTC)),
            "2025-01-01T00:00:00.123Z"
        );
        assert_eq!(
            format(datetime!(2025-01-01 02:00:00 +02:00)),
            "2025-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn http_date_is_imf_fixdate() {
        assert_eq!(
            http_date(datetime!(1994-11-06 08:49:37 UTC)),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
    }

    #[test]
    fn parses_rfc3339_with_and_without_fraction() {
        assert_eq!(
            parse("2027-01-01T00:00:00Z").ok(),
            Some(datetime!(2027-01-01 00:00:00 UTC))
        );
        assert!(parse("2027-01-01").is_err());
    }

    #[test]
    fn times_past_9999_in_utc_are_kept_not_a_panic() {
        let late = parse("9999-12-31T23:59:59-23:59").unwrap();
        assert_eq!(format(late), "9999-12-31T23:59:59-23:59");
        assert_eq!(http_date(late), "Fri, 31 Dec 9999 23:59:59 GMT");
    }

    #[test]
    fn http_dates_before_1970_are_the_epoch_not_a_panic() {
        assert_eq!(
            http_date(datetime!(1960-01-01 00:00:00 UTC)),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
    }
}
