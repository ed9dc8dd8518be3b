//! Times as the account API sends them, as the state records them and as messages show them.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// An RFC 3339 time as the API sends it (any offset, fractional digits, a leap second).
pub(crate) fn parse_time(raw: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(raw.trim(), &Rfc3339).ok()
}

/// The time in UTC when it parses and can be shown in UTC, else the text as sent.
pub(crate) fn normalise_time(raw: &str) -> String {
    match parse_time(raw).and_then(|t| t.checked_to_offset(UtcOffset::UTC)) {
        Some(utc) => utc.format(&Rfc3339).unwrap_or_else(|_| raw.to_owned()),
        None => raw.to_owned(),
    }
}

/// A parsed time for messages: in UTC where it can be (a time near the end of year 9999 with
/// a negative offset is past 9999 in UTC, which `time` cannot represent), else as it is.
pub(crate) fn format_time(t: OffsetDateTime) -> String {
    let shown = t.checked_to_offset(UtcOffset::UTC).unwrap_or(t);
    shown.format(&Rfc3339).unwrap_or_else(|_| shown.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_nonzero_fractions_and_convert_offsets_to_utc() {
        assert_eq!(
            normalise_time("2023-01-01T19:30:41.500+01:00"),
            "2023-01-01T18:30:41.5Z"
        );
        assert_eq!(normalise_time("garbage"), "garbage");
    }
}
