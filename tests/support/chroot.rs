//! An empty root for `chroot`: the `terraform` binary (static, like every Go program Terraform
//! ships), the provider, a working directory with the configuration and a CLI configuration,
//! and an empty `/tmp` (for the plugin socket). No shell, no libc, no CA bundle: what a
//! distroless or scratch image holds. The account API emulator stays outside, on loopback.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::platforms::running_as_root;
use super::terraform::{Output, SOURCE, terraform_binary};

/// Inside the root.
pub const WORKDIR: &str = "/work";
const PLUGINS: &str = "/plugins";

pub struct EmptyRoot {
    dir: tempfile::TempDir,
}

impl EmptyRoot {
    /// A root holding terraform and `provider` (found by Terraform through `dev_overrides`).
    /// Fails the test, saying why, when this process cannot `chroot` (it must run as root).
    #[track_caller]
    pub fn new(provider: &Path) -> Self {
        assert!(
            running_as_root(),
            "this test runs Terraform in an empty root with chroot(2), which needs root \
             (CAP_SYS_CHROOT); CI runs as root: run it as root (sudo) too"
        );
        let dir = tempfile::tempdir().unwrap();
        for sub in ["work", "plugins", "tmp"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        link_or_copy(&terraform_binary(), &dir.path().join("terraform"));
        link_or_copy(
            provider,
            &dir.path().join("plugins/terraform-provider-databricks"),
        );
        let root = Self { dir };
        root.write(
            "cli.tfrc",
            &format!(
                "provider_installation {{\n  dev_overrides {{\n    \"{SOURCE}\" = \"{PLUGINS}\"\n  }}\n  direct {{}}\n}}\n"
            ),
        );
        root
    }

    /// A file of the working directory (`/work/<name>` inside).
    pub fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.host_path(name), contents).unwrap();
    }

    /// Where `/work/<name>` is, seen from outside.
    pub fn host_path(&self, name: &str) -> PathBuf {
        self.dir.path().join("work").join(name)
    }

    /// Every file in the root, relative to it (what the test promised it holds).
    pub fn listing(&self) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![self.dir.path().to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path.clone());
                }
                found.push(
                    path.strip_prefix(self.dir.path())
                        .unwrap()
                        .display()
                        .to_string(),
                );
            }
        }
        found.sort();
        found
    }

    /// `terraform <args>` inside the root, in `/work`, with only the environment Terraform
    /// needs there plus `env`.
    pub fn terraform(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let output = Command::new(chroot_program())
            .arg(self.dir.path())
            .arg("/terraform")
            .arg(format!("-chdir={WORKDIR}"))
            .args(args)
            .env_clear()
            .env("HOME", WORKDIR)
            .env("TF_CLI_CONFIG_FILE", format!("{WORKDIR}/cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .envs(env.iter().copied())
            .output()
            .expect("run chroot (coreutils)");
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The state Terraform wrote in `/work`, `{}` when none.
    pub fn state(&self) -> serde_json::Value {
        std::fs::read_to_string(self.host_path("terraform.tfstate"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_else(|| serde_json::json!({}))
    }
}

/// `chroot` from coreutils, found on PATH or in the sbin directories a user's PATH may lack.
fn chroot_program() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin"].map(PathBuf::from))
        .map(|dir| dir.join("chroot"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("no chroot program (coreutils) on PATH or in /usr/sbin"))
}

/// A hard link where the file system allows one (Terraform is ~90 MB), else a copy.
fn link_or_copy(from: &Path, to: &Path) {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).unwrap();
    }
}
