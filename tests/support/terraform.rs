//! Runs the real `terraform` binary against the freshly built provider through
//! `dev_overrides`, in a throwaway working directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::process::provider_binary;

pub const SOURCE: &str = "terraform.local/okta-workflows/databricks";

/// Terraform's warning about `dev_overrides`, which every run of these tests prints.
pub const DEV_OVERRIDES: &str = "Provider development overrides are in effect";

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
            "The acceptance tests drive the real Terraform CLI (1.11 or later; tested with 1.11.4), \
             and no `terraform` was found on PATH. Nothing in this repository installs it \
             (.ci/run only checks for it): download it from \
             https://developer.hashicorp.com/terraform/install, put `terraform` on PATH or set \
             TF_ACC_TERRAFORM_PATH to its full path. `bash scripts/test.sh --quick` runs the \
             tests that need no Terraform."
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

    /// stdout and stderr with every run of whitespace collapsed to one space, so prose that
    /// Terraform wraps at its terminal width can be searched.
    pub fn text(&self) -> String {
        self.combined()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The messages of a `-json` run (one JSON object per stdout line).
    pub fn json_messages(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter(|l| l.trim_start().starts_with('{'))
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("not a JSON message ({e}): {l}\n{}", self.stderr))
            })
            .collect()
    }

    /// The diagnostics of a `-json` run, in the order Terraform printed them.
    pub fn diagnostics(&self) -> Vec<serde_json::Value> {
        self.json_messages()
            .into_iter()
            .filter(|m| m["type"] == "diagnostic")
            .map(|m| m["diagnostic"].clone())
            .collect()
    }

    /// The provider's diagnostics of a `-json` run: Terraform's own `dev_overrides` warning,
    /// in every run of these tests, left out.
    pub fn provider_diagnostics(&self) -> Vec<serde_json::Value> {
        self.diagnostics()
            .into_iter()
            .filter(|d| d["summary"] != DEV_OVERRIDES)
            .collect()
    }

    /// Summaries of the provider's warnings of a `-json` run, in order, repeats included.
    pub fn provider_warnings(&self) -> Vec<String> {
        self.provider_diagnostics()
            .iter()
            .filter(|d| d["severity"] == "warning")
            .map(|d| d["summary"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// [`Output::provider_warnings`], each once: `terraform apply` configures the provider in
    /// its plan walk and again in its apply walk, and shows the configure warnings of both.
    pub fn distinct_provider_warnings(&self) -> Vec<String> {
        let mut seen = Vec::new();
        for summary in self.provider_warnings() {
            if !seen.contains(&summary) {
                seen.push(summary);
            }
        }
        seen
    }

    /// Summaries of the diagnostics of a `-json` run with the given severity.
    pub fn summaries(&self, severity: &str) -> Vec<String> {
        self.diagnostics()
            .iter()
            .filter(|d| d["severity"] == severity)
            .map(|d| d["summary"].as_str().unwrap_or_default().to_string())
            .collect()
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

    /// `terraform <args>` in this directory, with an environment of its own: our build
    /// through dev_overrides, no logging, no reattach, none of the developer's Databricks
    /// settings, and this directory as HOME (so `~/.databrickscfg` is never the real one).
    /// The [`Workdir::env`] variables are set last.
    pub fn command(&self, args: &[&str]) -> Command {
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
            .env_remove("DATABRICKS_CLIENT_SECRET")
            .env_remove("DATABRICKS_CONFIG_PROFILE")
            .env_remove("DATABRICKS_CONFIG_FILE")
            // `~/.databrickscfg` is this working directory's `.databrickscfg`: the developer's
            // real one is never read. A test may point HOME elsewhere with `env`.
            .env("HOME", self.dir.path());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    /// [`Workdir::run`] with further environment variables for this run only.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = self.command(args);
        for (k, v) in env {
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

impl Workdir {
    /// The text of `terraform.tfstate`; empty when Terraform has not written one.
    pub fn state_text(&self) -> String {
        std::fs::read_to_string(self.path().join("terraform.tfstate")).unwrap_or_default()
    }

    /// `terraform.tfstate` as JSON; `{}` when there is none.
    pub fn state(&self) -> serde_json::Value {
        let text = self.state_text();
        if text.trim().is_empty() {
            return serde_json::json!({});
        }
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("terraform.tfstate: {e}\n{text}"))
    }

    /// The attributes of every managed instance of `type_name` in the state, by address
    /// (`type.name`, or `type.name[0]` / `type.name["k"]` for `count` / `for_each`).
    pub fn instances(&self, type_name: &str) -> BTreeMap<String, serde_json::Value> {
        let state = self.state();
        let mut found = BTreeMap::new();
        for resource in state["resources"].as_array().into_iter().flatten() {
            if resource["mode"] != "managed" || resource["type"] != type_name {
                continue;
            }
            let base = format!(
                "{type_name}.{}",
                resource["name"].as_str().unwrap_or_default()
            );
            for instance in resource["instances"].as_array().into_iter().flatten() {
                let address = match &instance["index_key"] {
                    serde_json::Value::Null => base.clone(),
                    key => format!("{base}[{key}]"),
                };
                found.insert(address, instance["attributes"].clone());
            }
        }
        found
    }

    /// The attributes of one instance; fails the test when it is not in the state.
    #[track_caller]
    pub fn instance(&self, address: &str) -> serde_json::Value {
        let type_name = address.split('.').next().unwrap_or_default();
        self.instances(type_name)
            .remove(address)
            .unwrap_or_else(|| panic!("{address} is not in the state:\n{}", self.state_text()))
    }

    /// `terraform apply -auto-approve`, human-readable output.
    pub fn apply(&self) -> Output {
        self.run(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform apply -auto-approve -json`: diagnostics as JSON (see [`Output::diagnostics`]).
    pub fn apply_json(&self) -> Output {
        self.run(&["apply", "-auto-approve", "-input=false", "-json"])
    }

    /// `terraform plan -detailed-exitcode` (0 = no changes, 2 = changes, 1 = error).
    pub fn plan(&self) -> Output {
        self.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"])
    }

    /// `terraform plan -refresh-only -detailed-exitcode`: the drift check.
    pub fn plan_refresh_only(&self) -> Output {
        self.run(&[
            "plan",
            "-refresh-only",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
        ])
    }

    /// Both a normal plan and a refresh-only plan report no changes (`-detailed-exitcode` 0).
    /// Returns both outputs (warnings are allowed and can be checked by the caller).
    #[track_caller]
    pub fn assert_no_changes(&self) -> (Output, Output) {
        let plan = self.plan();
        assert_eq!(
            plan.code,
            0,
            "`terraform plan -detailed-exitcode` should find no changes:\n{}",
            plan.combined()
        );
        let refresh = self.plan_refresh_only();
        assert!(
            refresh.code == 0,
            "`terraform plan -refresh-only -detailed-exitcode` should exit 0, exited {}{}:\n{}",
            refresh.code,
            if refresh.code == 2 && refresh.stdout.contains("No changes.") {
                " although it printed \"No changes.\" (Terraform 1.11 compares the refreshed \
                 state with the previous one by deep equality of its in-memory form: numbers \
                 the provider sends as msgpack integers decode differently from the JSON of \
                 the state file, and two or more sensitive paths come out in random order)"
            } else {
                ""
            },
            refresh.combined()
        );
        (plan, refresh)
    }

    /// `terraform apply` succeeds, and then both plans are empty (the rule for every
    /// successful apply). Returns the apply's output.
    #[track_caller]
    pub fn apply_clean(&self) -> Output {
        let out = self.apply();
        assert_eq!(out.code, 0, "`terraform apply` failed:\n{}", out.combined());
        self.assert_no_changes();
        out
    }
}

/// The `terraform` block every test configuration starts with.
pub fn required_providers() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    databricks = {{\n      source = \"{SOURCE}\"\n    }}\n  }}\n}}\n"
    )
}
