//! The `databricks-account-emulator` binary: URL on the first stdout line, serves, stops on
//! SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use databricks_account_emulator::canonical::*;

const BIN: &str = env!("CARGO_BIN_EXE_databricks-account-emulator");

/// Kills the child on drop so a failing test leaves nothing behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    (Running(child), line)
}

/// Waits for `child` to exit. A watchdog kills it if that takes longer than `limit`, and the
/// answer is then `None`.
fn wait_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let (exited, watch) = std::sync::mpsc::channel::<()>();
    let pid = child.id().to_string();
    let watchdog = std::thread::spawn(move || {
        let timed_out = matches!(
            watch.recv_timeout(limit),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout)
        );
        if timed_out {
            let kill = if cfg!(windows) {
                Command::new("taskkill").args(["/F", "/PID", &pid]).status()
            } else {
                Command::new("kill").args(["-KILL", &pid]).status()
            };
            kill.unwrap();
        }
        timed_out
    });
    let status = child.wait().unwrap();
    let _ = exited.send(());
    (!watchdog.join().unwrap()).then_some(status)
}

#[tokio::test]
async fn binary_prints_its_url_first_serves_the_seed_and_stops_on_sigterm() {
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/quickstart.json");
    let (mut running, line) = spawn(&["--seed", seed, "--port", "0"]);
    let url = line.trim_end().to_owned();
    assert!(line.ends_with('\n'));
    assert!(url.starts_with("http://127.0.0.1:"), "{line:?}");
    assert!(url[17..].parse::<u16>().unwrap() > 0);

    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{url}/oidc/accounts/{ACCOUNT_ID}/v1/token"))
        .basic_auth(APPLICATION_ID, Some(SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "all-apis")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let calls: serde_json::Value = http
        .get(format!("{url}/_emulator/calls"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(calls["token"], 1);

    let pid = running.0.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = wait_exit(&mut running.0, Duration::from_secs(10)).expect("exits after SIGTERM");
    assert!(exit.success(), "{exit:?}");
    let mut log = String::new();
    std::io::Read::read_to_string(running.0.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(log.contains("listening"), "{log}");
}

#[test]
fn binary_without_seed_starts_empty() {
    let (mut running, line) = spawn(&["--quiet"]);
    assert!(line.starts_with("http://127.0.0.1:"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let state: serde_json::Value = rt.block_on(async {
        reqwest::get(format!("{}/_emulator/state", line.trim_end()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    assert_eq!(state["accounts"], serde_json::json!([]));
    running.0.kill().unwrap();
}

#[test]
fn binary_rejects_bad_arguments_and_bad_seeds() {
    for args in [
        &["--port", "x"][..],
        &["--frobnicate"][..],
        &["--seed", "/nonexistent/seed.json"][..],
        &["--tls-ca-file", "/tmp/x.pem"][..],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "no URL line on failure");
        assert!(!out.stderr.is_empty());
    }
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--seed"));
}

#[tokio::test]
async fn binary_with_tls_writes_its_ca_before_printing_an_https_url() {
    let dir = std::env::temp_dir().join(format!("emulator-binary-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_file = dir.join("ca.pem");
    let (mut running, line) = spawn(&["--tls", "--tls-ca-file", ca_file.to_str().unwrap()]);
    let url = line.trim_end().to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{line:?}");
    let pem = std::fs::read(&ca_file).expect("the CA file exists once the URL is printed");
    let http = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&pem).unwrap()])
        .build()
        .unwrap();
    let resp = http
        .get(format!("{url}/.well-known/databricks-config"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let meta: serde_json::Value = resp.json().await.unwrap();
    assert!(
        meta["oidc_endpoint"].as_str().unwrap().starts_with(&url),
        "{meta}"
    );

    running.0.kill().unwrap();
    running.0.wait().unwrap();
    let mut log = String::new();
    std::io::Read::read_to_string(running.0.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(
        log.contains(&format!("CA certificate: {}", ca_file.display())),
        "{log}"
    );
    assert!(ca_file.exists(), "a file the user named is left in place");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn binary_with_tls_and_no_ca_file_names_a_temp_file_and_removes_it_at_exit() {
    let mut child = Command::new(BIN)
        .args(["--tls", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("https://127.0.0.1:"), "{line:?}");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut err_line = String::new();
    stderr.read_line(&mut err_line).unwrap();
    let path = err_line
        .trim_end()
        .strip_prefix("databricks-account-emulator: CA certificate: ")
        .unwrap_or_else(|| panic!("{err_line:?}"))
        .to_owned();
    assert!(
        std::path::Path::new(&path).starts_with(std::env::temp_dir()),
        "{path}"
    );
    let pem = std::fs::read_to_string(&path).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = wait_exit(&mut child, Duration::from_secs(10)).expect("exits after SIGTERM");
    assert!(exit.success(), "{exit:?}");
    assert!(!std::path::Path::new(&path).exists(), "{path} was removed");
}

// ---- safe on a shared machine --------------------------------------------------------------

/// Runs the binary with `args` when it is expected to refuse them: no URL line, a non-zero exit
/// and what it said on stderr. A binary that starts anyway is killed (by `Running`'s drop) and
/// the test fails on its URL line.
fn refused(cmd: &mut Command) -> (std::process::ExitStatus, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let mut running = Running(child);
    assert_eq!(line, "", "the binary started instead of refusing");
    let status = wait_exit(&mut running.0, Duration::from_secs(10)).expect("exits");
    let mut err = String::new();
    std::io::Read::read_to_string(running.0.stderr.as_mut().unwrap(), &mut err).unwrap();
    (status, err)
}

/// The path the binary names on stderr for its CA file (the first line with `--quiet`).
fn ca_path_from(stderr: &mut impl BufRead) -> std::path::PathBuf {
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    line.trim_end()
        .strip_prefix("databricks-account-emulator: CA certificate: ")
        .unwrap_or_else(|| panic!("{line:?}"))
        .into()
}

#[cfg(unix)]
#[test]
fn tls_without_a_ca_file_writes_it_inside_a_new_private_directory_removed_at_exit() {
    use std::os::unix::fs::PermissionsExt;

    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["--tls", "--quiet"])
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut running = Running(child);
    assert!(line.starts_with("https://127.0.0.1:"), "{line:?}");
    let path = ca_path_from(&mut stderr);

    // Not a predictable name in the shared temp directory, where another user could have
    // planted a link: a directory of its own, which nobody else may enter.
    let dir = path.parent().unwrap();
    assert_ne!(dir, tmp.path(), "{}", path.display());
    assert_eq!(dir.parent(), Some(tmp.path()), "{}", path.display());
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}: {mode:o}", dir.display());
    let pem = std::fs::read_to_string(&path).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");

    let pid = running.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let exit = wait_exit(&mut running.0, Duration::from_secs(10)).expect("exits after SIGTERM");
    assert!(exit.success(), "{exit:?}");
    assert!(!dir.exists(), "{} was removed with its file", dir.display());
}

#[cfg(unix)]
#[test]
fn tls_ca_file_that_is_a_symbolic_link_is_refused_and_its_target_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let victim = tmp.path().join("precious.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let link = tmp.path().join("ca.pem");
    std::os::unix::fs::symlink(&victim, &link).unwrap();

    let (status, err) =
        refused(Command::new(BIN).args(["--tls", "--tls-ca-file", link.to_str().unwrap()]));
    assert!(!status.success(), "{status:?}");
    assert!(
        err.contains(&link.display().to_string()),
        "names the path: {err}"
    );
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
}

#[cfg(unix)]
#[test]
fn tls_ca_file_that_exists_is_replaced_by_a_new_file_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let ca_file = tmp.path().join("ca.pem");
    std::fs::write(&ca_file, "from the last run").unwrap();
    // A second name for the same file: writing into the old file would show here.
    let other = tmp.path().join("other-name.txt");
    std::fs::hard_link(&ca_file, &other).unwrap();

    let (running, line) = spawn(&[
        "--tls",
        "--quiet",
        "--tls-ca-file",
        ca_file.to_str().unwrap(),
    ]);
    assert!(line.starts_with("https://127.0.0.1:"), "{line:?}");
    let pem = std::fs::read_to_string(&ca_file).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        "from the last run"
    );
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file left behind: {names:?}");
    drop(running);
}

#[test]
fn tls_ca_file_that_is_a_directory_is_refused_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (status, err) =
        refused(Command::new(BIN).args(["--tls", "--tls-ca-file", tmp.path().to_str().unwrap()]));
    assert!(!status.success(), "{status:?}");
    assert!(err.contains(&tmp.path().display().to_string()), "{err}");
}
#[test]
fn binding_a_non_loopback_address_is_refused_without_allow_remote() {
    for host in ["0.0.0.0", "::", "192.0.2.10"] {
        let (status, err) = refused(Command::new(BIN).args(["--host", host]));
        assert_eq!(status.code(), Some(2), "{host}: {err}");
        assert!(
            err.contains("--allow-remote"),
            "{host}: says which flag: {err}"
        );
        assert!(err.contains(host), "{host}: {err}");
    }
}

#[test]
fn allow_remote_binds_every_address_and_warns_that_the_admin_api_is_unauthenticated() {
    let (mut running, line) = spawn(&["--host", "0.0.0.0", "--allow-remote", "--quiet"]);
    assert!(line.starts_with("http://127.0.0.1:"), "{line:?}");
    running.0.kill().unwrap();
    running.0.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(running.0.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(err.contains("warning"), "{err}");
    assert!(err.contains("/_emulator/"), "{err}");
    assert!(err.contains("unauthenticated"), "{err}");
}

#[test]
fn loopback_addresses_need_no_flag_and_print_no_warning() {
    // Linux answers on all of 127.0.0.0/8; other systems configure only 127.0.0.1.
    let host = if cfg!(target_os = "linux") {
        "127.0.0.2"
    } else {
        "127.0.0.1"
    };
    let (mut running, line) = spawn(&["--host", host, "--quiet"]);
    assert!(line.starts_with(&format!("http://{host}:")), "{line:?}");
    running.0.kill().unwrap();
    running.0.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(running.0.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(!err.contains("warning"), "{err}");
}
