//! Acceptance: `scripts/install.sh` puts the provider into Terraform's implied local mirror
//! (`$HOME/.terraform.d/plugins/...`), and `terraform init` → `apply` → `destroy` then work
//! from there, offline, WITHOUT dev_overrides, writing `.terraform.lock.hcl`.
//!
//! Runs in a temporary HOME so the real `~/.terraform.d` is untouched, and installs the
//! already-built test binary through the script's `--binary` flag (no release build).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::terraform::{SOURCE, terraform_binary};
use databricks_account_emulator::{Emulator, Seed, canonical};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Terraform's name for this platform, e.g. `linux_amd64`.
fn os_arch() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm",
        other => panic!("no Terraform platform name for {other}"),
    };
    format!("{}_{arch}", std::env::consts::OS)
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn combined(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Terraform as a user without any CLI configuration would run it, with `home` as HOME:
/// no TF_CLI_CONFIG_FILE (so no dev_overrides), no plugin cache, no XDG mirrors.
fn terraform(home: &Path, dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(terraform_binary());
    cmd.args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_INPUT", "0")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_CLI_CONFIG_FILE")
        .env_remove("TERRAFORM_CONFIG")
        .env_remove("TF_PLUGIN_CACHE_DIR")
        .env_remove("TF_DATA_DIR")
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_DATA_DIRS")
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .env_remove("TF_REATTACH_PROVIDERS")
        .env_remove("DATABRICKS_HOST")
        .env_remove("DATABRICKS_ACCOUNT_ID")
        .env_remove("DATABRICKS_CLIENT_ID")
        .env_remove("DATABRICKS_CLIENT_SECRET");
    run(&mut cmd)
}

fn install(args: &[&str]) -> Run {
    run(Command::new("bash")
        .arg(repo().join("scripts/install.sh"))
        .args(args)
        .env_remove("HOME"))
}

fn installed_path(plugins: &Path) -> PathBuf {
    plugins
        .join(SOURCE)
        .join(VERSION)
        .join(os_arch())
        .join(format!("terraform-provider-databricks_v{VERSION}"))
}

#[test]
fn init_apply_destroy_from_the_implied_local_mirror() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let binary = env!("CARGO_BIN_EXE_terraform-provider-databricks");

    let out = install(&["--binary", binary, "--home", home.path().to_str().unwrap()]);
    assert_eq!(out.code, 0, "install.sh: {}", out.combined());
    let installed = installed_path(&home.path().join(".terraform.d/plugins"));
    assert!(
        out.stdout.contains(&installed.display().to_string()),
        "{}",
        out.stdout
    );
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        std::fs::read(binary).unwrap()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&installed).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755, "{mode:o}");
    }

    let emu = Emulator::start(Seed::canonical()).unwrap();
    let main_tf = format!(
        r#"terraform {{
  required_providers {{
    databricks = {{
      source  = "{SOURCE}"
      version = "{VERSION}"
    }}
  }}
}}

provider "databricks" {{
  host = "{host}"
}}

resource "databricks_workflow_connection" "installed" {{
  name                 = "Installed from the local mirror"
  cloud_provider       = "aws"
  account_id           = "{account}"
  client_id            = "{client}"
  client_secret        = "{secret}"
  service_principal_id = "{sp}"
  secret_id            = "{secret_id}"
}}

output "status" {{
  value = databricks_workflow_connection.installed.status
}}
"#,
        host = emu.url(),
        account = canonical::ACCOUNT_ID,
        client = canonical::APPLICATION_ID,
        secret = canonical::SECRET,
        sp = canonical::SERVICE_PRINCIPAL_ID,
        secret_id = canonical::SECRET_ID,
    );
    std::fs::write(work.path().join("main.tf"), main_tf).unwrap();

    let init = terraform(home.path(), work.path(), &["init", "-no-color"]);
    assert_eq!(init.code, 0, "init: {}", init.combined());
    assert!(
        init.stdout
            .contains(&format!("Installing {SOURCE} v{VERSION}")),
        "init did not install from the mirror: {}",
        init.combined()
    );
    assert!(
        !init.combined().contains("development overrides"),
        "dev_overrides must not be in effect: {}",
        init.combined()
    );
    let lock = std::fs::read_to_string(work.path().join(".terraform.lock.hcl")).unwrap();
    assert!(
        lock.contains(&format!("provider \"registry.terraform.io/{SOURCE}\""))
            || lock.contains(&format!("provider \"{SOURCE}\"")),
        "{lock}"
    );
    assert!(
        lock.lines().any(|l| l.trim_start().starts_with("version")
            && l.trim_end().ends_with(&format!("\"{VERSION}\""))),
        "{lock}"
    );
    assert!(lock.contains("\"h1:"), "{lock}");
    assert!(
        work.path()
            .join(".terraform/providers")
            .join(SOURCE)
            .join(VERSION)
            .join(os_arch())
            .exists()
    );

    let apply = terraform(
        home.path(),
        work.path(),
        &["apply", "-auto-approve", "-no-color"],
    );
    assert_eq!(apply.code, 0, "apply: {}", apply.combined());
    let status = terraform(home.path(), work.path(), &["output", "-raw", "status"]);
    assert_eq!(status.stdout, "verified", "{}", status.combined());

    let plan = terraform(
        home.path(),
        work.path(),
        &["plan", "-detailed-exitcode", "-no-color"],
    );
    assert_eq!(
        plan.code,
        0,
        "plan after apply is not empty: {}",
        plan.combined()
    );

    let destroy = terraform(
        home.path(),
        work.path(),
        &["destroy", "-auto-approve", "-no-color"],
    );
    assert_eq!(destroy.code, 0, "destroy: {}", destroy.combined());
    assert!(destroy.stdout.contains("1 destroyed"), "{}", destroy.stdout);
    let state = terraform(home.path(), work.path(), &["state", "list"]);
    assert_eq!(state.code, 0, "{}", state.combined());
    assert_eq!(state.stdout.trim(), "", "state not empty after destroy");
}

/// The provider's package as `terraform init` installed it into a working directory.
fn initialized_binary(work: &Path) -> PathBuf {
    work.join(".terraform/providers")
        .join(SOURCE)
        .join(VERSION)
        .join(os_arch())
        .join(format!("terraform-provider-databricks_v{VERSION}"))
}

#[test]
fn after_reinstalling_a_rebuilt_binary_the_recovery_install_prints_lets_init_install_it() {
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let build = tempfile::tempdir().unwrap();
    let home_arg = home.path().to_str().unwrap();
    let binary = env!("CARGO_BIN_EXE_terraform-provider-databricks");

    let out = install(&["--binary", binary, "--home", home_arg]);
    assert_eq!(out.code, 0, "install.sh: {}", out.combined());
    // The release with the new `id` format is 0.2.0, so a constraint on it finds this build.
    std::fs::write(
        work.path().join("main.tf"),
        format!(
            "terraform {{\n  required_providers {{\n    databricks = {{\n      source  = \"{SOURCE}\"\n      version = \">= 0.2\"\n    }}\n  }}\n}}\n"
        ),
    )
    .unwrap();
    let init = terraform(home.path(), work.path(), &["init", "-no-color"]);
    assert_eq!(init.code, 0, "init: {}", init.combined());
    assert!(
        init.stdout
            .contains(&format!("Installing {SOURCE} v{VERSION}")),
        "{}",
        init.combined()
    );

    // A rebuilt binary of the same version: the same program with other bytes.
    let rebuilt = build.path().join("terraform-provider-databricks");
    let mut bytes = std::fs::read(binary).unwrap();
    bytes.extend_from_slice(b"\0rebuilt");
    std::fs::write(&rebuilt, &bytes).unwrap();
    let out = install(&["--binary", rebuilt.to_str().unwrap(), "--home", home_arg]);
    assert_eq!(out.code, 0, "install.sh: {}", out.combined());
    assert!(
        out.stdout
            .contains(&format!("This replaced a different build of {VERSION}.")),
        "{}",
        out.stdout
    );

    // The lock file pins the old build: init refuses the new one, with or without -upgrade.
    for args in [
        &["init", "-no-color"][..],
        &["init", "-upgrade", "-no-color"],
    ] {
        let init = terraform(home.path(), work.path(), args);
        assert_ne!(init.code, 0, "{args:?}: {}", init.combined());
        let text = init
            .combined()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains(
                "doesn't match any of the checksums previously recorded in the dependency lock file"
            ),
            "{args:?}: {text}"
        );
    }

    // The recovery install.sh prints, run as printed, then init.
    let recovery = out
        .stdout
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("terraform providers lock "))
        .unwrap_or_else(|| panic!("install.sh prints no recovery: {}", out.stdout));
    let args: Vec<String> = recovery
        .split_whitespace()
        .skip(1)
        .map(|a| a.replace('"', ""))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let lock = terraform(home.path(), work.path(), &args);
    assert_eq!(lock.code, 0, "{recovery}: {}", lock.combined());
    let init = terraform(home.path(), work.path(), &["init", "-no-color"]);
    assert_eq!(init.code, 0, "init after the recovery: {}", init.combined());
    assert_eq!(
        std::fs::read(initialized_binary(work.path())).unwrap(),
        bytes,
        "init installed the rebuilt binary"
    );
    // And Terraform runs it.
    let schema = terraform(home.path(), work.path(), &["providers", "schema", "-json"]);
    assert_eq!(schema.code, 0, "{}", schema.combined());
    assert!(
        schema.stdout.contains("databricks_workflow_connection"),
        "{}",
        schema.stdout
    );
}

#[test]
fn install_honours_plugins_dir_version_and_platform_and_rejects_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("fake-provider");
    std::fs::write(&binary, "#!/bin/sh\n").unwrap();
    let plugins = dir.path().join("plugins");

    let out = install(&[
        "--binary",
        binary.to_str().unwrap(),
        "--plugins-dir",
        plugins.to_str().unwrap(),
        "--version",
        "1.2.3",
        "--os-arch",
        "darwin_arm64",
    ]);
    assert_eq!(out.code, 0, "{}", out.combined());
    let expected = plugins
        .join(SOURCE)
        .join("1.2.3/darwin_arm64/terraform-provider-databricks_v1.2.3");
    assert_eq!(std::fs::read_to_string(&expected).unwrap(), "#!/bin/sh\n");
    // Only the binary: no temporary files left beside it.
    assert_eq!(
        std::fs::read_dir(expected.parent().unwrap())
            .unwrap()
            .count(),
        1
    );

    // Without HOME and without a destination there is nowhere to install.
    let out = install(&["--binary", binary.to_str().unwrap()]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("HOME is not set"), "{}", out.stderr);

    let out = install(&[
        "--binary",
        binary.to_str().unwrap(),
        "--plugins-dir",
        plugins.to_str().unwrap(),
        "--version",
        "v1",
    ]);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("not a semantic version"),
        "{}",
        out.stderr
    );

    let out = install(&[
        "--binary",
        dir.path().join("missing").to_str().unwrap(),
        "--plugins-dir",
        plugins.to_str().unwrap(),
    ]);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("no provider binary"), "{}", out.stderr);

    let out = install(&["--frobnicate"]);
    assert_eq!(out.code, 2, "{}", out.combined());
}
