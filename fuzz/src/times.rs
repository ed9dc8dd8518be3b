//! What the time paths must make of any timestamp, number of days and clock: the secret checks
//! of a verification, a refused token with a recorded expiry, the normalisation and display of
//! times, and the expiry warning. Each check panics (a fuzzer crash) when the code under test
//! disagrees with the rule it states. Shared by `timestamps` and `databricks_responses`.
//!
//! The rules are read with the `time` crate's RFC 3339 parser, as the API's times are (offsets,
//! leap seconds, any number of fractional digits).

use databricks_account_client::{ErrorKind, SecretInfo, VerifyStatus, fuzzing};
use terraform_provider_databricks::protocol::diagnostics::Severity;
use terraform_provider_databricks::protocol::path::AttributePath;
use terraform_provider_databricks::resource::workflow_connection::fuzzing::report;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::Input;

/// An RFC 3339 time, or `None`.
pub fn parse(raw: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(raw, &Rfc3339).ok()
}

/// Whether `t` can be written in RFC 3339 in UTC (year 0 to 9999 once converted).
fn writable_in_utc(t: OffsetDateTime) -> bool {
    t.checked_to_offset(UtcOffset::UTC)
        .is_some_and(|utc| (0..=9999).contains(&utc.year()))
}

/// A clock read from the input (14 bytes). `mode & 3`: 0 near the present (1970–2514), 1
/// anywhere `time` can represent, 2 seconds around `anchor`, 3 days around `anchor`; the last
/// two bytes give a UTC offset (in steps of 3 s, ±27 h; out of range stays UTC).
pub fn clock(input: &mut Input<'_>, mode: u8, anchor: Option<OffsetDateTime>) -> OffsetDateTime {
    let raw = i64::from_le_bytes(input.array());
    let nanos = u32::from_le_bytes(input.array()) % 1_000_000_000;
    let offset = i32::from(i16::from_le_bytes(input.array())) * 3;
    let anchor = anchor.unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let t = match mode & 3 {
        0 => at(i64::from(raw as u32) << 2, nanos),
        1 => {
            let min = PrimitiveDateTime::MIN.assume_utc().unix_timestamp();
            let max = PrimitiveDateTime::MAX.assume_utc().unix_timestamp();
            let span = i128::from(max) - i128::from(min) + 1;
            let secs = i128::from(min) + (i128::from(raw) - i128::from(min)).rem_euclid(span);
            at(i64::try_from(secs).unwrap_or(0), nanos)
        }
        2 => anchor
            .checked_add(Duration::new(i64::from(raw as i32), nanos as i32))
            .unwrap_or(anchor),
        _ => anchor
            .checked_add(Duration::days(i64::from(raw as i16)))
            .unwrap_or(anchor),
    };
    UtcOffset::from_whole_seconds(offset)
        .ok()
        .and_then(|o| t.checked_to_offset(o))
        .unwrap_or(t)
}

fn at(secs: i64, nanos: u32) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.replace_nanosecond(nanos).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The secret checks of a verification of secret `wanted` against `secrets`, with a recorded
/// expiry and a clock: a missing secret is `secret_expired` exactly when the recorded expiry
/// has passed, else `secret_not_found`; a listed one without `status` or `create_time` is an
/// invalid answer; a listed one fails `secret_inactive` unless `ACTIVE` and
/// `secret_expired` when its expiry has passed, in that order; an unreadable `expire_time` is an
/// invalid answer, never a pass; observed times are normalised.
pub fn check_secret_checks(
    secrets: &[SecretInfo],
    wanted: &str,
    recorded: Option<&str>,
    now: OffsetDateTime,
) {
    let result = fuzzing::secret_checks(secrets, wanted, recorded, now);
    let listed = secrets
        .iter()
        .find(|s| s.id.trim().eq_ignore_ascii_case(wanted.trim()));
    let Some(secret) = listed else {
        let (failures, observed) = match result {
            Ok(r) => r,
            Err(e) => panic!("the checks of an unlisted secret failed: {e}"),
        };
        assert!(observed.is_none(), "an unlisted secret was observed");
        let statuses: Vec<_> = failures.iter().map(|f| f.status).collect();
        let recorded_at = recorded.and_then(|r| parse(r.trim()));
        let expected = match recorded_at {
            Some(t) if t <= now => VerifyStatus::SecretExpired,
            _ => VerifyStatus::SecretNotFound,
        };
        assert_eq!(statuses, [expected], "recorded {recorded:?}, now {now}");
        if let Some(t) = recorded_at.filter(|t| *t <= now) {
            let shown = fuzzing::format_time(t);
            assert!(
                failures[0].reason.contains(&shown),
                "{}",
                failures[0].reason
            );
        }
        return;
    };

    if secret.status.is_none() || secret.create_time.is_none() {
        match result {
            Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{e}"),
            Ok(_) => panic!("an entry without status or create_time passed: {secret:?}"),
        }
        return;
    }
    let expiry = secret.expire_time.as_deref().map(|raw| parse(raw.trim()));
    let (failures, observed) = match (result, expiry) {
        (Err(e), Some(None)) => {
            assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{e}");
            return;
        }
        (Err(e), _) => panic!("the checks failed on a readable secret: {e}\n{secret:?}, now {now}"),
        (Ok(_), Some(None)) => panic!(
            "an unreadable expire_time passed the checks: {:?}",
            secret.expire_time
        ),
        (Ok(r), _) => r,
    };
    let expiry = expiry.flatten();
    let mut expected = Vec::new();
    if !secret
        .status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("ACTIVE"))
    {
        expected.push(VerifyStatus::SecretInactive);
    }
    if expiry.is_some_and(|t| t <= now) {
        expected.push(VerifyStatus::SecretExpired);
    }
    let statuses: Vec<_> = failures.iter().map(|f| f.status).collect();
    assert_eq!(
        statuses, expected,
        "{secret:?}, now {now}: wrong failures {failures:?}"
    );
    if let (Some(t), Some(last)) = (expiry, failures.last())
        && last.status == VerifyStatus::SecretExpired
    {
        assert!(
            last.reason.contains(&fuzzing::format_time(t)),
            "{}",
            last.reason
        );
    }
    let Some(observed) = observed else {
        panic!("a listed secret was not observed: {secret:?}");
    };
    assert_eq!(observed.id, secret.id);
    assert_eq!(observed.status, secret.status);
    assert_eq!(
        observed.create_time,
        secret.create_time.as_deref().map(fuzzing::normalise_time)
    );
    assert_eq!(
        observed.expire_time,
        secret.expire_time.as_deref().map(fuzzing::normalise_time)
    );
    for raw in [&secret.create_time, &secret.expire_time]
        .into_iter()
        .flatten()
    {
        check_normalised(raw);
    }
}

/// A time as the state records it: a readable time that can be written in UTC becomes the
/// same instant in UTC (`Z`); anything else is kept exactly as sent; normalising twice changes
/// nothing.
pub fn check_normalised(raw: &str) {
    let shown = fuzzing::normalise_time(raw);
    match parse(raw.trim()) {
        Some(t) if writable_in_utc(t) => {
            assert!(shown.ends_with('Z'), "{raw:?} normalised to {shown:?}");
            assert_eq!(parse(&shown), Some(t), "{raw:?} normalised to {shown:?}");
        }
        _ => assert_eq!(shown, raw, "an unconvertible time was changed"),
    }
    assert_eq!(
        fuzzing::normalise_time(&shown),
        shown,
        "normalising {raw:?} twice changed it"
    );
}

/// A time in a message: in UTC when it can be written so, and never another instant.
pub fn check_format_time(t: OffsetDateTime) {
    let shown = fuzzing::format_time(t);
    if writable_in_utc(t) {
        assert!(shown.ends_with('Z'), "{t} shown as {shown:?}");
    }
    if let Some(back) = parse(&shown) {
        assert_eq!(back, t, "{t} shown as {shown:?}");
    }
}

/// A refused token: `secret_expired` exactly when the recorded expiry has passed, else
/// `credentials_rejected`.
pub fn check_token_refused(recorded: Option<&str>, now: OffsetDateTime) {
    let failure = fuzzing::token_refused(recorded, now);
    match recorded.and_then(|r| parse(r.trim())) {
        Some(t) if t <= now => {
            assert_eq!(failure.status, VerifyStatus::SecretExpired, "{recorded:?}");
            let shown = fuzzing::format_time(t);
            assert!(failure.reason.contains(&shown), "{}", failure.reason);
        }
        _ => assert_eq!(
            failure.status,
            VerifyStatus::CredentialsRejected,
            "{recorded:?}, now {now}"
        ),
    }
}

/// The expiry warning: exactly when the expiry is readable, `days` is positive, and the
/// expiry is in the future but no more than `days` × 24 h away (exact arithmetic).
pub fn check_expiry_warning(expire_time: Option<&str>, days: i64, now: OffsetDateTime) {
    let warning = report::expiry_warning(expire_time, days, now, "connection \"fuzz\"");
    let expected = match expire_time.and_then(parse) {
        Some(t) if days > 0 && t > now => {
            (t - now).whole_nanoseconds() <= i128::from(days) * 86_400 * 1_000_000_000
        }
        _ => false,
    };
    assert_eq!(
        warning.is_some(),
        expected,
        "expiry {expire_time:?}, {days} days, now {now}"
    );
    if let Some(w) = warning {
        assert_eq!(w.severity, Severity::Warning);
        assert_eq!(w.attribute, Some(AttributePath::attr("secret_id")));
        assert!(
            w.detail.contains(&format!("expiry_warning_days = {days}")),
            "{}",
            w.detail
        );
    }
}
