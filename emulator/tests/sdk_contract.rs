//! The contract with the official Databricks SDK for Python: runs the pytest suite in
//! `tests/sdk/` against the emulator binary, with the interpreter of the virtual environment
//! that `scripts/lib/sdk-venv.sh` makes (`target/sdk-venv`, databricks-sdk pinned), or the one
//! in `DATABRICKS_SDK_PYTHON`. Without it the test fails and says how to get it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_databricks-account-emulator");

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the emulator crate sits in the workspace")
        .to_path_buf()
}

/// `DATABRICKS_SDK_PYTHON`, else `target/sdk-venv/bin/python`; fails with instructions.
fn sdk_python() -> PathBuf {
    if let Some(p) = std::env::var_os("DATABRICKS_SDK_PYTHON") {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "DATABRICKS_SDK_PYTHON points at {}, which is not a file",
            p.display()
        );
        return p;
    }
    let venv = workspace_root().join("target/sdk-venv/bin/python");
    assert!(
        venv.is_file(),
        "The SDK contract suite needs Python with the official databricks-sdk, and {} does \
         not exist: run bash scripts/lib/sdk-venv.sh (scripts/test.sh does), or set \
         DATABRICKS_SDK_PYTHON to an interpreter that has databricks-sdk==0.162.0 and pytest.",
        venv.display()
    );
    venv
}

#[test]
fn the_official_python_sdk_drives_the_emulator_binary() {
    let python = sdk_python();
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sdk");
    let mut cmd = Command::new(&python);
    cmd.args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA"])
        .arg(&suite)
        .env("EMULATOR_BIN", BIN)
        // No bytecode or cache files in the source tree.
        .env("PYTHONDONTWRITEBYTECODE", "1");
    // The user's own Databricks configuration must not leak into the SDK's clients.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("DATABRICKS_") || key == "REQUESTS_CA_BUNDLE" || key == "CURL_CA_BUNDLE"
        {
            cmd.env_remove(&key);
        }
    }
    let started = Instant::now();
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the SDK contract suite failed ({}; exit {:?}; pytest exit 3 = wrong environment, \
         run bash scripts/lib/sdk-venv.sh):\n{stdout}\n{stderr}",
        python.display(),
        out.status.code()
    );
    // A run that collected nothing exits 5 (a failure above); make sure the tests ran.
    assert!(
        stdout.contains(" passed"),
        "no test ran:\n{stdout}\n{stderr}"
    );
    eprintln!(
        "SDK contract suite: {:.1} s\n{}",
        started.elapsed().as_secs_f64(),
        stdout.lines().last().unwrap_or_default()
    );
}
