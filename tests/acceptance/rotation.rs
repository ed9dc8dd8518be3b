//! Acceptance: rotating a connection's secret, by hand, after its old secret died — deleted,
//! expired or deactivated — with and without management credentials, with and without
//! `revoke_secret_on_destroy`. The new secret gets a new `secret_id`, which replaces the
//! connection (`create_before_destroy`); the old object's destroy must never get stuck on the
//! dead secret. Also: destroy after a revocation, and dropping the flag with a dead secret.

use crate::support::connection::{Connection, Fixture, TYPE, add_secret, diagnostic};
use databricks_account_emulator::canonical;

const C: &str = "databricks_workflow_connection.c";
const ACC: &str = canonical::ACCOUNT_ID;
const SP: &str = canonical::SERVICE_PRINCIPAL_ID;
const SEC: &str = canonical::SECRET_ID;

#[derive(Clone, Copy, Debug)]
enum Death {
    Deleted,
    Expired,
    Deactivated,
}

fn kill(fx: &Fixture, death: Death) {
    match death {
        Death::Deleted => fx.emu.delete_secret(ACC, SP, SEC).unwrap(),
        Death::Expired => {
            fx.emu.expire_secret(ACC, SP, SEC).unwrap();
        }
        Death::Deactivated => {
            fx.emu.deactivate_secret(ACC, SP, SEC).unwrap();
        }
    }
}

fn rotation_case(death: Death, management: bool, revoke: bool) {
    let fx = if management {
        Fixture::with_management()
    } else {
        Fixture::new()
    };
    let old = Connection::canonical()
        .arg(
            "revoke_secret_on_destroy",
            if revoke { "true" } else { "false" },
        )
        .create_before_destroy();
    fx.configure(&[("c", &old)], "");
    fx.work.apply_clean();

    kill(&fx, death);
    let drift = fx.work.plan_refresh_only();
    assert_eq!(
        drift.code,
        2,
        "the dead secret is drift:\n{}",
        drift.combined()
    );

    // Rotate: a new secret in the console, its ID and value in the configuration.
    let new = add_secret(&fx.emu, SP);
    fx.configure(&[("c", &old.clone().with_secret(&new))], "");
    let out = fx.work.apply_json();
    assert_eq!(
        out.code,
        0,
        "{death:?} management={management} revoke={revoke}: the rotation must apply:\n{}",
        out.combined()
    );
    let c = fx.work.instance(C);
    assert_eq!(c["secret_id"], new.id.as_str());
    assert_eq!(c["status"], "verified");
    fx.work.assert_no_changes();
    assert!(
        fx.secret(SP, &new.id).is_some(),
        "the new secret is untouched"
    );

    let old_left = fx.secret(SP, SEC).is_some();
    match (death, management, revoke) {
        (Death::Deleted, ..) => assert!(!old_left),
        (_, _, false) => assert!(old_left, "without revoke the old secret stays"),
        // Management credentials can delete a dead secret.
        (_, true, true) => assert!(!old_left, "revoked with management credentials"),
        // Its own refused secret cannot delete itself: it counts as revoked, with a warning.
        (_, false, true) => {
            assert!(old_left);
            let w = diagnostic(
                &out,
                "warning",
                "OAuth secret no longer accepted (connection \"Databricks analytics\")",
            );
            let detail = w["detail"].as_str().unwrap();
            assert!(detail.contains("counts as revoked"), "{detail}");
            assert!(detail.contains(SEC), "{detail}");
        }
    }
}

#[test]
fn rotation_after_deletion_own_secret_no_revoke() {
    rotation_case(Death::Deleted, false, false);
}

#[test]
fn rotation_after_deletion_own_secret_revoke() {
    rotation_case(Death::Deleted, false, true);
}

#[test]
fn rotation_after_deletion_management_no_revoke() {
    rotation_case(Death::Deleted, true, false);
}

#[test]
fn rotation_after_deletion_management_revoke() {
    rotation_case(Death::Deleted, true, true);
}

#[test]
fn rotation_after_expiry_own_secret_no_revoke() {
    rotation_case(Death::Expired, false, false);
}

#[test]
fn rotation_after_expiry_own_secret_revoke() {
    rotation_case(Death::Expired, false, true);
}

#[test]
fn rotation_after_expiry_management_no_revoke() {
    rotation_case(Death::Expired, true, false);
}

#[test]
fn rotation_after_expiry_management_revoke() {
    rotation_case(Death::Expired, true, true);
}

#[test]
fn rotation_after_deactivation_own_secret_no_revoke() {
    rotation_case(Death::Deactivated, false, false);
}

#[test]
fn rotation_after_deactivation_own_secret_revoke() {
    rotation_case(Death::Deactivated, false, true);
}

#[test]
fn rotation_after_deactivation_management_no_revoke() {
    rotation_case(Death::Deactivated, true, false);
}

#[test]
fn rotation_after_deactivation_management_revoke() {
    rotation_case(Death::Deactivated, true, true);
}

#[test]
fn destroy_after_the_secret_was_revoked_elsewhere_succeeds() {
    for management in [false, true] {
        let fx = if management {
            Fixture::with_management()
        } else {
            Fixture::new()
        };
        let conn = Connection::canonical().arg("revoke_secret_on_destroy", "true");
        fx.configure(&[("c", &conn)], "");
        fx.work.apply_clean();
        fx.emu.delete_secret(ACC, SP, SEC).unwrap();
        let out = fx.work.run(&["destroy", "-auto-approve", "-json"]);
        assert_eq!(out.code, 0, "management={management}:\n{}", out.combined());
        assert!(fx.work.instances(TYPE).is_empty());
        if !management {
            diagnostic(
                &out,
                "warning",
                "OAuth secret no longer accepted (connection \"Databricks analytics\")",
            );
        }
    }
}

#[test]
fn an_expired_secret_on_record_is_named_as_expired_when_destroyed() {
    let fx = Fixture::new();
    // Expires a few seconds from now: time enough for the apply to record it while it is
    // valid (a create refuses an expired secret, so a slower apply fails the test), then the
    // destroy finds it refused and its recorded expiry passed.
    let at = crate::support::connection::from_now(4);
    fx.emu
        .set_secret_expire_time(ACC, SP, SEC, Some(at))
        .unwrap();
    fx.configure(
        &[(
            "c",
            &Connection::canonical().arg("revoke_secret_on_destroy", "true"),
        )],
        "",
    );
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    crate::support::connection::wait_until_past(at);
    let out = fx
        .work
        .run(&["destroy", "-auto-approve", "-refresh=false", "-json"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    diagnostic(
        &out,
        "warning",
        "OAuth secret already expired (connection \"Databricks analytics\")",
    );
}

#[test]
fn dropping_revoke_on_destroy_applies_with_a_dead_secret() {
    let fx = Fixture::new();
    let conn = Connection::canonical().arg("revoke_secret_on_destroy", "true");
    fx.configure(&[("c", &conn)], "");
    fx.work.apply_clean();
    fx.emu.delete_secret(ACC, SP, SEC).unwrap();

    // Only provider-side arguments change: recorded without contacting Databricks.
    fx.configure(
        &[(
            "c",
            &Connection::canonical()
                .arg("revoke_secret_on_destroy", "false")
                .arg("expiry_warning_days", "10"),
        )],
        "",
    );
    fx.emu.reset_calls();
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    let c = fx.work.instance(C);
    assert_eq!(c["revoke_secret_on_destroy"], false);
    assert_eq!(c["expiry_warning_days"], 10);
    assert_eq!(
        c["status"], "credentials_rejected",
        "the refresh saw the drift"
    );
    // Only the refresh talked to Databricks (token refused); the update itself did not.
    assert_eq!(fx.emu.calls().token, 1);
}
