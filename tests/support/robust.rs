//! Helpers for the robustness tests: Terraform as a background child process, the provider
//! processes it starts (found through /proc), polling with deadlines, and scanning text for
//! secrets.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::process::provider_binary;
use super::terraform::{Output, Workdir};

/// A `terraform` command running in the background, its output going to files in the
/// working directory (no pipe can fill up and stall it).
pub struct Running {
    pub child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

/// Starts `terraform <args>` in `work` with the same environment as [`Workdir::run`] plus `env`.
pub fn spawn_terraform(work: &Workdir, args: &[&str], env: &[(&str, &str)]) -> Running {
    let n = std::fs::read_dir(work.path()).map_or(0, Iterator::count);
    let stdout = work.path().join(format!("bg-{n}.stdout"));
    let stderr = work.path().join(format!("bg-{n}.stderr"));
    let mut cmd = work.command(args);
    cmd.stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap());
    for (k, v) in env {
        cmd.env(k, v);
    }
    Running {
        child: cmd.spawn().expect("start terraform"),
        stdout,
        stderr,
    }
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What Terraform printed so far.
    pub fn output_so_far(&self) -> String {
        format!(
            "{}\n{}",
            std::fs::read_to_string(&self.stdout).unwrap_or_default(),
            std::fs::read_to_string(&self.stderr).unwrap_or_default()
        )
    }

    /// Waits for Terraform to exit, at most `limit` (then kills it and fails the test).
    #[track_caller]
    pub fn wait(mut self, limit: Duration) -> Output {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "terraform did not exit within {limit:?}:\n{}",
                    self.output_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Output {
            code: status.code().unwrap_or(-1),
            stdout: std::fs::read_to_string(&self.stdout).unwrap_or_default(),
            stderr: std::fs::read_to_string(&self.stderr).unwrap_or_default(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Polls `f` every 20 ms until it returns Some, failing the test after `limit`.
#[track_caller]
pub fn wait_for<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stat_fields(pid: u32) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`; comm may contain spaces and parentheses.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// Whether `pid` runs (exists and is not a zombie).
pub fn alive(pid: u32) -> bool {
    matches!(stat_fields(pid), Some((state, _)) if state != 'Z' && state != 'X')
}

fn is_provider_binary(pid: u32) -> bool {
    let wanted = provider_binary();
    let wanted_name = wanted.file_name().unwrap().to_owned();
    if let Ok(exe) = std::fs::read_link(format!("/proc/{pid}/exe")) {
        // A concurrent rebuild replaces the file: the link then ends in " (deleted)".
        let text = exe
            .to_string_lossy()
            .trim_end_matches(" (deleted)")
            .to_string();
        let exe = Path::new(&text);
        if exe.file_name() == Some(wanted_name.as_os_str()) {
            return true;
        }
    }
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .ok()
        .and_then(|c| {
            let argv0 = c.split(|b| *b == 0).next()?.to_vec();
            let argv0 = PathBuf::from(String::from_utf8(argv0).ok()?);
            Some(argv0.file_name() == Some(wanted_name.as_os_str()))
        })
        .unwrap_or(false)
}

/// The running provider processes whose parent is `parent` (Terraform starts its providers
/// as direct children).
pub fn provider_children(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            matches!(stat_fields(*pid), Some((state, ppid)) if ppid == parent && state != 'Z')
        })
        .filter(|pid| is_provider_binary(*pid))
        .collect()
}

/// Sends `signal` (e.g. "KILL", "INT") to one process.
pub fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid}");
}

/// Every emulator access token (`emu` followed by 61 ASCII letters and digits) in `text`.
pub fn emulator_tokens(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(pos) = text[i..].find("emu") {
        let start = i + pos;
        let body = &bytes[start + 3..];
        let len = body
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let boundary = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if len == 61 && boundary {
            found.push(text[start..start + 64].to_string());
        }
        i = start + 3;
    }
    found
}

/// `Basic …` / `Bearer …` followed by something that looks like a credential (16 or more
/// characters of a token alphabet), case-insensitively.
pub fn authorization_values(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    for scheme in ["basic ", "bearer "] {
        let mut i = 0;
        while let Some(pos) = lower[i..].find(scheme) {
            let start = i + pos + scheme.len();
            let len = text.as_bytes()[start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || b"+/=._-~".contains(b))
                .count();
            if len >= 16 {
                let from = start - scheme.len();
                found.push(text[from..start + len].to_string());
            }
            i = start;
        }
    }
    found
}
