//! Acceptance: a create whose check fails says why, points at the attribute to fix, and
//! records nothing (no `databricks_workflow_connection` instance in terraform.tfstate).

use crate::support::connection::{
    Connection, Fixture, Management, add_admin_principal, assert_detail_mentions,
    assert_nothing_recorded, assert_points_at, diagnostic,
};
use crate::support::terraform::Output;
use databricks_account_emulator::{NewSecret, canonical};

/// The failed create's output: exactly the `summaries` as errors (one per failed check).
#[track_caller]
fn create_fails(fx: &Fixture, summaries: &[&str]) -> Output {
    let out = fx.work.apply_json();
    assert_eq!(out.code, 1, "the create should fail:\n{}", out.combined());
    assert_eq!(
        out.summaries("error"),
        summaries,
        "one error per failed check:\n{}",
        out.combined()
    );
    assert_nothing_recorded(&fx.work);
    out
}

const REFUSED: &str = "Databricks refused the client ID and secret";
const NOT_RECORDED: &str = "The connection was not recorded.";

#[test]
fn create_with_a_wrong_secret_fails_at_client_id_and_records_nothing() {
    let fx = Fixture::new();
    let literal = "dosewrongwrongwrongwrongwrongwrong00";
    let conn = Connection {
        secret: crate::support::connection::SecretArg::Literal(literal.into()),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &conn)], "");
    // The secret written in the configuration never reaches the screen (or a CI log):
    // neither the human output of validate, plan and apply nor the JSON one.
    for args in [
        &["validate", "-no-color"][..],
        &["plan", "-no-color"],
        &["apply", "-auto-approve", "-no-color"],
        &["plan", "-refresh-only", "-no-color"],
    ] {
        let out = fx.work.run(args);
        assert!(
            !out.combined().contains(literal),
            "`terraform {}` shows the secret:\n{}",
            args.join(" "),
            out.combined()
        );
    }
    fx.emu.reset_calls();
    let out = create_fails(&fx, &[REFUSED]);
    assert!(!out.combined().contains(literal), "{}", out.combined());
    let d = diagnostic(&out, "error", REFUSED);
    // Not at `client_secret`: Terraform prints the line a diagnostic points at, and here that
    // line holds the secret.
    assert_points_at(&d, "client_id");
    assert_detail_mentions(&d, &[canonical::APPLICATION_ID, "HTTP 401", NOT_RECORDED]);
    // The token exchange is the check: nothing else was asked.
    let calls = fx.emu.calls();
    assert_eq!(
        (calls.token, calls.scim_get, calls.secrets_list),
        (1, 0, 0),
        "{calls:?}"
    );
}

#[test]
fn create_with_an_unknown_service_principal_fails_at_service_principal_id_and_records_nothing() {
    let fx = Fixture::new();
    let conn = Connection {
        service_principal_id: "1111222233334444".into(),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &conn)], "");
    let out = create_fails(&fx, &["Service principal not found"]);
    let d = diagnostic(&out, "error", "Service principal not found");
    assert_points_at(&d, "service_principal_id");
    assert_detail_mentions(&d, &["1111222233334444", "404", NOT_RECORDED]);
}

#[test]
fn create_with_an_inactive_service_principal_fails_and_records_nothing() {
    let mut fx = Fixture::new();
    fx.emu
        .deactivate_service_principal(canonical::ACCOUNT_ID, canonical::SERVICE_PRINCIPAL_ID)
        .unwrap();
    fx.configure(&[("c", &Connection::canonical())], "");
    // With only the connection's own secret, Databricks refuses the token of a deactivated
    // principal like any bad credential; the detail names the possible causes.
    let out = create_fails(&fx, &[REFUSED]);
    let d = diagnostic(&out, "error", REFUSED);
    assert_points_at(&d, "client_id");
    assert_detail_mentions(&d, &["deactivated", NOT_RECORDED]);

    // With management credentials the provider sees the principal and names the cause.
    fx.management = Some(Management::add(&fx.emu));
    fx.configure(&[("c", &Connection::canonical())], "");
    let summary = "Service principal is deactivated";
    let out = create_fails(&fx, &[summary]);
    let d = diagnostic(&out, "error", summary);
    assert_points_at(&d, "service_principal_id");
    assert_detail_mentions(
        &d,
        &[
            canonical::SERVICE_PRINCIPAL_ID,
            "is deactivated",
            NOT_RECORDED,
        ],
    );
}

#[test]
fn create_with_a_principal_without_account_admin_fails_at_service_principal_id_and_records_nothing()
{
    let fx = Fixture::new();
    // The seed's second principal is active, with a valid secret, but holds no role.
    let conn = Connection {
        client_id: canonical::APPLICATION_ID_2.into(),
        secret: crate::support::connection::SecretArg::Literal(canonical::SECRET_2.into()),
        service_principal_id: canonical::SERVICE_PRINCIPAL_ID_2.into(),
        secret_id: canonical::SECRET_ID_2.into(),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &conn)], "");
    let summary = "Service principal is not an Account Admin";
    let out = create_fails(&fx, &[summary]);
    let d = diagnostic(&out, "error", summary);
    assert_points_at(&d, "service_principal_id");
    assert_detail_mentions(&d, &["HTTP 403", "Account Admin role", NOT_RECORDED]);
}

#[test]
fn create_with_another_principals_client_id_fails_at_client_id_and_records_nothing() {
    let fx = Fixture::new();
    // The seed principal's credentials (they authenticate), pointed at another admin
    // principal and that principal's own secret: only the application ID does not match.
    let other = add_admin_principal(&fx.emu, "ingest-bot", 1);
    let conn = Connection {
        service_principal_id: other.id.clone(),
        secret_id: other.secrets[0].id.clone(),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &conn)], "");
    let summary = "Client ID is not the service principal's application ID";
    let out = create_fails(&fx, &[summary]);
    let d = diagnostic(&out, "error", summary);
    assert_points_at(&d, "client_id");
    assert_detail_mentions(
        &d,
        &[
            &other.application_id,
            canonical::APPLICATION_ID,
            NOT_RECORDED,
        ],
    );
}

#[test]
fn create_with_an_unknown_secret_id_fails_at_secret_id_and_records_nothing() {
    let fx = Fixture::new();
    let unknown = "f".repeat(64);
    let conn = Connection {
        secret_id: unknown.clone(),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &conn)], "");
    let out = create_fails(&fx, &["OAuth secret not found"]);
    let d = diagnostic(&out, "error", "OAuth secret not found");
    assert_points_at(&d, "secret_id");
    assert_detail_mentions(
        &d,
        &[&unknown, canonical::SERVICE_PRINCIPAL_ID, NOT_RECORDED],
    );
}

#[test]
fn create_with_an_inactive_secret_fails_and_records_nothing() {
    let mut fx = Fixture::new();
    fx.emu
        .deactivate_secret(
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID,
        )
        .unwrap();
    fx.configure(&[("c", &Connection::canonical())], "");
    // Its own (inactive) secret cannot get a token: a refusal, shown at client_id.
    let out = create_fails(&fx, &[REFUSED]);
    assert_points_at(&diagnostic(&out, "error", REFUSED), "client_id");

    // With management credentials the secret list shows its status.
    fx.management = Some(Management::add(&fx.emu));
    fx.configure(&[("c", &Connection::canonical())], "");
    let summary = "OAuth secret is not active";
    let out = create_fails(&fx, &[summary]);
    let d = diagnostic(&out, "error", summary);
    assert_points_at(&d, "secret_id");
    assert_detail_mentions(&d, &[canonical::SECRET_ID, "INACTIVE", NOT_RECORDED]);

    // Without management credentials, a connection that authenticates with another, active
    // secret of the principal (secret_id left behind after a rotation) sees it too.
    fx.management = None;
    let active = fx
        .emu
        .add_secret(
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            NewSecret::default(),
        )
        .unwrap();
    let conn = Connection {
        secret: crate::support::connection::SecretArg::Literal(active.secret.clone()),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &conn)], "");
    let out = create_fails(&fx, &[summary]);
    assert_points_at(&diagnostic(&out, "error", summary), "secret_id");
}

#[test]
fn create_with_an_expired_secret_fails_and_records_nothing() {
    let mut fx = Fixture::new();
    fx.emu
        .expire_secret(
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID,
        )
        .unwrap();
    fx.configure(&[("c", &Connection::canonical())], "");
    let out = create_fails(&fx, &[REFUSED]);
    let d = diagnostic(&out, "error", REFUSED);
    assert_points_at(&d, "client_id");
    assert_detail_mentions(&d, &["expired", NOT_RECORDED]);

    // With management credentials, and a secret list that shows expired secrets with their
    // past expiry (the emulator's switch; by default they are left out and read as missing).
    fx.emu
        .update_settings(|s| s.list_omits_expired_secrets = false)
        .unwrap();
    fx.management = Some(Management::add(&fx.emu));
    fx.configure(&[("c", &Connection::canonical())], "");
    let summary = "OAuth secret has expired";
    let out = create_fails(&fx, &[summary]);
    let d = diagnostic(&out, "error", summary);
    assert_points_at(&d, "secret_id");
    assert_detail_mentions(&d, &[canonical::SECRET_ID, "expired at", NOT_RECORDED]);
}
