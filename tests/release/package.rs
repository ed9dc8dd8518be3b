//! `scripts/release.sh`: the files the Terraform Registry expects, reproducibly. Most tests
//! package a small stand-in binary through `--binary` so they take milliseconds; the others
//! build every platform of this machine as a release does, with the `cross-debug` profile
//! instead of `release` (cargo finds those builds up to date: `scripts/test.sh` made them).

use std::path::Path;
use std::process::Command;

use crate::support::platforms::{PROFILE, provider_for};

const NAME: &str = "terraform-provider-databricks";
/// 2023-11-14T22:13:20Z
const EPOCH: &str = "1700000000";

struct Entry {
    name: String,
    /// MS-DOS date and time fields, as stored.
    dos_date: u16,
    dos_time: u16,
    unix_mode: u32,
    extra_len: usize,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The central directory of a zip file (no zip64, no archive comment needed).
fn zip_entries(bytes: &[u8]) -> Vec<Entry> {
    let eocd = (0..=bytes.len() - 22)
        .rev()
        .find(|&i| u32_at(bytes, i) == 0x0605_4b50)
        .expect("end of central directory");
    let count = usize::from(u16_at(bytes, eocd + 10));
    let mut at = u32_at(bytes, eocd + 16) as usize;
    let mut entries = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(bytes, at), 0x0201_4b50, "central directory header");
        let name_len = usize::from(u16_at(bytes, at + 28));
        let extra_len = usize::from(u16_at(bytes, at + 30));
        let comment_len = usize::from(u16_at(bytes, at + 32));
        entries.push(Entry {
            name: String::from_utf8(bytes[at + 46..at + 46 + name_len].to_vec()).unwrap(),
            dos_time: u16_at(bytes, at + 12),
            dos_date: u16_at(bytes, at + 14),
            unix_mode: u32_at(bytes, at + 38) >> 16,
            extra_len,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    entries
}

fn release(binary: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/release.sh"))
        .arg("--binary")
        .arg(binary)
        .arg("--out")
        .arg(out)
        .args(["--version", "1.2.3", "--os-arch", "linux_amd64"])
        .args(extra)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("GPG_FINGERPRINT")
        .output()
        .unwrap()
}

fn tool_available(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn stand_in_binary(dir: &Path) -> std::path::PathBuf {
    let binary = dir.join("provider");
    let body: String = (0..2000).map(|i| format!("echo line {i}\n")).collect();
    std::fs::write(&binary, format!("#!/bin/sh\n{body}")).unwrap();
    binary
}

fn check_release_dir(out: &Path, binary: &Path) {
    let mut files: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            format!("{NAME}_1.2.3_SHA256SUMS"),
            format!("{NAME}_1.2.3_linux_amd64.zip"),
            format!("{NAME}_1.2.3_manifest.json"),
        ]
    );

    let manifest =
        std::fs::read_to_string(out.join(format!("{NAME}_1.2.3_manifest.json"))).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );

    let zip = std::fs::read(out.join(format!("{NAME}_1.2.3_linux_amd64.zip"))).unwrap();
    let entries = zip_entries(&zip);
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(entry.name, format!("{NAME}_v1.2.3"));
    assert_eq!(entry.unix_mode & 0o777, 0o755, "{:o}", entry.unix_mode);
    assert_eq!(entry.extra_len, 0, "no uid/gid or extended timestamps");
    // 2023-11-14 22:13:20 (UTC) in MS-DOS format.
    assert_eq!(entry.dos_date, ((2023 - 1980) << 9) | (11 << 5) | 14);
    assert_eq!(entry.dos_time, (22 << 11) | (13 << 5) | (20 / 2));

    // The archive unpacks to the binary itself.
    let unpacked = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
        ])
        .arg(out.join(format!("{NAME}_1.2.3_linux_amd64.zip")))
        .arg(unpacked.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read(unpacked.path().join(format!("{NAME}_v1.2.3"))).unwrap(),
        std::fs::read(binary).unwrap()
    );

    // SHA256SUMS lists the zip and the manifest, and matches them.
    let sums = std::fs::read_to_string(out.join(format!("{NAME}_1.2.3_SHA256SUMS"))).unwrap();
    let names: Vec<&str> = sums
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        names,
        [
            format!("{NAME}_1.2.3_linux_amd64.zip"),
            format!("{NAME}_1.2.3_manifest.json")
        ]
    );
    let check = Command::new("sha256sum")
        .args(["--check", &format!("{NAME}_1.2.3_SHA256SUMS")])
        .current_dir(out)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

fn packages_reproducibly_with(tool: &str) {
    let dir = tempfile::tempdir().unwrap();
    let binary = stand_in_binary(dir.path());
    let first = dir.path().join("first");
    let out = release(&binary, &first, &["--zip-tool", tool]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_release_dir(&first, &binary);

    // A later build of the same bytes (another mtime) gives the same archive.
    let later = std::fs::metadata(&binary).unwrap().modified().unwrap()
        + std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&binary)
        .unwrap()
        .set_modified(later)
        .unwrap();
    assert_eq!(
        std::fs::metadata(&binary).unwrap().modified().unwrap(),
        later
    );
    let second = dir.path().join("second");
    let out = release(&binary, &second, &["--zip-tool", tool]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        format!("{NAME}_1.2.3_linux_amd64.zip"),
        format!("{NAME}_1.2.3_SHA256SUMS"),
    ] {
        assert_eq!(
            std::fs::read(first.join(&file)).unwrap(),
            std::fs::read(second.join(&file)).unwrap(),
            "{file} differs between two runs"
        );
    }
}

#[test]
fn release_with_python_zipfile_is_registry_shaped_and_reproducible() {
    packages_reproducibly_with("python");
}

#[test]
fn release_with_zip_is_registry_shaped_and_reproducible() {
    if !tool_available("zip") {
        eprintln!("zip is not installed; its path is covered only when present");
        return;
    }
    packages_reproducibly_with("zip");
}

#[test]
fn release_rejects_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let binary = stand_in_binary(dir.path());
    let out = release(&binary, dir.path(), &["--zip-tool", "rar"]);
    assert_eq!(out.status.code(), Some(2));
    let out = release(&dir.path().join("missing"), dir.path(), &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no provider binary"));
}

/// The workspace version, which release.sh uses by default.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `release.sh --profile cross-debug --out <out> <extra>`: it builds what it packages.
fn release_built(out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/release.sh"))
        .args(["--profile", PROFILE, "--out"])
        .arg(out)
        .args(extra)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("GPG_FINGERPRINT")
        .output()
        .unwrap()
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    files
}

/// The one file of a zip, unpacked: its name and bytes.
fn unpack(zip: &Path) -> (String, Vec<u8>) {
    let entries = zip_entries(&std::fs::read(zip).unwrap());
    assert_eq!(entries.len(), 1, "{}", zip.display());
    let entry = &entries[0];
    assert_eq!(entry.unix_mode & 0o777, 0o755, "{:o}", entry.unix_mode);
    assert_eq!(entry.extra_len, 0, "no uid/gid or extended timestamps");
    let unpacked = tempfile::tempdir().unwrap();
    let status = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])",
        ])
        .arg(zip)
        .arg(unpacked.path())
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(unpacked.path().join(&entry.name)).unwrap();
    (entry.name.clone(), bytes)
}

#[test]
fn release_without_arguments_packages_every_platform_this_machine_builds_reproducibly() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let out = release_built(&first, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let platforms = ["linux_amd64", "linux_arm64", "windows_amd64"];
    let mut expected: Vec<String> = platforms
        .iter()
        .map(|p| format!("{NAME}_{VERSION}_{p}.zip"))
        .chain([
            format!("{NAME}_{VERSION}_SHA256SUMS"),
            format!("{NAME}_{VERSION}_manifest.json"),
        ])
        .collect();
    expected.sort();
    assert_eq!(file_names(&first), expected);

    for platform in platforms {
        let (name, bytes) = unpack(&first.join(format!("{NAME}_{VERSION}_{platform}.zip")));
        let exe = if platform.starts_with("windows") {
            format!("{NAME}_v{VERSION}.exe")
        } else {
            format!("{NAME}_v{VERSION}")
        };
        assert_eq!(name, exe, "{platform}");
        assert!(
            bytes == std::fs::read(provider_for(platform)).unwrap(),
            "the {platform} zip holds the {platform} build"
        );
    }

    let sums = std::fs::read_to_string(first.join(format!("{NAME}_{VERSION}_SHA256SUMS"))).unwrap();
    let listed: Vec<&str> = sums
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    let mut wanted: Vec<&str> = expected
        .iter()
        .map(String::as_str)
        .filter(|f| !f.ends_with("_SHA256SUMS"))
        .collect();
    wanted.sort_unstable();
    assert_eq!(listed, wanted);
    let check = Command::new("sha256sum")
        .args(["--check", &format!("{NAME}_{VERSION}_SHA256SUMS")])
        .current_dir(&first)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // A second run gives the same bytes.
    let second = dir.path().join("second");
    let out = release_built(&second, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(file_names(&second), expected);
    for file in &expected {
        assert!(
            std::fs::read(first.join(file)).unwrap() == std::fs::read(second.join(file)).unwrap(),
            "{file} differs between two runs"
        );
    }
}

#[test]
fn release_with_os_arch_builds_and_packages_only_that_platform() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = release_built(out_dir.path(), &["--os-arch", "windows_amd64"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        file_names(out_dir.path()),
        [
            format!("{NAME}_{VERSION}_SHA256SUMS"),
            format!("{NAME}_{VERSION}_manifest.json"),
            format!("{NAME}_{VERSION}_windows_amd64.zip"),
        ]
    );
    let (name, bytes) = unpack(
        &out_dir
            .path()
            .join(format!("{NAME}_{VERSION}_windows_amd64.zip")),
    );
    assert_eq!(name, format!("{NAME}_v{VERSION}.exe"));
    assert!(bytes.starts_with(b"MZ"), "a Windows executable");
}

#[test]
fn release_refuses_a_platform_it_does_not_know() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = release_built(out_dir.path(), &["--os-arch", "plan9_amd64"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no build for platform 'plan9_amd64'") && stderr.contains("linux_arm64"),
        "{stderr}"
    );
    assert!(file_names(out_dir.path()).is_empty(), "nothing written");
}
