//! Acceptance: `revoke_secret_on_destroy` never revokes a secret a connection of the same run
//! keeps or gets. Replacements that keep their secret keep it; a plan in which one connection
//! would revoke what another uses fails before anything is changed; a real destroy of the
//! last user still revokes, and a revoke that fails is an error. Every case asserts on the
//! emulator's secrets.

use crate::support::connection::{
    Connection, Fixture, Management, TYPE, add_admin_principal, add_secret, diagnostic, quote,
};
use databricks_account_emulator::{ACCOUNT_ADMIN, Fault, FaultRule, canonical};

const C: &str = "databricks_workflow_connection.c";
const SP: &str = canonical::SERVICE_PRINCIPAL_ID;
const SEC: &str = canonical::SECRET_ID;
const IN_USE: &str = "A destroy would revoke a secret in use";

fn revoking() -> Connection {
    Connection::canonical().arg("revoke_secret_on_destroy", "true")
}

#[track_caller]
fn assert_secret_exists(fx: &Fixture, id: &str) {
    assert!(
        fx.secret(SP, id).is_some(),
        "secret {id} must still exist in Databricks"
    );
}

#[test]
fn create_before_destroy_replace_keeps_the_secret_the_new_object_uses() {
    let fx = Fixture::new();
    fx.configure(&[("c", &revoking().create_before_destroy())], "");
    fx.work.apply_clean();

    let out = fx.work.run(&[
        "apply",
        "-auto-approve",
        "-no-color",
        &format!("-replace={C}"),
    ]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout.contains("1 added, 0 changed, 1 destroyed"),
        "{}",
        out.stdout
    );
    assert!(
        out.text().contains("OAuth secret not revoked"),
        "the kept secret is reported: {}",
        out.combined()
    );
    assert_secret_exists(&fx, SEC);
    assert_eq!(fx.emu.calls().secrets_delete, 0);
    fx.work.assert_no_changes();
    assert_eq!(fx.work.instance(C)["status"], "verified");
}

#[test]
fn destroy_then_create_replace_keeps_the_secret_too() {
    let fx = Fixture::new();
    fx.configure(&[("c", &revoking())], "");
    fx.work.apply_clean();

    let out = fx.work.run(&[
        "apply",
        "-auto-approve",
        "-no-color",
        &format!("-replace={C}"),
    ]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_secret_exists(&fx, SEC);
    fx.work.assert_no_changes();
    assert_eq!(fx.work.instance(C)["status"], "verified");
}

#[test]
fn an_identity_change_that_keeps_the_secret_replaces_without_revoking() {
    let fx = Fixture::new();
    fx.configure(&[("c", &revoking().create_before_destroy())], "");
    fx.work.apply_clean();
    // The provider's host points every cloud at the emulator, so moving the connection to
    // another cloud replaces it with the very same secret.
    let main = std::fs::read_to_string(fx.work.path().join("main.tf")).unwrap();
    fx.work.write(
        "main.tf",
        &main.replace("cloud_provider = \"aws\"", "cloud_provider = \"gcp\""),
    );
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.stdout.contains("1 added, 0 changed, 1 destroyed"),
        "{}",
        out.stdout
    );
    assert_secret_exists(&fx, SEC);
    fx.work.assert_no_changes();
    assert!(
        fx.work.instance(C)["id"]
            .as_str()
            .unwrap()
            .starts_with("gcp/")
    );
}

#[test]
fn writing_a_uuid_in_upper_case_updates_in_place_without_a_check_or_a_revoke() {
    let fx = Fixture::new();
    fx.configure(&[("c", &revoking())], "");
    fx.work.apply_clean();

    let upper = Connection {
        account_id: canonical::ACCOUNT_ID.to_uppercase(),
        client_id: canonical::APPLICATION_ID.to_uppercase(),
        ..revoking()
    };
    fx.configure(&[("c", &upper)], "");
    let plan = fx.work.plan();
    assert_eq!(plan.code, 2, "{}", plan.combined());
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    assert!(plan.stdout.contains("1 to change"), "{}", plan.stdout);
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_eq!(fx.emu.calls().secrets_delete, 0);
    assert_secret_exists(&fx, SEC);
    fx.work.assert_no_changes();
    let c = fx.work.instance(C);
    assert_eq!(c["account_id"], canonical::ACCOUNT_ID.to_uppercase());
    assert_eq!(c["status"], "verified");
}

/// `count` over secret keys, each connection with revoke on destroy.
fn counted(fx: &Fixture, secrets: &[(&str, &databricks_account_emulator::Secret)], keys: &[&str]) {
    let map: String = secrets
        .iter()
        .map(|(k, s)| {
            format!(
                "    {k} = {{ id = {}, value = {} }}\n",
                quote(&s.id),
                quote(&s.secret)
            )
        })
        .collect();
    let keys: Vec<String> = keys.iter().map(|k| quote(k)).collect();
    let hcl = format!(
        r#"
locals {{
  secrets = {{
{map}  }}
  keys = [{keys}]
}}

resource "{TYPE}" "x" {{
  count                    = length(local.keys)
  name                     = "flows-${{local.keys[count.index]}}"
  cloud_provider           = "aws"
  account_id               = "{acc}"
  client_id                = "{app}"
  client_secret            = local.secrets[local.keys[count.index]].value
  service_principal_id     = "{SP}"
  secret_id                = local.secrets[local.keys[count.index]].id
  revoke_secret_on_destroy = true
}}
"#,
        keys = keys.join(", "),
        acc = canonical::ACCOUNT_ID,
        app = canonical::APPLICATION_ID,
    );
    fx.configure(&[], &hcl);
}

#[test]
fn a_count_shift_fails_the_plan_and_revokes_nothing() {
    let fx = Fixture::new();
    let a = fx.secret(SP, SEC).unwrap();
    let b = add_secret(&fx.emu, SP);
    let c = add_secret(&fx.emu, SP);
    let secrets = [("a", &a), ("b", &b), ("c", &c)];
    counted(&fx, &secrets, &["a", "b", "c"]);
    fx.work.apply_clean();
    let before = fx.work.state_text();

    // Removing "a" shifts b and c down one index: their new instances get the secrets the
    // destroyed instances would revoke.
    counted(&fx, &secrets, &["b", "c"]);
    let out = fx.work.apply_json();
    assert_eq!(out.code, 1, "{}", out.combined());
    let d = diagnostic(&out, "error", IN_USE);
    let detail = d["detail"].as_str().unwrap();
    assert!(detail.contains("Nothing was changed."), "{detail}");
    assert!(detail.contains("`moved` block"), "{detail}");
    for s in [&a, &b, &c] {
        assert_secret_exists(&fx, &s.id);
    }
    assert_eq!(fx.emu.calls().secrets_delete, 0);
    assert_eq!(fx.work.state_text(), before, "nothing was applied");
}

#[test]
fn removing_one_of_two_connections_that_share_a_secret_fails_the_plan() {
    let fx = Fixture::new();
    let keeper = Connection {
        name: "keeper".into(),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &revoking()), ("keeper", &keeper)], "");
    fx.work.apply_clean();

    fx.configure(&[("keeper", &keeper)], "");
    let out = fx.work.apply_json();
    assert_eq!(out.code, 1, "{}", out.combined());
    let d = diagnostic(&out, "error", IN_USE);
    let detail = d["detail"].as_str().unwrap();
    assert!(detail.contains("\"keeper\""), "{detail}");
    assert!(detail.contains("terraform state rm"), "{detail}");
    assert_secret_exists(&fx, SEC);
    assert_eq!(fx.work.instances(TYPE).len(), 2);

    // The way out the error names: drop the flag first (no check needed), then remove.
    fx.configure(&[("c", &Connection::canonical()), ("keeper", &keeper)], "");
    fx.work.apply_clean();
    fx.configure(&[("keeper", &keeper)], "");
    fx.work.apply_clean();
    assert_secret_exists(&fx, SEC);
    assert_eq!(fx.work.instances(TYPE).len(), 1);
}

#[test]
fn an_unknown_new_secret_with_revoke_on_destroy_cannot_be_decided_and_fails_the_plan() {
    let fx = Fixture::new();
    fx.configure(&[("c", &revoking())], "");
    fx.work.apply_clean();
    let other = add_secret(&fx.emu, SP);
    // The new secret ID comes from a resource created in the same apply: unknown at plan.
    let conn = Connection {
        secret_id: String::new(),
        ..revoking().with_secret(&other)
    };
    let main = conn
        .block("c")
        .replace("secret_id = \"\"", "secret_id = terraform_data.next.output");
    let extra = format!(
        "{main}\nresource \"terraform_data\" \"next\" {{\n  input = {}\n}}\n",
        quote(&other.id)
    );
    fx.configure(&[], &extra);
    let out = fx.work.apply_json();
    assert_eq!(out.code, 1, "{}", out.combined());
    diagnostic(
        &out,
        "error",
        "Cannot tell whether a destroy would revoke a secret in use",
    );
    assert_secret_exists(&fx, SEC);
}

#[test]
fn destroying_the_last_user_revokes_the_secret() {
    let fx = Fixture::new();
    let other = add_secret(&fx.emu, SP);
    fx.configure(&[("c", &revoking().with_secret(&other))], "");
    fx.work.apply_clean();
    fx.emu.clear_requests();
    let out = fx.work.run(&["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(fx.secret(SP, &other.id).is_none(), "revoked");
    assert_secret_exists(&fx, SEC);
    // The request line the emulator received: exactly this secret's path.
    assert_eq!(
        deletes(&fx),
        [format!(
            "DELETE /api/2.0/accounts/{}/servicePrincipals/{SP}/credentials/secrets/{}",
            canonical::ACCOUNT_ID,
            other.id
        )]
    );
}

/// The DELETE request lines the emulator received.
fn deletes(fx: &Fixture) -> Vec<String> {
    fx.emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[test]
fn a_recorded_secret_id_that_is_no_path_segment_is_never_sent() {
    let fx = Fixture::new();
    let other = add_secret(&fx.emu, SP);
    fx.configure(&[("c", &revoking().with_secret(&other))], "");
    fx.work.apply_clean();
    // A state written before IDs were validated, whose secret ID is `..`: it would have made
    // the revocation a DELETE of the principal's credentials collection.
    for (i, dots) in ["..", "."].into_iter().enumerate() {
        if i > 0 {
            fx.configure(&[("c", &revoking().with_secret(&other))], "");
            fx.work.apply_clean();
        }
        let state = fx.work.state_text().replace(&other.id, dots);
        fx.work.write("terraform.tfstate", &state);
        fx.configure(&[], "");
        fx.emu.clear_requests();
        let out = fx.work.apply();
        assert_eq!(out.code, 0, "{}", out.combined());
        assert!(
            out.text().contains("OAuth secret not revoked"),
            "{}",
            out.combined()
        );
        assert_eq!(deletes(&fx), Vec::<String>::new(), "{dots}");
        assert_secret_exists(&fx, &other.id);
        assert_secret_exists(&fx, SEC);
        assert!(fx.work.instances(TYPE).is_empty());
    }
}

#[test]
fn a_destroy_that_revokes_says_so_in_its_plan_naming_the_secret_principal_and_account() {
    let fx = Fixture::new();
    let other = add_secret(&fx.emu, SP);
    fx.configure(&[("c", &revoking().with_secret(&other))], "");
    fx.work.apply_clean();

    let plan = plan_destroy_of(&fx);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    let text = plan.text();
    for part in [
        "Warning: OAuth secret will be revoked (connection \"Databricks analytics\")",
        &format!(
            "deletes OAuth secret {} of service principal {SP}",
            other.id
        ),
        &format!("in Databricks account {}", canonical::ACCOUNT_ID),
        "connections in other Terraform workspaces or configurations",
        "set revoke_secret_on_destroy = false and apply that first",
    ] {
        assert!(text.contains(part), "{part:?} in {}", plan.combined());
    }
    assert_secret_exists(&fx, &other.id);

    // The destroy itself shows it too, then revokes.
    let out = fx.work.run(&["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.combined());
    assert!(
        out.text().contains("OAuth secret will be revoked"),
        "{}",
        out.combined()
    );
    assert!(fx.secret(SP, &other.id).is_none(), "revoked");

    // Without the flag a destroy plan says nothing of the kind.
    let fx = Fixture::new();
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();
    let plan = plan_destroy_of(&fx);
    assert_eq!(plan.code, 0, "{}", plan.combined());
    assert!(
        !plan.text().contains("will be revoked"),
        "{}",
        plan.combined()
    );
}

fn plan_destroy_of(fx: &Fixture) -> crate::support::terraform::Output {
    fx.work
        .run(&["plan", "-destroy", "-input=false", "-no-color"])
}

#[test]
fn a_revoke_that_fails_is_an_error_and_keeps_the_record() {
    let mut fx = Fixture::new();
    fx.provider_extra.push("  retry_timeout_seconds = 1".into());
    fx.configure(&[("c", &revoking())], "");
    fx.work.apply_clean();
    fx.emu.inject_fault(
        FaultRule::new("/api/2.0/accounts/", Fault::unavailable())
            .method("DELETE")
            .times(0),
    );
    let out = fx.work.run(&["destroy", "-auto-approve", "-json"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    let d = diagnostic(&out, "error", "Revoking the OAuth secret failed");
    let detail = d["detail"].as_str().unwrap();
    assert!(detail.contains("retry_timeout_seconds"), "{detail}");
    assert!(
        detail.contains("The connection is still recorded"),
        "{detail}"
    );
    assert_secret_exists(&fx, SEC);
    assert_eq!(fx.work.instances(TYPE).len(), 1);
}

#[test]
fn a_revoke_refused_to_the_management_principal_names_it_as_the_one_that_needs_account_admin() {
    let mut fx = Fixture::new();
    let principal = add_admin_principal(&fx.emu, "terraform-management", 1);
    let management = Management {
        account_id: canonical::ACCOUNT_ID.into(),
        client_id: principal.application_id.clone(),
        client_secret: principal.secrets[0].secret.clone(),
    };
    fx.management = Some(management.clone());
    fx.configure(&[("c", &revoking())], "");
    fx.work.apply_clean();
    fx.emu
        .remove_role(canonical::ACCOUNT_ID, &principal.id, ACCOUNT_ADMIN)
        .unwrap();

    // Without a refresh, so the delete is the first call that meets the missing role.
    let out = fx
        .work
        .run(&["destroy", "-auto-approve", "-refresh=false", "-json"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    let d = diagnostic(&out, "error", "Revoking the OAuth secret failed");
    let detail = d["detail"].as_str().unwrap();
    let named = format!(
        "The provider's management principal (client ID {}) needs the Account Admin role in \
         account {}",
        management.client_id,
        canonical::ACCOUNT_ID
    );
    assert!(detail.contains(&named), "{named:?} in {detail}");
    assert!(
        !detail.contains("configure the provider's management credentials"),
        "they are configured already: {detail}"
    );
    assert_secret_exists(&fx, SEC);
    assert_eq!(fx.work.instances(TYPE).len(), 1);
}

#[test]
fn a_revoking_destroy_fails_while_another_connection_still_holds_the_secret_it_leaves() {
    // "b" moves to a new secret; until its replacement is done its old object holds the
    // shared one, and for good if the replacement fails. "a" would revoke that secret.
    let fx = Fixture::new();
    let b = Connection {
        name: "b".into(),
        ..Connection::canonical()
    }
    .create_before_destroy();
    fx.configure(&[("a", &revoking()), ("b", &b)], "");
    fx.work.apply_clean();

    let next = add_secret(&fx.emu, SP);
    fx.configure(&[("b", &b.clone().with_secret(&next))], "");
    let out = fx.work.apply_json();
    assert_eq!(out.code, 1, "{}", out.combined());
    let d = diagnostic(&out, "error", IN_USE);
    assert!(
        d["detail"].as_str().unwrap().contains("connection \"b\""),
        "{d:#}"
    );
    assert_secret_exists(&fx, SEC);
    assert_eq!(fx.emu.calls().secrets_delete, 0);
}

#[test]
fn a_leftover_object_of_an_unfinished_replacement_is_named_with_a_way_out_that_works() {
    let fx = Fixture::new();
    // A create_before_destroy replacement whose dependent fails leaves the old object in the
    // state as "deposed", recorded with revoke on destroy and the same secret.
    let mut conn = revoking();
    conn.blocks.push(
        "lifecycle {\n    create_before_destroy = true\n    replace_triggered_by  = [terraform_data.trigger]\n  }"
            .into(),
    );
    let extra = |round: u32, fail: bool| {
        format!(
            r#"
resource "terraform_data" "trigger" {{
  input = {round}
}}

resource "terraform_data" "dependent" {{
  input = databricks_workflow_connection.c.id
  lifecycle {{
    replace_triggered_by = [databricks_workflow_connection.c]
  }}
  provisioner "local-exec" {{
    command = "{}"
  }}
}}
"#,
            if fail { "exit 1" } else { "true" }
        )
    };
    fx.configure(&[("c", &conn)], &extra(1, false));
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    fx.configure(&[("c", &conn)], &extra(2, true));
    let out = fx.work.apply();
    assert_eq!(out.code, 1, "the dependent fails:\n{}", out.combined());
    assert!(
        fx.work.state_text().contains("\"deposed\""),
        "a deposed object is left:\n{}",
        fx.work.state_text()
    );
    assert_secret_exists(&fx, SEC);

    let out = fx.work.run(&["plan", "-json"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    let d = diagnostic(&out, "error", IN_USE);
    let detail = d["detail"].as_str().unwrap();
    assert!(detail.contains("deposed"), "{detail}");
    assert!(detail.contains("terraform state rm"), "{detail}");

    // The way out the message gives.
    let id = fx.work.instance(C)["id"].as_str().unwrap().to_string();
    let out = fx.work.run(&["state", "rm", "-no-color", C]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let out = fx.work.run(&["import", "-no-color", C, &id]);
    assert_eq!(out.code, 0, "{}", out.combined());
    fx.configure(&[("c", &conn)], &extra(2, false));
    let out = fx.work.apply();
    assert_eq!(out.code, 0, "{}", out.combined());
    assert_secret_exists(&fx, SEC);
    assert_eq!(fx.work.instance(C)["status"], "verified");
}

#[test]
fn a_write_only_secret_without_management_credentials_is_refused_before_any_destroy() {
    let mut fx = Fixture::new();
    fx.work.env("TF_VAR_secret", canonical::SECRET);
    let conn = Connection {
        secret: crate::support::connection::SecretArg::WriteOnly {
            expression: "var.secret".into(),
            version: 1,
        },
        ..revoking()
    };
    let variable = "\nvariable \"secret\" {\n  type      = string\n  ephemeral = true\n}\n";
    let other = Connection {
        name: "other".into(),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &conn), ("other", &other)], variable);
    let out = fx.work.apply_json();
    assert_eq!(out.code, 0, "{}", out.combined());
    diagnostic(
        &out,
        "warning",
        "A destroy could not revoke this write-only secret",
    );

    let out = fx.work.run(&["destroy", "-auto-approve", "-json"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    let d = diagnostic(&out, "error", "Cannot revoke the OAuth secret");
    assert!(
        d["detail"]
            .as_str()
            .unwrap()
            .contains("Nothing was changed.")
    );
    assert_eq!(
        fx.work.instances(TYPE).len(),
        2,
        "refused at plan: nothing was destroyed"
    );
    fx.management = Some(crate::support::connection::Management::add(&fx.emu));
    fx.configure(&[("c", &conn), ("other", &other)], variable);
    let out = fx.work.run(&["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(
        out.code,
        0,
        "with management credentials it can: {}",
        out.combined()
    );
    assert!(fx.secret(SP, SEC).is_none(), "revoked");
}
