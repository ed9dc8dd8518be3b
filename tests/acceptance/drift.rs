//! Acceptance: drift. Each fault in Databricks makes `plan -refresh-only -detailed-exitcode`
//! exit 2 showing the `status` change, makes a normal apply fail naming the cause, and once
//! the fault is repaired an apply restores `verified` and both plans are empty again.
//!
//! With only the connection's own secret, a deleted secret, a deactivated or deleted
//! principal all look the same to Databricks' token endpoint (`credentials_rejected`); an
//! expired secret is `secret_expired` when the expiry recorded at the last check explains the
//! refusal. With management credentials the provider sees the principal and its secrets and
//! reports the precise status.

use crate::support::connection::{
    Connection, Fixture, add_secret, assert_detail_mentions, assert_status_change, diagnostic,
    from_now, wait_until_past,
};
use databricks_account_emulator::{ACCOUNT_ADMIN, NewSecret, NewServicePrincipal, canonical};

const C: &str = "databricks_workflow_connection.c";
const ACC: &str = canonical::ACCOUNT_ID;
const SP: &str = canonical::SERVICE_PRINCIPAL_ID;
const SEC: &str = canonical::SECRET_ID;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    SecretDeleted,
    SecretExpired,
    RoleRemoved,
    PrincipalDeactivated,
    PrincipalDeleted,
}

/// Runs one drift case on the canonical connection. `status` is what the refresh records,
/// `error` the summary of the failing apply's error.
fn drift_case(management: bool, fault: Fault, status: &str, error: &str) {
    let fx = if management {
        Fixture::with_management()
    } else {
        Fixture::new()
    };
    let mut conn = Connection::canonical();
    let mut natural_expiry = None;
    match fault {
        // The emulator can list expired secrets with their past expiry (by default it leaves
        // them out, and a missing secret whose recorded expiry has not passed reads as deleted).
        Fault::SecretExpired if management => fx
            .emu
            .update_settings(|s| s.list_omits_expired_secrets = false)
            .unwrap(),
        // Only time passing makes a recorded expiry explain a refused token: the secret
        // expires a few seconds after the apply that records its expiry (the apply and its two
        // clean plans must finish before then).
        Fault::SecretExpired => {
            let at = from_now(6);
            fx.emu
                .set_secret_expire_time(ACC, SP, SEC, Some(at))
                .unwrap();
            natural_expiry = Some(at);
        }
        _ => {}
    }
    fx.configure(&[("c", &conn)], "");
    fx.work.apply_clean();
    assert_eq!(fx.work.instance(C)["status"], "verified");

    // Break it.
    let snapshot = fx.emu.service_principal(ACC, SP).unwrap();
    match fault {
        Fault::SecretDeleted => fx.emu.delete_secret(ACC, SP, SEC).unwrap(),
        Fault::SecretExpired => match natural_expiry {
            Some(at) => wait_until_past(at),
            None => {
                fx.emu.expire_secret(ACC, SP, SEC).unwrap();
            }
        },
        Fault::RoleRemoved => fx.emu.remove_role(ACC, SP, ACCOUNT_ADMIN).unwrap(),
        Fault::PrincipalDeactivated => fx.emu.deactivate_service_principal(ACC, SP).unwrap(),
        Fault::PrincipalDeleted => fx.emu.delete_service_principal(ACC, SP).unwrap(),
    }

    // The drift check sees it, and says why.
    fx.emu.reset_calls();
    let refresh = fx.work.plan_refresh_only();
    assert_eq!(
        refresh.code,
        2,
        "drift must exit 2:\n{}",
        refresh.combined()
    );
    assert_status_change(&refresh, "verified", status);
    assert!(
        refresh
            .text()
            .contains(&format!("\"{status}\"; the next apply checks it again")),
        "the drift warning explains the new status:\n{}",
        refresh.combined()
    );
    if management {
        assert_eq!(
            fx.emu.calls().token,
            1,
            "a refresh with management credentials takes their one token"
        );
    }
    // A plan writes nothing.
    assert_eq!(fx.work.instance(C)["status"], "verified");
    // A normal plan proposes to check again and does not claim the outcome.
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(
        plan.stdout.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("~ status")
                && l.ends_with(&format!("\"{status}\" -> (known after apply)"))
        }),
        "the plan shows the status becoming unknown:\n{}",
        plan.combined()
    );

    // A normal apply re-checks and fails naming the cause; the record keeps what the refresh
    // saw.
    let apply = fx.work.apply_json();
    assert_eq!(apply.code, 1, "{}", apply.combined());
    let d = diagnostic(&apply, "error", error);
    assert_detail_mentions(&d, &["The recorded connection was left unchanged."]);
    assert_eq!(
        fx.work.instance(C)["status"],
        status,
        "{}",
        fx.work.state_text()
    );

    // Repair it, apply, and everything is quiet again.
    match fault {
        Fault::SecretDeleted if !management => {
            // A deleted secret cannot come back in Databricks: rotate to a new secret (a new
            // secret_id replaces the connection).
            let new = add_secret(&fx.emu, SP);
            conn = conn.with_secret(&new);
            fx.configure(&[("c", &conn)], "");
        }
        Fault::SecretDeleted => {
            // The emulator can restore the very same secret (same ID, value and times).
            let old = snapshot.secrets.iter().find(|s| s.id == SEC).unwrap();
            fx.emu
                .add_secret(
                    ACC,
                    SP,
                    NewSecret {
                        id: Some(old.id.clone()),
                        secret: Some(old.secret.clone()),
                        create_time: Some(old.create_time),
                        expire_time: old.expire_time,
                        never_expires: old.expire_time.is_none(),
                        ..Default::default()
                    },
                )
                .unwrap();
        }
        Fault::SecretExpired => {
            fx.emu
                .set_secret_expire_time(ACC, SP, SEC, Some(from_now(365 * 86_400)))
                .unwrap();
        }
        Fault::RoleRemoved => fx.emu.add_role(ACC, SP, ACCOUNT_ADMIN).unwrap(),
        Fault::PrincipalDeactivated => fx.emu.activate_service_principal(ACC, SP).unwrap(),
        Fault::PrincipalDeleted => {
            // The emulator lets the principal come back with the same IDs and secrets.
            fx.emu
                .add_service_principal(
                    ACC,
                    NewServicePrincipal {
                        id: Some(snapshot.id.clone()),
                        application_id: Some(snapshot.application_id.clone()),
                        display_name: Some(snapshot.display_name.clone()),
                        roles: snapshot.roles.clone(),
                        secrets: snapshot
                            .secrets
                            .iter()
                            .map(|s| NewSecret {
                                id: Some(s.id.clone()),
                                secret: Some(s.secret.clone()),
                                create_time: Some(s.create_time),
                                expire_time: s.expire_time,
                                never_expires: s.expire_time.is_none(),
                                ..Default::default()
                            })
                            .collect(),
                        ..Default::default()
                    },
                )
                .unwrap();
        }
    }
    fx.work.apply_clean();
    let repaired = fx.work.instance(C);
    assert_eq!(repaired["status"], "verified");
    assert_eq!(repaired["secret_id"], conn.secret_id.as_str());
}

// ---- the connection's own secret ------------------------------------------------------------

#[test]
fn own_secret_deleted_secret_is_credentials_rejected_until_rotated() {
    drift_case(
        false,
        Fault::SecretDeleted,
        "credentials_rejected",
        "Databricks refused the client ID and secret",
    );
}

#[test]
fn own_secret_expired_secret_is_secret_expired_when_the_recorded_expiry_explains_it() {
    drift_case(
        false,
        Fault::SecretExpired,
        "secret_expired",
        "OAuth secret has expired",
    );
}

#[test]
fn own_secret_removed_admin_role_is_not_account_admin() {
    drift_case(
        false,
        Fault::RoleRemoved,
        "not_account_admin",
        "Service principal is not an Account Admin",
    );
}

#[test]
fn own_secret_deactivated_principal_is_credentials_rejected() {
    drift_case(
        false,
        Fault::PrincipalDeactivated,
        "credentials_rejected",
        "Databricks refused the client ID and secret",
    );
}

#[test]
fn own_secret_deleted_principal_is_credentials_rejected() {
    drift_case(
        false,
        Fault::PrincipalDeleted,
        "credentials_rejected",
        "Databricks refused the client ID and secret",
    );
}

// ---- management credentials: the precise status ---------------------------------------------

#[test]
fn management_deleted_secret_is_secret_not_found() {
    drift_case(
        true,
        Fault::SecretDeleted,
        "secret_not_found",
        "OAuth secret not found",
    );
}

#[test]
fn management_expired_secret_is_secret_expired() {
    drift_case(
        true,
        Fault::SecretExpired,
        "secret_expired",
        "OAuth secret has expired",
    );
}

#[test]
fn management_removed_admin_role_is_not_account_admin() {
    drift_case(
        true,
        Fault::RoleRemoved,
        "not_account_admin",
        "Service principal is not an Account Admin",
    );
}

#[test]
fn management_deactivated_principal_is_service_principal_inactive() {
    drift_case(
        true,
        Fault::PrincipalDeactivated,
        "service_principal_inactive",
        "Service principal is deactivated",
    );
}

#[test]
fn management_deleted_principal_is_service_principal_not_found() {
    drift_case(
        true,
        Fault::PrincipalDeleted,
        "service_principal_not_found",
        "Service principal not found",
    );
}
