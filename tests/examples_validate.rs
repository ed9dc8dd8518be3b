//! The composition example (`examples/composition/`), where the official Databricks provider's
//! `databricks_service_principal_secret` mints the secret a connection uses. The official
//! provider cannot be installed here (no network), so the test swaps that one resource for a
//! `terraform_data` with the same attributes (`id`, `secret`) and then validates, applies
//! against the emulator and destroys the rest of the example unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::Command;

use databricks_account_emulator::{Emulator, Seed, canonical};
use support::terraform::{Workdir, terraform_binary};

const SECRET_RESOURCE: &str = "resource \"databricks_service_principal_secret\" \"okta_workflows\"";

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Removes the top-level block whose first line starts with `header` (up to the `}` in
/// column 0 that closes it); fails when there is none.
fn remove_block(text: &str, header: &str) -> String {
    let start = text
        .find(&format!("\n{header}"))
        .unwrap_or_else(|| panic!("the example has no `{header}` block"))
        + 1;
    let end = start
        + text[start..]
            .find("\n}\n")
            .unwrap_or_else(|| panic!("`{header}` block is not closed"))
        + 3;
    format!("{}{}", &text[..start], &text[end..])
}

/// Removes one line of the form `<indent>{key} = {...}` and its nested lines.
fn remove_required_provider(text: &str, key: &str) -> String {
    let start = text
        .find(&format!("    {key} = {{"))
        .unwrap_or_else(|| panic!("no required provider {key}"));
    let end = start + text[start..].find("\n    }\n").unwrap() + "\n    }\n".len();
    format!("{}{}", &text[..start], &text[end..])
}

/// The example with the official provider's secret replaced by `terraform_data`.
fn stubbed_composition() -> String {
    let original = std::fs::read_to_string(examples().join("composition/main.tf")).unwrap();
    assert!(original.contains("source = \"databricks/databricks\""));
    assert!(original.contains("databricks_service_principal_secret.okta_workflows.secret"));
    assert!(original.contains("databricks_service_principal_secret.okta_workflows.id"));

    let text = remove_required_provider(&original, "dbx");
    let text = remove_block(&text, "provider \"dbx\"");
    let text = remove_block(&text, SECRET_RESOURCE);
    assert!(
        !text
            .lines()
            .any(|l| !l.trim_start().starts_with('#') && l.contains("dbx")),
        "official provider left over:\n{text}"
    );
    let text = text.replace(
        "databricks_service_principal_secret.okta_workflows.",
        "terraform_data.okta_workflows_secret.output.",
    );
    assert!(!text.contains("databricks_service_principal_secret."));
    // The official resource's attributes that the example reads: `id` is the secret ID and
    // `secret` the sensitive OAuth secret (create_time, expire_time and status exist too).
    format!(
        "{text}\nresource \"terraform_data\" \"okta_workflows_secret\" {{\n  input = {{\n    \
         id          = \"{}\"\n    secret      = sensitive(\"{}\")\n    \
         create_time = \"2025-01-01T00:00:00Z\"\n    status      = \"ACTIVE\"\n  }}\n}}\n",
        canonical::SECRET_ID,
        canonical::SECRET
    )
}

#[test]
fn every_example_is_formatted() {
    let out = Command::new(terraform_binary())
        .args(["fmt", "-check", "-diff", "-recursive", "-no-color"])
        .arg(examples())
        .env_remove("TF_CLI_CONFIG_FILE")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "terraform fmt -check: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_composition_example_validates_applies_and_destroys_with_a_stubbed_secret() {
    let emu = Emulator::start(Seed::canonical()).unwrap();
    let mut work = Workdir::new(&stubbed_composition());
    work.env("DATABRICKS_HOST", &emu.url());

    let out = work.run(&["validate", "-no-color"]);
    assert_eq!(out.code, 0, "validate: {}", out.combined());

    // The secret is unknown until the stand-in resource exists, as with the real one.
    let out = work.run(&["plan", "-no-color"]);
    assert_eq!(out.code, 0, "plan: {}", out.combined());
    assert!(out.stdout.contains("2 to add"), "{}", out.stdout);

    let out = work.run(&["apply", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "apply: {}", out.combined());
    let status = work.run(&["output", "-raw", "connection_status"]);
    assert_eq!(status.stdout, "verified", "{}", status.combined());
    let id = work.run(&["output", "-raw", "connection_id"]);
    assert_eq!(
        id.stdout,
        format!(
            "aws/{}/{}/{}",
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID
        )
    );

    let out = work.run(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(out.code, 0, "plan after apply: {}", out.combined());

    let out = work.run(&["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "destroy: {}", out.combined());
}

#[test]
fn the_stub_keeps_everything_but_the_official_provider() {
    let original = std::fs::read_to_string(examples().join("composition/main.tf")).unwrap();
    let stubbed = stubbed_composition();
    for kept in [
        "resource \"databricks_workflow_connection\" \"okta_workflows\"",
        "provider \"databricks\" {}",
        "source = \"terraform.local/okta-workflows/databricks\"",
        "output \"connection_status\"",
    ] {
        assert!(original.contains(kept) && stubbed.contains(kept), "{kept}");
    }
    assert!(!stubbed.contains(SECRET_RESOURCE));
}
