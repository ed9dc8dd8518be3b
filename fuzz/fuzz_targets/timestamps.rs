//! Timestamps from the network and numbers from Terraform state, through the code that reads
//! them: the secret checks of a verification (status, expiry against a clock, normalisation of
//! the observed times), a refused token with a recorded expiry, the display of times, the
//! expiry warning with any `expiry_warning_days`, revocation decisions in private data, and
//! plans of a recorded connection whose `secret_expire_time`, `expiry_warning_days` and
//! `status` are arbitrary (the record-only and no-change paths that warn, a create that
//! carries a decision, a destroy that revokes). `fuzz_support::times` states the rules.
//!
//! Input: a control byte, `expiry_warning_days` (8 bytes, i64), a number as text
//! (length-prefixed), a recorded expiry (length-prefixed), a status byte, a plan byte, a count
//! byte and that many secret entries (a flag byte, then length-prefixed `status`,
//! `create_time` and `expire_time`, and an ID when the flags say so), the clock (14 bytes, see
//! `times::clock`), then the prior private data (the rest).

#![no_main]

use databricks_account_client::{SecretInfo, fuzzing};
use fuzz_support::{Input, resource, times};
use libfuzzer_sys::fuzz_target;
use terraform_provider_databricks::protocol::backend::{ClientCapabilities, PlanRequest};
use terraform_provider_databricks::protocol::cty::{Number, Value, encode_msgpack};
use terraform_provider_databricks::protocol::diagnostics::Severity;
use terraform_provider_databricks::protocol::path::AttributePath;
use terraform_provider_databricks::resource::workflow_connection::Attr;
use terraform_provider_databricks::resource::workflow_connection::fuzzing::model;
use terraform_provider_databricks::resource::workflow_connection::fuzzing::plan;
use terraform_provider_databricks::resource::workflow_connection::fuzzing::revoke::{self, Ledger};
use terraform_provider_databricks::resource::workflow_connection::validate;
use time::OffsetDateTime;

const ACC: &str = "0d2a7b1c-1234-4abc-9def-0123456789ab";
const APP: &str = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
const SP: &str = "2323502488275632";
const SEC: &str = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110";

const STATUSES: [&str; 6] = [
    "verified",
    "unchecked",
    "secret_expired",
    "credentials_rejected",
    "secret_not_found",
    "",
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let control = input.byte();
    let days = i64::from_le_bytes(input.array());
    let days_text = text(input.chunk());
    let recorded = text(input.chunk());
    let recorded = (control & 0x04 == 0).then_some(recorded.as_str());
    let status = input.byte();
    let plan_flags = input.byte();
    let count = input.byte() % 5;
    let secrets: Vec<SecretInfo> = (0..count).map(|_| secret(&mut input)).collect();
    let anchor = recorded.and_then(|r| times::parse(r.trim())).or_else(|| {
        secrets.iter().find_map(|s| {
            s.expire_time
                .as_deref()
                .and_then(|t| times::parse(t.trim()))
        })
    });
    let now = times::clock(&mut input, control, anchor);
    let prior_private = input.rest();

    // A verification: the secret list, and a refused token, against the recorded expiry.
    times::check_secret_checks(&secrets, SEC, recorded, now);
    times::check_token_refused(recorded, now);
    times::check_format_time(now);
    if let Some(t) = anchor {
        times::check_format_time(t);
    }

    // The expiry warning, with the recorded expiry, and with what the check observes (as an
    // apply warns) and what the API sent.
    times::check_expiry_warning(recorded, days, now);
    for s in &secrets {
        times::check_expiry_warning(s.expire_time.as_deref(), days, now);
        let observed = s.expire_time.as_deref().map(fuzzing::normalise_time);
        times::check_expiry_warning(observed.as_deref(), days, now);
    }
    times::check_expiry_warning(recorded, days.wrapping_neg(), now);

    // A revocation decision in private data survives a round trip.
    if let Some(decision) = revoke::decode(prior_private) {
        assert_eq!(
            revoke::decode(&revoke::encode(&decision)).as_ref(),
            Some(&decision)
        );
    }

    plan_recorded(
        recorded,
        days,
        &days_text,
        status,
        plan_flags,
        prior_private,
    );
});

/// One entry of a secret list. Flags: bits 0–1 the ID (the connection's, the same in upper
/// case with spaces, another, or read from the input); bits 2–4 whether `status`,
/// `create_time` and `expire_time` are present (each is read either way).
fn secret(input: &mut Input<'_>) -> SecretInfo {
    let flags = input.byte();
    let id = match flags & 3 {
        0 => SEC.to_owned(),
        1 => format!(" {} ", SEC.to_ascii_uppercase()),
        2 => "a0b1".to_owned(),
        _ => text(input.chunk()),
    };
    let mut field = |bit: u8| {
        let value = text(input.chunk());
        (flags & bit != 0).then_some(value)
    };
    let status = field(0x04);
    let create_time = field(0x08);
    let expire_time = field(0x10);
    SecretInfo {
        id,
        status,
        create_time,
        update_time: None,
        expire_time,
    }
}

/// A number of days as a state or configuration holds it. 0: the i64, 1: the text as a
/// number (null when it is none), 2: null, 3: `other`.
fn days_value(mode: u8, days: i64, days_text: &str, other: Value) -> Value {
    match mode & 3 {
        0 => Value::Number(Number::from_i64(days)),
        1 => Number::parse(days_text.trim()).map_or(Value::Null, Value::Number),
        2 => Value::Null,
        _ => other,
    }
}

/// A connection as an apply records it, with the fuzzed expiry, days and status.
fn recorded_state(expire: Option<&str>, days: Value, status: u8, revoke: bool) -> Value {
    let mut v = model::null_object(Attr::ALL);
    for (k, x) in [
        (Attr::Name, "conn"),
        (Attr::CloudProvider, "aws"),
        (Attr::AccountId, ACC),
        (Attr::ClientId, APP),
        (Attr::ClientSecret, "dose1a2b3c4d"),
        (Attr::ServicePrincipalId, SP),
        (Attr::SecretId, SEC),
        (Attr::ServicePrincipalName, "okta-workflows-connector"),
        (Attr::SecretCreateTime, "2025-01-01T00:00:00Z"),
        (Attr::VerifiedAt, "2026-11-29T04:00:00Z"),
    ] {
        model::set(&mut v, k, model::string(x));
    }
    model::set(
        &mut v,
        Attr::Id,
        model::string(format!("aws/{ACC}/{SP}/{SEC}")),
    );
    model::set(
        &mut v,
        Attr::SecretExpireTime,
        model::optional_string(expire),
    );
    model::set(&mut v, Attr::ExpiryWarningDays, days);
    model::set(&mut v, Attr::RevokeSecretOnDestroy, Value::Bool(revoke));
    let status = match STATUSES.get(usize::from(status)) {
        Some(s) => model::string(*s),
        None if status == 0xff => Value::Null,
        None => model::string(format!("status-{status}")),
    };
    model::set(&mut v, Attr::Status, status);
    v
}

/// Plans of a recorded connection: an update that changes nothing or only the record
/// (`expiry_warning_days`, `revoke_secret_on_destroy`), a create that carries the prior
/// private data's decision, or a destroy that revokes.
///
/// Plan flags: bits 0–1 the configured days, 2–3 the recorded days (see [`days_value`]; 3 is
/// unknown in the configuration, 30 in state), 4–5 the kind (update, update, create, destroy),
/// 6 the recorded `revoke_secret_on_destroy`, 7 the configured one.
fn plan_recorded(
    expire: Option<&str>,
    days: i64,
    days_text: &str,
    status: u8,
    flags: u8,
    prior_private: &[u8],
) {
    let prior_days = days_value(flags >> 2, days, days_text, model::number(30));
    let config_days = days_value(flags, days, days_text, Value::unknown());
    let prior_revoke = flags & 0x40 != 0;
    let prior = recorded_state(expire, prior_days, status, prior_revoke);

    // The configuration: the arguments of the record, with the fuzzed days.
    let mut config = model::null_object(Attr::ALL);
    for attr in [
        Attr::Name,
        Attr::CloudProvider,
        Attr::AccountId,
        Attr::ClientId,
        Attr::ClientSecret,
        Attr::ServicePrincipalId,
        Attr::SecretId,
    ] {
        model::set(
            &mut config,
            attr,
            model::get(&prior, attr).cloned().unwrap_or(Value::Null),
        );
    }
    model::set(&mut config, Attr::ExpiryWarningDays, config_days.clone());
    model::set(
        &mut config,
        Attr::RevokeSecretOnDestroy,
        Value::Bool(flags & 0x80 != 0),
    );

    // Validation takes any number and says so exactly when it is not a whole 0..=100000.
    let diags = validate(&config, ClientCapabilities::default());
    let days_error = diags
        .iter()
        .any(|d| d.attribute == Some(AttributePath::attr("expiry_warning_days")));
    let valid = match config_days.as_number() {
        Some(n) => n.to_i64().is_some_and(|d| (0..=100_000).contains(&d)),
        None => true,
    };
    assert_eq!(days_error, !valid, "days {config_days:?}: {diags:?}");

    // Terraform's proposed new state: the configuration, with the recorded values of the
    // computed attributes it leaves null.
    let mut proposed = config.clone();
    for attr in Attr::ALL {
        if model::is_null(&proposed, attr) && attr != Attr::ClientSecretWo {
            model::set(
                &mut proposed,
                attr,
                model::get(&prior, attr).cloned().unwrap_or(Value::Null),
            );
        }
    }
    for attr in [Attr::Description, Attr::ClientSecretWoVersion] {
        model::set(&mut proposed, attr, Value::Null);
    }

    let kind = flags >> 4 & 3;
    let (prior_state, proposed_new_state) = match kind {
        0 | 1 => (prior.clone(), proposed),
        2 => {
            let mut fresh = config.clone();
            for attr in Attr::observed().chain([Attr::Id]) {
                model::set(&mut fresh, attr, Value::Null);
            }
            (Value::Null, fresh)
        }
        _ => (prior.clone(), Value::Null),
    };
    let before = OffsetDateTime::now_utc();
    let planned = plan::plan(
        PlanRequest {
            prior_state,
            proposed_new_state,
            config: config.clone(),
            prior_private: prior_private.to_vec(),
            capabilities: ClientCapabilities::default(),
        },
        // Management credentials unknown: the write-only revocation checks stay out of the
        // way of what this target checks.
        &plan::PlanContext {
            ledger: &Ledger::default(),
            management: None,
        },
    );
    let after = OffsetDateTime::now_utc();
    if let Err(e) = encode_msgpack(&planned.planned_state, &resource().ty) {
        panic!(
            "the planned state does not encode: {e}\n{:?}",
            planned.planned_state
        );
    }
    assert!(
        planned.requires_replace.is_empty(),
        "nothing names another object"
    );
    let decision = revoke::decode(&planned.planned_private);
    assert_eq!(
        planned.planned_private.is_empty(),
        decision.is_none(),
        "planned private data that is not a decision"
    );
    match kind {
        2 => {
            assert_eq!(
                decision,
                revoke::decode(prior_private),
                "a create lost its decision"
            );
            return;
        }
        3 => {
            assert!(planned.planned_state.is_null());
            assert_eq!(
                decision,
                prior_revoke.then_some(revoke::Decision::Revoke),
                "a lone destroy revokes exactly when the record says so"
            );
            return;
        }
        _ => {}
    }

    let p = &planned.planned_state;
    let expected_days = if config_days.is_null() {
        model::number(30)
    } else {
        config_days
    };
    assert_eq!(p.attr("expiry_warning_days"), Some(&expected_days));
    assert!(
        !planned.diagnostics.has_errors(),
        "{:?}",
        planned.diagnostics
    );

    // An unchanged record that is not healthy is checked again, and does not warn. Otherwise
    // (unchanged and healthy, or a change of record-only arguments, which works even with a
    // dead secret) the observations stand and the recorded expiry warns.
    let healthy = matches!(
        model::text(&prior, Attr::Status),
        Some("verified" | "unchecked")
    ) || model::is_null(&prior, Attr::Status);
    let record_only = ["expiry_warning_days", "revoke_secret_on_destroy"]
        .into_iter()
        .any(|name| p.attr(name) != prior.attr(name));
    let warnings: Vec<_> = planned
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    if !healthy && !record_only {
        assert!(
            Attr::observed().all(|attr| model::is_unknown(p, attr)),
            "an unhealthy record was not checked again"
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        return;
    }
    for name in Attr::observed() {
        assert_eq!(
            model::get(p, name),
            model::get(&prior, name),
            "{name} changed without a check"
        );
    }
    let window = model::whole_number(p, Attr::ExpiryWarningDays).unwrap_or(30);
    let warns_at = |now: OffsetDateTime| {
        expire.and_then(times::parse).is_some_and(|t| {
            window > 0
                && t > now
                && (t - now).whole_nanoseconds() <= i128::from(window) * 86_400 * 1_000_000_000
        })
    };
    // The plan reads its own clock: judge only when it cannot matter.
    if warns_at(before) == warns_at(after) {
        assert_eq!(
            warnings.len(),
            usize::from(warns_at(before)),
            "expiry {expire:?}, {window} days: {warnings:?}"
        );
    }
}
