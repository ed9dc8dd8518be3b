//! Runs the real `terraform` binary against the freshly built provider through
//! `dev_overrides`, in a throwaway working directory.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::process::provider_binary;

pub const SOURCE: &str = "terraform.local/okta-workflows/databricks";

/// The Terraform CLI from `TF_ACC_TERRAFORM_PATH`, else from PATH. Missing is a failure with
/// instructions, never a silent pass.
pub fn terraform_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("TF_ACC_TERRAFORM_PATH") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "TF_ACC_TERRAFORM_PATH points at {}, which is not a file",
            path.display()
        );
        return path;
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("terraform"))
            .find(|candidate| candidate.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "The acceptance tests drive the real Terraform CLI (1.11 or later), and none was \
             found. Install it (https://developer.hashicorp.com/terraform/install, or \
             `bash .ci/install-terraform`) and put `terraform` on PATH, or set \
             TF_ACC_TERRAFORM_PATH to its full path."
        )
    })
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn combined(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// A working directory with a CLI config that points Terraform at our build.
pub struct Workdir {
    dir: tempfile::TempDir,
    cli_config: PathBuf,
    env: Vec<(String, String)>,
}

impl Workdir {
    pub fn new(main_tf: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let provider_dir = provider_binary().parent().unwrap().to_path_buf();
        let cli_config = dir.path().join("dev.tfrc");
        std::fs::write(
            &cli_config,
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"{SOURCE}\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                provider_dir.display()
            ),
        )
        .unwrap();
        std::fs::write(dir.path().join("main.tf"), main_tf).unwrap();
        Self {
            dir,
            cli_config,
            env: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.dir.path().join(name), contents).unwrap();
    }

    pub fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(terraform_binary());
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .env_remove("TF_REATTACH_PROVIDERS")
            .env_remove("DATABRICKS_HOST")
            .env_remove("DATABRICKS_ACCOUNT_ID")
            .env_remove("DATABRICKS_CLIENT_ID")
            .env_remove("DATABRICKS_CLIENT_SECRET");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let output = cmd.output().expect("run terraform");
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// The `terraform` block every test configuration starts with.
pub fn required_providers() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    databricks = {{\n      source = \"{SOURCE}\"\n    }}\n  }}\n}}\n"
    )
}
