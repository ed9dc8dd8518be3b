//! The official Databricks SDK for Python, for acceptance tests that put the provider in a
//! pipeline with it: the interpreter of `target/sdk-venv` (`bash scripts/lib/sdk-venv.sh`) or
//! `DATABRICKS_SDK_PYTHON`, and the scripts in `tests/sdk/`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `DATABRICKS_SDK_PYTHON`, else `target/sdk-venv/bin/python`. Missing is a failure with
/// instructions, never a silent pass.
pub fn sdk_python() -> PathBuf {
    if let Some(p) = std::env::var_os("DATABRICKS_SDK_PYTHON") {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "DATABRICKS_SDK_PYTHON points at {}, which is not a file",
            p.display()
        );
        return p;
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/sdk-venv/bin/python");
    assert!(
        venv.is_file(),
        "This test drives the official Databricks SDK for Python, and {} does not exist: run \
         bash scripts/lib/sdk-venv.sh (scripts/test.sh does), or set DATABRICKS_SDK_PYTHON to \
         an interpreter that has databricks-sdk==0.162.0.",
        venv.display()
    );
    venv
}

/// Account-admin credentials the SDK authenticates with (its `DATABRICKS_*` variables).
pub struct SdkAccount<'a> {
    pub host: &'a str,
    pub account_id: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
}

/// Runs `tests/sdk/<script>` with `args`; returns the JSON it printed. Fails the test with the
/// script's output (which may hold secrets of the emulator: test data only) when it fails.
#[track_caller]
pub fn run_sdk_script(script: &str, args: &[&str], account: &SdkAccount<'_>) -> serde_json::Value {
    let python = sdk_python();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sdk")
        .join(script);
    let mut cmd = Command::new(&python);
    cmd.arg(&path)
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("DATABRICKS_") && key != "DATABRICKS_SDK_PYTHON" {
            cmd.env_remove(&key);
        }
    }
    cmd.env("DATABRICKS_HOST", account.host)
        .env("DATABRICKS_ACCOUNT_ID", account.account_id)
        .env("DATABRICKS_CLIENT_ID", account.client_id)
        .env("DATABRICKS_CLIENT_SECRET", account.client_secret);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script} {args:?} failed ({:?}):\n{stdout}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{script} printed no JSON ({e}):\n{stdout}"))
}
