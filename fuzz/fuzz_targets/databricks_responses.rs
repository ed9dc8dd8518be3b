//! The Databricks client's readers of what the account API (or a proxy, a login page, a
//! misconfigured host) answers: error envelopes of every shape, HTML pages, token answers,
//! SCIM service principals, secret lists (and the verification's checks of the secrets they
//! list, with their times), `Retry-After` values, trace-log redaction, and the scrubbing of
//! what was sent out of what comes back.
//!
//! Input: a status byte pair, a content-type byte (one of a few, or a length-prefixed string),
//! a `Retry-After` value (length-prefixed; also the recorded expiry of the secret checks), a
//! clock byte, then the body.

#![no_main]

use std::time::{Duration, SystemTime};

use databricks_account_client::{ClientCredentials, fuzzing};
use fuzz_support::{Input, times};
use libfuzzer_sys::fuzz_target;
use time::OffsetDateTime;

const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/json"),
    Some("application/scim+json; charset=utf-8"),
    Some("text/html; charset=utf-8"),
    Some("text/plain"),
    Some("application/problem+json"),
];

/// What the scrubbing check registers as sent: a secret and a token of the shapes Databricks
/// issues.
const CLIENT_ID: &str = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
const SECRET: &str = "dose0123456789abcdef0123456789abcdef";
const TOKEN: &str = "eyJraWQiOiJmdXp6In0.eyJzdWIiOiJmdXp6In0.c2lnbmF0dXJl";

/// Tokens are never trusted for longer than a day (`MAX_LIFETIME` in oauth.rs).
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let status = 100 + u16::from_le_bytes([input.byte(), input.byte()]) % 500;
    let ct_byte = input.byte();
    let custom_ct;
    let content_type = match CONTENT_TYPES.get(usize::from(ct_byte)) {
        Some(ct) => *ct,
        None => {
            custom_ct = String::from_utf8_lossy(input.chunk()).into_owned();
            Some(custom_ct.as_str())
        }
    };
    let retry_after = String::from_utf8_lossy(input.chunk()).into_owned();
    // Around now, or far from it (both directions of an HTTP date).
    let clock = u64::from(input.byte()) << 26;
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(clock);
    let now_utc = OffsetDateTime::UNIX_EPOCH
        .checked_add(time::Duration::seconds(clock as i64))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let body = input.rest();

    // An error answer, for an API call and for the token endpoint.
    let answer = fuzzing::error_answer(status, content_type, body);
    assert!(
        answer.message.starts_with(&format!("HTTP {status} ")),
        "{}",
        answer.message
    );
    if let Some(delay) = answer.retry_delay {
        let _ = delay.as_millis();
    }

    // A 2xx answer that may be an HTML page instead of JSON.
    if let Some(page) = fuzzing::html_answer(content_type, body) {
        assert!(!page.is_empty());
    }

    // Successful answers of the three calls a verification makes.
    if let Ok((authorization, lifetime)) = fuzzing::token_answer(200, body) {
        assert!(
            lifetime <= MAX_TOKEN_LIFETIME,
            "token lifetime {lifetime:?}"
        );
        assert!(!authorization.is_empty(), "empty Authorization header");
    }
    if let Ok(principal) = fuzzing::service_principal(200, body) {
        let _ = principal.is_active();
        let _ = principal.has_role(databricks_account_client::ACCOUNT_ADMIN_ROLE);
        let _ = fuzzing::roles_missing(&principal);
        let _ = principal.application_id_matches(&retry_after);
    }
    if let Ok((secrets, next)) = fuzzing::secrets_page(200, body) {
        let _ = next;
        // The checks of a verification over the listed secrets: the first one listed, and one
        // that may not be, with the `Retry-After` text as the recorded expiry.
        let secrets = secrets.unwrap_or_default();
        let first = secrets.first().map(|s| s.id.clone()).unwrap_or_default();
        for wanted in [first.as_str(), "09094e3230c893775eac3a9e7d912a8ad08ffd7e"] {
            times::check_secret_checks(&secrets, wanted, Some(&retry_after), now_utc);
        }
        for s in &secrets {
            times::check_expiry_warning(s.expire_time.as_deref(), 30, now_utc);
        }
    }

    // Retry-After, as a header value is read (reqwest only gives visible ASCII as text; the
    // parser must cope with anything).
    if let Some(wait) = fuzzing::retry_after(&retry_after, now) {
        let _ = wait.max(answer.retry_delay.unwrap_or_default());
    }

    // What a trace log would show of the body.
    let logged = fuzzing::redacted_body(body);
    let _ = logged.len();

    // An answer that echoes what was sent: no form of the secret or the token survives the
    // scrubbing (the mask has no character of either, so it cannot make a new one).
    let credentials = ClientCredentials::new(CLIENT_ID, SECRET);
    let scrubbed = fuzzing::scrubbed(&credentials, TOKEN, body).unwrap_or_default();
    for leak in [SECRET.as_bytes(), TOKEN.as_bytes()] {
        assert!(
            !scrubbed.windows(leak.len()).any(|w| w == leak),
            "{:?}",
            String::from_utf8_lossy(&scrubbed)
        );
    }
});
