//! Acceptance: messages that name the right principal, value and outcome. A 403 for a
//! connection's own token names the client ID that made the call; an import ID with a part too
//! many is shown, not taken for a secret; a malformed unasked `DEFAULT` profile is a warning; a
//! destroy plan says nothing will be revoked when the refresh found the secret gone or refused;
//! a management principal that is the connection's own is not called "another one"; the import
//! warning tells of replacements; and the advice to keep a secret names the `removed` block.

use crate::support::connection::{
    Connection, Fixture, Management, add_admin_principal, add_secret, diagnostic, quote,
};
use crate::support::terraform::Output;
use databricks_account_emulator::{ACCOUNT_ADMIN, NewSecret, NewServicePrincipal, canonical};

const C: &str = "databricks_workflow_connection.c";
const SP: &str = canonical::SERVICE_PRINCIPAL_ID;

fn import_id(secret_id: &str) -> String {
    format!("aws/{}/{SP}/{secret_id}", canonical::ACCOUNT_ID)
}

#[track_caller]
fn assert_mentions(out: &Output, parts: &[&str]) {
    let text = out.text();
    for part in parts {
        assert!(text.contains(part), "{part:?} in {}", out.combined());
    }
}

/// The canonical connection with the client ID and secret of a principal without roles.
#[test]
fn a_403_for_the_connections_own_token_names_the_client_id_that_made_the_call() {
    let fx = Fixture::new();
    let other = fx
        .emu
        .add_service_principal(
            canonical::ACCOUNT_ID,
            NewServicePrincipal {
                display_name: Some("no-roles".into()),
                secrets: vec![NewSecret::default()],
                ..Default::default()
            },
        )
        .unwrap();
    let mut connection = Connection::canonical();
    connection.client_id = other.application_id.clone();
    connection.secret =
        crate::support::connection::SecretArg::Literal(other.secrets[0].secret.clone());
    fx.configure(&[("c", &connection)], "");
    let client_id = other.application_id.as_str();
    let expected = [
        format!("made as client ID {client_id}"),
        format!(
            "the service principal that client ID {client_id} belongs to lacks the Account Admin role"
        ),
        format!(
            "If client ID {client_id} is not service principal {SP}'s application ID, the client ID belongs to another principal: check client_id"
        ),
    ];
    let assert_names_the_caller = |out: &Output| {
        assert_eq!(out.code, 1, "{}", out.combined());
        let d = diagnostic(out, "error", "Service principal is not an Account Admin");
        let detail = d["detail"].as_str().unwrap();
        for part in &expected {
            assert!(detail.contains(part.as_str()), "{part:?} in {detail}");
        }
        assert!(
            !detail.contains(&format!("refused service principal {SP} (HTTP 403")),
            "the 403 is not about service principal {SP}: {detail}"
        );
    };
    assert_names_the_caller(&fx.work.apply_json());

    // The same after an import without management credentials (recorded `unchecked`).
    let import = fx.work.run(&[
        "import",
        "-input=false",
        "-no-color",
        C,
        &import_id(canonical::SECRET_ID),
    ]);
    assert_eq!(import.code, 0, "{}", import.combined());
    assert_names_the_caller(&fx.work.apply_json());
}

#[test]
fn an_import_id_with_a_part_too_many_is_shown_and_not_taken_for_a_secret() {
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");
    let id = format!("{}/extra", import_id(canonical::SECRET_ID));
    let out = fx
        .work
        .run(&["import", "-input=false", "-no-color", C, &id]);
    assert_eq!(out.code, 1, "{}", out.combined());
    assert_mentions(
        &out,
        &[
            "Invalid import ID",
            &format!("{} has 5 parts separated by '/', not 4", quote(&id)),
        ],
    );
    assert!(
        !out.text().contains("looks like an OAuth secret"),
        "{}",
        out.combined()
    );
}

#[cfg(unix)]
#[test]
fn an_unasked_default_profile_with_a_refused_host_is_a_warning_and_its_writable_file_still_is() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    let m = Management::add(&fx.emu);
    let file = fx.work.path().join("cfg");
    std::fs::write(
        &file,
        format!(
            "[DEFAULT]\nhost = https://admin:pw@accounts.example.com\naccount_id = {}\n\
             client_id = {}\nclient_secret = {}\n",
            m.account_id, m.client_id, m.client_secret
        ),
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    crate::support::provider_block::configure(
        &fx,
        &[format!("  config_file = {}", quote(file.to_str().unwrap()))],
    );
    let out = fx
        .work
        .run(&["plan", "-json", "-input=false", "-refresh=false"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let warnings = out.provider_warnings();
    for summary in [
        "Invalid value in a Databricks config profile",
        "Databricks config file writable by others",
    ] {
        assert!(
            warnings.contains(&summary.to_owned()),
            "{summary:?} in {warnings:?}"
        );
    }
    let w = diagnostic(
        &out,
        "warning",
        "Invalid value in a Databricks config profile",
    );
    let detail = w["detail"].as_str().unwrap();
    for part in [
        format!(
            "In the profile \"DEFAULT\" in {}, `host` is not an account host this provider can use: ",
            file.display()
        ),
        "without management credentials".to_owned(),
    ] {
        assert!(detail.contains(&part), "{part:?} in {detail}");
    }
    assert!(
        !out.combined().contains("admin:pw") && !out.combined().contains(&m.client_secret),
        "{}",
        out.combined()
    );
}

fn revoking(connection: Connection) -> Connection {
    connection.arg("revoke_secret_on_destroy", "true")
}

/// Applies one revoking connection on a secret of its own, then deletes that secret in
/// Databricks (behind Terraform's back).
fn revoking_connection_whose_secret_is_then_deleted(
    fx: &Fixture,
) -> databricks_account_emulator::Secret {
    let secret = add_secret(&fx.emu, SP);
    fx.configure(
        &[("c", &revoking(Connection::canonical().with_secret(&secret)))],
        "",
    );
    fx.work.apply_clean();
    fx.emu
        .delete_secret(canonical::ACCOUNT_ID, SP, &secret.id)
        .unwrap();
    secret
}

fn plan_destroy(fx: &Fixture) -> Output {
    fx.work
        .run(&["plan", "-destroy", "-input=false", "-no-color"])
}

#[test]
fn a_destroy_plan_after_the_secret_was_refused_says_nothing_will_be_revoked() {
    let fx = Fixture::new();
    revoking_connection_whose_secret_is_then_deleted(&fx);
    let plan = plan_destroy(&fx);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    assert_mentions(
        &plan,
        &[
            "Warning: OAuth secret already refused (connection \"Databricks analytics\")",
            "(status \"credentials_rejected\")",
            "revokes nothing",
        ],
    );
    assert!(
        !plan.text().contains("will be revoked"),
        "{}",
        plan.combined()
    );
    // What the destroy then does: the refused secret counts as revoked.
    let out = fx.work.run(&["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_mentions(&out, &["OAuth secret no longer accepted"]);
}

#[test]
fn a_destroy_plan_after_the_secret_was_found_gone_says_nothing_will_be_revoked() {
    let fx = Fixture::with_management();
    let secret = revoking_connection_whose_secret_is_then_deleted(&fx);
    let plan = plan_destroy(&fx);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    assert_mentions(
        &plan,
        &[
            "Warning: OAuth secret already gone (connection \"Databricks analytics\")",
            &format!("OAuth secret {} no longer exists", secret.id),
            "(status \"secret_not_found\")",
            "revokes nothing",
        ],
    );
    assert!(
        !plan.text().contains("will be revoked"),
        "{}",
        plan.combined()
    );
    let out = fx.work.run(&["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_eq!(fx.emu.calls().secrets_delete, 1, "one delete, answered 404");
}

#[test]
fn a_management_principal_that_is_the_connections_own_is_not_called_another_one() {
    let mut fx = Fixture::new();
    let principal = add_admin_principal(&fx.emu, "self-managed", 1);
    fx.management = Some(Management {
        account_id: canonical::ACCOUNT_ID.into(),
        client_id: principal.application_id.clone(),
        client_secret: principal.secrets[0].secret.clone(),
    });
    fx.configure(&[("c", &Connection::of(&principal, 0))], "");
    fx.work.apply_clean();
    fx.emu
        .remove_role(canonical::ACCOUNT_ID, &principal.id, ACCOUNT_ADMIN)
        .unwrap();

    let plan = fx.work.run(&["plan", "-json"]);
    assert_eq!(plan.code, 1, "{}", plan.combined());
    let d = diagnostic(
        &plan,
        "error",
        "Re-checking connection \"self-managed #0\" failed",
    );
    let detail = d["detail"].as_str().unwrap();
    for part in [
        format!(
            "The management service principal, client ID {} (the provider's client_id), lacks the Account Admin role",
            principal.application_id
        ),
        format!(
            "The connection's client ID is the same: service principal {} in the request is the management principal itself.",
            principal.id
        ),
    ] {
        assert!(detail.contains(&part), "{part:?} in {detail}");
    }
    assert!(
        !detail.contains("not the one that needs the role"),
        "{detail}"
    );
}

#[test]
fn the_import_warning_says_the_next_plan_may_be_a_replacement_and_it_is_when_an_id_differs() {
    let fx = Fixture::new();
    let other = add_secret(&fx.emu, SP);
    fx.configure(&[("c", &Connection::canonical())], "");
    let out = fx.work.run(&[
        "import",
        "-input=false",
        "-no-color",
        C,
        &import_id(&other.id),
    ]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_mentions(
        &out,
        &[
            "Warning: Imported connection not checked",
            "The next plan shows an in-place update that verifies the client_id and client \
             secret of the configuration against them, or a replacement if the configuration's \
             cloud_provider, account_id, service_principal_id or secret_id differs from the \
             import ID.",
        ],
    );
    // The configured secret_id is not the imported one: the plan replaces, as the warning said.
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(
        plan.stdout.contains(&format!("# {C} must be replaced")),
        "{}",
        plan.stdout
    );
}

#[test]
fn removing_a_revoking_block_names_the_removed_block_that_keeps_the_secret_and_it_does() {
    let fx = Fixture::new();
    let secret = add_secret(&fx.emu, SP);
    fx.configure(
        &[("c", &revoking(Connection::canonical().with_secret(&secret)))],
        "",
    );
    fx.work.apply_clean();

    // The block is deleted from the configuration: the plan destroys and revokes.
    fx.configure(&[], "");
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert_mentions(
        &plan,
        &[
            "Warning: OAuth secret will be revoked",
            "set revoke_secret_on_destroy = false and apply that first",
            "a `removed` block forgets the connection without destroying it",
            "(Terraform 1.7 or later): removed { from = databricks_workflow_connection.<name> \
             lifecycle { destroy = false } }",
        ],
    );

    // Following that advice forgets the connection and keeps the secret.
    fx.configure(
        &[],
        &format!("\nremoved {{\n  from = {C}\n  lifecycle {{\n    destroy = false\n  }}\n}}\n"),
    );
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        fx.work
            .instances(crate::support::connection::TYPE)
            .is_empty()
    );
    assert!(fx.secret(SP, &secret.id).is_some(), "the secret stays");
    assert_eq!(fx.emu.calls().secrets_delete, 0);
}
