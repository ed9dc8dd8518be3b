//! Faults during real applies: the real `terraform` against the in-process emulator while
//! the account API rate-limits, fails, drops connections and stalls, and while the provider
//! process is killed or Terraform is interrupted. Every run must end consistent: each
//! connection recorded once, verified, and the next plans empty.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::support::connection::{Connection, Fixture, TYPE, add_admin_principal};
use crate::support::robust::{alive, provider_children, signal, spawn_terraform, wait_for};
use crate::support::terraform::Output;
use databricks_account_emulator::{Fault, FaultRule, Latency, RandomFaults, canonical};

/// Small retry settings so a failing test fails fast, a high rate limit so the provider's own
/// throttle is not what is measured.
fn fixture() -> Fixture {
    let mut fx = Fixture::new();
    fx.provider_extra = vec![
        "  retry_timeout_seconds = 30".into(),
        "  http_timeout_seconds = 10".into(),
        "  rate_limit = 1000".into(),
    ];
    fx
}

/// `n` connections of `principals` fresh account-admin principals (`n / principals` secrets
/// each), labelled c0, c1, …
fn connections(fx: &Fixture, principals: usize, per_principal: usize) -> Vec<(String, Connection)> {
    let mut out = Vec::new();
    for p in 0..principals {
        let sp = add_admin_principal(&fx.emu, &format!("robust-{p}"), per_principal);
        for s in 0..per_principal {
            let label = format!("c{}", out.len());
            let mut c = Connection::of(&sp, s);
            c.name = format!("robust {label}");
            out.push((label, c));
        }
    }
    out
}

fn configure(fx: &Fixture, conns: &[(String, Connection)]) {
    let refs: Vec<(&str, &Connection)> = conns.iter().map(|(l, c)| (l.as_str(), c)).collect();
    fx.configure(&refs, "");
}

/// Every connection is in the state exactly once, verified, with its own ID.
#[track_caller]
fn assert_all_recorded_once(fx: &Fixture, conns: &[(String, Connection)]) {
    let recorded = fx.work.instances(TYPE);
    assert_eq!(
        recorded.len(),
        conns.len(),
        "{:?}",
        recorded.keys().collect::<Vec<_>>()
    );
    let mut ids = BTreeSet::new();
    for (label, c) in conns {
        let attrs = recorded
            .get(&format!("{TYPE}.{label}"))
            .unwrap_or_else(|| panic!("{label} is not in the state:\n{}", fx.work.state_text()));
        assert_eq!(attrs["status"], "verified", "{label}: {attrs:#}");
        let expected = format!(
            "aws/{}/{}/{}",
            c.account_id, c.service_principal_id, c.secret_id
        );
        assert_eq!(attrs["id"], expected.as_str(), "{label}");
        assert!(ids.insert(expected), "{label}: ID recorded twice");
    }
    assert_eq!(ids.len(), conns.len(), "distinct IDs");
}

/// A normal plan finds nothing to do, and a refresh-only plan finds no drift (both exit 0).
#[track_caller]
fn assert_plans_empty(fx: &Fixture) {
    let plan = fx.work.plan();
    assert_eq!(plan.code, 0, "the plan is not empty:\n{}", plan.combined());
    assert_no_panic(&plan);
    let refresh = fx.work.plan_refresh_only();
    assert_eq!(
        refresh.code,
        0,
        "the refresh-only plan found drift or failed:\n{}",
        refresh.combined()
    );
    assert_no_panic(&refresh);
}

#[track_caller]
fn assert_no_panic(out: &Output) {
    let text = out.combined();
    assert!(
        !text.to_ascii_lowercase().contains("panic"),
        "something panicked:\n{text}"
    );
    assert!(
        !text.contains("crash"),
        "Terraform reported a crash:\n{text}"
    );
}

fn apply_args(parallelism: &str) -> Vec<String> {
    vec![
        "apply".into(),
        "-auto-approve".into(),
        "-input=false".into(),
        "-no-color".into(),
        format!("-parallelism={parallelism}"),
    ]
}

#[test]
fn fifty_connections_are_each_created_once_and_verified_under_random_429s_503s_and_latency() {
    let mut fx = fixture();
    // Under load (other tests, a busy machine) a connection can meet several faults in a row;
    // the budget only bounds a failure, a healthy run takes a fraction of it.
    fx.provider_extra[0] = "  retry_timeout_seconds = 60".into();
    let conns = connections(&fx, 10, 5);
    configure(&fx, &conns);
    fx.emu.set_latency(Some(Latency {
        min_ms: 100,
        max_ms: 300,
    }));
    fx.emu
        .set_random_faults(Some(RandomFaults::new(0.3, 4242)))
        .unwrap();

    let started = Instant::now();
    let args = apply_args("25");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = fx.work.run(&args);
    let took = started.elapsed();
    assert_eq!(
        out.code,
        0,
        "apply under faults failed:\n{}",
        out.combined()
    );
    assert!(
        out.stdout.contains("50 added, 0 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    assert_no_panic(&out);
    assert_all_recorded_once(&fx, &conns);

    let calls = fx.emu.calls();
    // A create is 1 token + 1 SCIM GET + 1 secret list; faults add retries on top.
    assert!(
        calls.token >= 50,
        "at least one token per connection: {calls:?}"
    );
    assert!(
        calls.scim_get >= 50 && calls.secrets_list >= 50,
        "{calls:?}"
    );
    let requests = calls.token + calls.scim_get + calls.secrets_list;
    assert!(
        requests > 150 + 20,
        "30% faults should have forced retries: {calls:?}"
    );
    assert_eq!(calls.secrets_create + calls.secrets_delete, 0, "{calls:?}");
    assert!(took < Duration::from_secs(60), "apply took {took:?}");
    eprintln!("apply of 50 connections under faults: {took:?}, {calls:?}");

    // Refresh under the same faults: still nothing to change.
    let plan = fx.work.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-parallelism=25",
    ]);
    assert_eq!(
        plan.code,
        0,
        "the plan after the apply (faults still on) is not empty:\n{}",
        plan.combined()
    );
    assert_no_panic(&plan);
}

#[test]
fn connections_dropped_mid_response_are_retried_and_the_apply_succeeds() {
    let fx = fixture();
    let conns = connections(&fx, 3, 1);
    configure(&fx, &conns);
    // The first requests of every kind lose their connection before a complete answer.
    fx.emu
        .inject_fault(FaultRule::new("/oidc/", Fault::DropConnection).times(3));
    fx.emu.inject_fault(
        FaultRule::new(
            format!("/api/2.0/accounts/{}/scim/", canonical::ACCOUNT_ID),
            Fault::DropConnection,
        )
        .times(3),
    );
    fx.emu.inject_fault(
        FaultRule::new(
            format!(
                "/api/2.0/accounts/{}/servicePrincipals/",
                canonical::ACCOUNT_ID
            ),
            Fault::DropConnection,
        )
        .times(2),
    );

    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout.contains("3 added, 0 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    assert_no_panic(&out);
    assert!(
        fx.emu.faults().is_empty(),
        "every injected fault should have been hit: {:?}",
        fx.emu.faults()
    );
    let calls = fx.emu.calls();
    assert!(
        calls.token >= 3 + 3 && calls.scim_get >= 3 + 3 && calls.secrets_list >= 3 + 2,
        "the dropped requests were retried: {calls:?}"
    );
    assert_all_recorded_once(&fx, &conns);
    assert_plans_empty(&fx);
}

#[test]
fn killing_the_provider_mid_apply_fails_terraform_and_a_rerun_converges() {
    let fx = fixture();
    let conns = connections(&fx, 5, 1);
    configure(&fx, &conns);
    // The last connection's principal answers its SCIM GET only after 20 s.
    let slow = &conns[4].1;
    fx.emu.inject_fault(
        FaultRule::new(
            format!(
                "/api/2.0/accounts/{}/scim/v2/ServicePrincipals/{}",
                canonical::ACCOUNT_ID,
                slow.service_principal_id
            ),
            Fault::delay_ms(20_000),
        )
        .times(1),
    );

    let args = apply_args("10");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let running = spawn_terraform(&fx.work, &args, &[]);
    let tf = running.pid();
    // Mid-apply: the slow request has arrived (its rule is used up) and Terraform has
    // reported the other four created.
    wait_for(Duration::from_secs(30), "the slow SCIM request", || {
        fx.emu.faults().is_empty().then_some(())
    });
    wait_for(Duration::from_secs(30), "the other creates", || {
        (running
            .output_so_far()
            .matches(": Creation complete")
            .count()
            >= 4)
            .then_some(())
    });
    let providers = provider_children(tf);
    assert!(
        !providers.is_empty(),
        "no provider process under terraform ({tf}):\n{}",
        running.output_so_far()
    );
    for pid in &providers {
        signal(*pid, "KILL");
    }
    let killed_at = Instant::now();
    let out = running.wait(Duration::from_secs(30));
    assert_ne!(
        out.code,
        0,
        "terraform must fail when its provider dies:\n{}",
        out.combined()
    );
    assert!(
        killed_at.elapsed() < Duration::from_secs(15),
        "terraform should notice the dead provider at once, not wait for the slow answer"
    );
    let text = out.combined();
    assert!(
        text.contains("Plugin did not respond")
            || text.contains("plugin exited")
            || text.contains("connection refused")
            || text.contains("Unavailable"),
        "terraform should report the lost provider:\n{text}"
    );
    // Whatever Terraform kept is consistent: verified connections of this configuration.
    let partial = fx.work.instances(TYPE);
    assert_eq!(
        partial.len(),
        conns.len() - 1,
        "the four created before the kill are kept, the slow one cannot be recorded"
    );
    for (address, attrs) in &partial {
        assert_eq!(attrs["status"], "verified", "{address}");
    }

    // The rerun converges.
    let rerun = fx.work.apply();
    assert_eq!(rerun.code, 0, "{}", rerun.combined());
    assert_no_panic(&rerun);
    assert!(
        rerun.stdout.contains(&format!(
            "{} added, 0 changed, 0 destroyed",
            5 - partial.len()
        )),
        "{}",
        rerun.stdout
    );
    assert_all_recorded_once(&fx, &conns);
    assert_plans_empty(&fx);
}

#[test]
fn sigint_during_a_slow_apply_stops_gracefully_cancels_the_request_and_a_rerun_converges() {
    let fx = fixture();
    let conns = connections(&fx, 3, 1);
    configure(&fx, &conns);
    // Every SCIM GET stalls for 20 s.
    const DELAY: Duration = Duration::from_secs(20);
    fx.emu.inject_fault(
        FaultRule::new(
            format!("/api/2.0/accounts/{}/scim/", canonical::ACCOUNT_ID),
            Fault::delay_ms(DELAY.as_millis() as u64),
        )
        .times(0),
    );

    let args = apply_args("10");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let running = spawn_terraform(&fx.work, &args, &[]);
    let tf = running.pid();
    wait_for(Duration::from_secs(30), "the stalled SCIM requests", || {
        (fx.emu.calls().scim_get >= 3).then_some(())
    });
    let providers = wait_for(Duration::from_secs(5), "the provider process", || {
        let p = provider_children(tf);
        (!p.is_empty()).then_some(p)
    });
    let interrupted = Instant::now();
    signal(tf, "INT");
    let out = running.wait(Duration::from_secs(30));
    let took = interrupted.elapsed();
    let text = out.combined();
    assert_ne!(
        out.code, 0,
        "an interrupted apply does not succeed:\n{text}"
    );
    assert!(
        took < DELAY / 2,
        "terraform took {took:?} after SIGINT: the provider did not cancel its request:\n{text}"
    );
    assert!(
        text.contains("Interrupt received"),
        "terraform should shut down gracefully:\n{text}"
    );
    assert!(
        text.to_ascii_lowercase().contains("cancel"),
        "the provider should report the cancelled operation:\n{text}"
    );
    assert_no_panic(&out);
    for pid in providers {
        wait_for(
            Duration::from_secs(5),
            "the provider process to exit",
            || (!alive(pid)).then_some(()),
        );
    }
    // Nothing half-done: no connection recorded (they were all still verifying).
    let recorded = fx.work.instances(TYPE);
    for (address, attrs) in &recorded {
        assert_eq!(attrs["status"], "verified", "{address}");
    }
    assert!(recorded.is_empty(), "{recorded:?}");

    fx.emu.clear_faults();
    let rerun = fx.work.apply();
    assert_eq!(rerun.code, 0, "{}", rerun.combined());
    assert!(
        rerun.stdout.contains("3 added, 0 changed, 0 destroyed"),
        "{}",
        rerun.stdout
    );
    assert_all_recorded_once(&fx, &conns);
    assert_plans_empty(&fx);
}
