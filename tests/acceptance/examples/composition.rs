//! The composition example (`examples/composition/`), where the official Databricks provider's
//! `databricks_service_principal_secret`, rotated by a `time_rotating`, mints the secret a
//! connection uses. Neither provider can be installed here (no network), so the test swaps
//! those two resources for `terraform_data` stand-ins with the same attributes, then validates,
//! plans, applies, rotates and destroys the rest of the example unchanged, against the emulator
//! and with the official provider's environment variables set as CI sets them for it.

use std::path::Path;
use std::process::Command;

use crate::support::terraform::{Workdir, terraform_binary};
use databricks_account_emulator::{Emulator, NewSecret, Seed, canonical};

const SECRET_RESOURCE: &str = "resource \"databricks_service_principal_secret\" \"okta_workflows\"";
const ROTATION_RESOURCE: &str = "resource \"time_rotating\" \"okta_workflows_secret\"";
const OFFICIAL_PROVIDER: &str = "provider \"databricks\" {";

/// The official provider's environment in CI: its OAuth credentials (the account ID is in its
/// block), a workspace host and a workspace profile.
const OFFICIAL_CLIENT_ID: &str = "8d1e6f2a-3b4c-4d5e-9f60-718293a4b5c6";
const OFFICIAL_CLIENT_SECRET: &str = "dose-official-provider-secret";
const WORKSPACE_HOST: &str = "https://adb-1234567890123456.7.azuredatabricks.net";
const DATABRICKSCFG: &str = "[DEFAULT]\nhost  = https://adb-1234567890123456.7.azuredatabricks.net\n\
                             token = dapi0123456789abcdef0123456789abcdef\n\n\
                             [ci-workspace]\nhost          = https://adb-1234567890123456.7.azuredatabricks.net\n\
                             client_id     = 8d1e6f2a-3b4c-4d5e-9f60-718293a4b5c6\n\
                             client_secret = dose-official-provider-secret\n";

/// Terraform's own warning about `dev_overrides`, in every run of these tests.
const DEV_OVERRIDES: &str = "Provider development overrides are in effect";

fn examples() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn composition() -> String {
    std::fs::read_to_string(examples().join("composition/main.tf")).unwrap()
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
        .find(&format!("\n    {key} = {{"))
        .unwrap_or_else(|| panic!("no required provider {key}"))
        + 1;
    let end = start + text[start..].find("\n    }\n").unwrap() + "\n    }\n".len();
    format!("{}{}", &text[..start], &text[end..])
}

/// The example with the official provider and `hashicorp/time` replaced by `terraform_data`
/// stand-ins: the secret's (`id`, `secret`), rotated at `rotated_at` (the stand-ins are
/// replaced when it changes, as the real resources are).
fn stubbed_composition(rotated_at: &str, secret_id: &str, secret: &str) -> String {
    let original = composition();
    assert!(original.contains("source = \"databricks/databricks\""));
    assert!(original.contains("source = \"hashicorp/time\""));
    assert!(original.contains("databricks_service_principal_secret.okta_workflows.secret"));
    assert!(original.contains("databricks_service_principal_secret.okta_workflows.id"));
    assert!(original.contains("time_rotating.okta_workflows_secret.rfc3339"));

    let text = remove_required_provider(&original, "databricks");
    let text = remove_required_provider(&text, "time");
    let text = remove_block(&text, OFFICIAL_PROVIDER);
    let text = remove_block(&text, SECRET_RESOURCE);
    let text = remove_block(&text, ROTATION_RESOURCE);
    // The official resource's attributes that the example reads: `id` is the secret ID and
    // `secret` the sensitive OAuth secret (create_time, expire_time and status exist too).
    let text = text.replace(
        "databricks_service_principal_secret.okta_workflows.",
        "terraform_data.okta_workflows_secret.output.",
    );
    let code = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(str::to_string)
            .collect()
    };
    for line in code(&text) {
        assert!(
            !line.contains("databricks/databricks")
                && !line.contains("hashicorp/time")
                && !line.contains("time_rotating.")
                && !line.contains("databricks_service_principal_secret."),
            "official provider left over: {line}\n{text}"
        );
    }
    format!(
        "{text}
resource \"terraform_data\" \"okta_workflows_secret_rotation\" {{
  triggers_replace = \"{rotated_at}\"
  input = {{
    rfc3339 = \"{rotated_at}\"
  }}
}}

resource \"terraform_data\" \"okta_workflows_secret\" {{
  triggers_replace = \"Terraform (created: ${{terraform_data.okta_workflows_secret_rotation.output.rfc3339}})\"
  input = {{
    id          = \"{secret_id}\"
    secret      = sensitive(\"{secret}\")
    create_time = \"{rotated_at}\"
    status      = \"ACTIVE\"
  }}
}}
"
    )
}

/// The provider's diagnostics of a `-json` run as (severity, summary), each once (`terraform
/// apply` configures the provider in its plan walk and again in its apply walk).
fn provider_diagnostics(out: &crate::support::terraform::Output) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for d in out.diagnostics() {
        let entry = (
            d["severity"].as_str().unwrap_or_default().to_string(),
            d["summary"].as_str().unwrap_or_default().to_string(),
        );
        if entry.1 != DEV_OVERRIDES && !seen.contains(&entry) {
            seen.push(entry);
        }
    }
    seen.sort();
    seen
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
fn the_composition_example_runs_with_the_official_providers_environment() {
    let emu = Emulator::start(Seed::canonical()).unwrap();
    let first = "2025-01-01T00:00:00Z";
    let mut work = Workdir::new(&stubbed_composition(
        first,
        canonical::SECRET_ID,
        canonical::SECRET,
    ));
    // HOME is the working directory: this is the ~/.databrickscfg of the run.
    work.write(".databrickscfg", DATABRICKSCFG);
    work.env("TF_VAR_okta_databricks_host", &emu.url())
        .env("DATABRICKS_CLIENT_ID", OFFICIAL_CLIENT_ID)
        .env("DATABRICKS_CLIENT_SECRET", OFFICIAL_CLIENT_SECRET)
        .env("DATABRICKS_HOST", WORKSPACE_HOST)
        .env("DATABRICKS_CONFIG_PROFILE", "ci-workspace");
    // What this provider says about that environment, and nothing else: no error.
    let expected = vec![
        (
            "warning".to_string(),
            "Incomplete management credentials ignored".to_string(),
        ),
        (
            "warning".to_string(),
            "Workspace-level Databricks config profile".to_string(),
        ),
    ];

    let out = work.run(&["validate", "-no-color"]);
    assert_eq!(out.code, 0, "validate: {}", out.combined());

    // The secret is unknown until the stand-in resource exists, as with the real one.
    let out = work.run(&["plan", "-json", "-input=false"]);
    assert_eq!(out.code, 0, "plan: {}", out.combined());
    assert_eq!(provider_diagnostics(&out), expected, "{}", out.stdout);
    assert!(out.stdout.contains("3 to add"), "{}", out.stdout);

    let out = work.run(&["apply", "-auto-approve", "-input=false", "-json"]);
    assert_eq!(out.code, 0, "apply: {}", out.combined());
    assert_eq!(provider_diagnostics(&out), expected, "{}", out.stdout);
    let status = work.run(&["output", "-raw", "connection_status"]);
    assert_eq!(status.stdout, "verified", "{}", status.combined());
    let id = |work: &Workdir| work.run(&["output", "-raw", "connection_id"]).stdout;
    assert_eq!(
        id(&work),
        format!(
            "aws/{}/{}/{}",
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            canonical::SECRET_ID
        )
    );
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(OFFICIAL_CLIENT_SECRET));
    }

    let out = work.run(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(out.code, 0, "plan after apply: {}", out.combined());

    // Rotation: a new secret, a new connection created and verified before the old one goes.
    let rotated = emu
        .add_secret(
            canonical::ACCOUNT_ID,
            canonical::SERVICE_PRINCIPAL_ID,
            NewSecret::default(),
        )
        .unwrap();
    work.write(
        "main.tf",
        &stubbed_composition("2025-04-01T00:00:00Z", &rotated.id, &rotated.secret),
    );
    let out = work.run(&["plan", "-no-color", "-input=false"]);
    assert_eq!(out.code, 0, "rotation plan: {}", out.combined());
    assert!(
        out.stdout
            .contains("+/- resource \"databricks_workflow_connection\" \"okta_workflows\""),
        "the connection is replaced create-before-destroy:\n{}",
        out.stdout
    );
    let out = work.run(&["apply", "-auto-approve", "-no-color", "-input=false"]);
    assert_eq!(out.code, 0, "rotation apply: {}", out.combined());
    assert!(
        out.stdout.contains("3 added, 0 changed, 3 destroyed"),
        "{}",
        out.stdout
    );
    assert_eq!(
        work.run(&["output", "-raw", "connection_status"]).stdout,
        "verified"
    );
    assert!(id(&work).ends_with(&rotated.id), "{}", id(&work));
    let out = work.run(&["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(out.code, 0, "plan after rotation: {}", out.combined());

    let out = work.run(&["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(out.code, 0, "destroy: {}", out.combined());
}

#[test]
fn the_stub_keeps_everything_but_the_official_provider_and_time() {
    let original = composition();
    let stubbed = stubbed_composition("2025-01-01T00:00:00Z", "id", "secret");
    for kept in [
        "resource \"databricks_workflow_connection\" \"okta_workflows\"",
        "provider \"okta-databricks\" {",
        "host = var.okta_databricks_host",
        "source = \"terraform.local/okta-workflows/databricks\"",
        "provider = okta-databricks",
        "create_before_destroy = true",
        "output \"connection_status\"",
    ] {
        assert!(original.contains(kept) && stubbed.contains(kept), "{kept}");
    }
    for removed in [SECRET_RESOURCE, ROTATION_RESOURCE, OFFICIAL_PROVIDER] {
        assert!(
            original.contains(removed) && !stubbed.contains(removed),
            "{removed}"
        );
    }
}

#[test]
fn the_composition_example_says_which_variables_each_provider_reads() {
    let original = composition();
    let comments: String = original
        .lines()
        .filter(|l| l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    for variable in [
        "DATABRICKS_HOST",
        "DATABRICKS_ACCOUNT_ID",
        "DATABRICKS_CLIENT_ID",
        "DATABRICKS_CLIENT_SECRET",
        "DATABRICKS_CONFIG_PROFILE",
        "DATABRICKS_CONFIG_FILE",
    ] {
        assert!(comments.contains(variable), "{variable}");
    }
    assert!(comments.contains("ignores"));
    // Rotation deletes the old secret through the official provider; the connection does not
    // revoke it too (the comment says why).
    assert!(comments.contains("revoke_secret_on_destroy stays false"));
    assert!(
        !original
            .lines()
            .any(|l| !l.trim_start().starts_with('#') && l.contains("revoke_secret_on_destroy"))
    );
}
