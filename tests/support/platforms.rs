//! The provider built for other platforms (static Linux, Windows) the way `scripts/release.sh`
//! builds them, with the `cross-debug` profile: `scripts/test.sh` builds them first, so here
//! cargo finds them up to date; run alone, a test builds what it needs (minutes).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The cargo profile of the other platforms' builds in the tests (`Cargo.toml`).
pub const PROFILE: &str = "cross-debug";

pub fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The provider for `os_arch` (Terraform's name, e.g. `linux_arm64`), built by the release
/// script's own function; fails the test with cargo's output when it cannot be built.
#[track_caller]
pub fn provider_for(os_arch: &str) -> PathBuf {
    let output = Command::new("bash")
        .args([
            "-c",
            r#"root="$1"; script=tests; source "$root/scripts/lib/package.sh"; build_platform "$2" "$3""#,
            "build",
        ])
        .arg(repository())
        .args([os_arch, PROFILE])
        .output()
        .expect("run bash");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "building the provider for {os_arch} failed (scripts/lib/package.sh, build_platform; \
         .ci/run installs the tools):\n{stderr}"
    );
    let path = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    assert!(path.is_file(), "no binary at {}:\n{stderr}", path.display());
    path
}

/// `readelf -lW` and `-dW` of an ELF file: its program headers and dynamic section.
pub fn readelf(binary: &Path) -> String {
    let mut text = String::new();
    for flag in ["-lW", "-dW"] {
        let out = Command::new("readelf")
            .arg(flag)
            .arg(binary)
            .output()
            .expect("run readelf (binutils)");
        assert!(
            out.status.success(),
            "readelf {flag} {}: {}",
            binary.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        text.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    text
}

/// Whether this process runs as root (effective UID 0), from `/proc/self/status`.
pub fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|uids| uids.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// The release of every platform this machine builds (`scripts/release.sh` with the
/// `cross-debug` profile), written to `out`: the Registry's zips, the manifest and
/// SHA256SUMS.
#[track_caller]
pub fn release_into(out: &Path) {
    let output = Command::new("bash")
        .arg(repository().join("scripts/release.sh"))
        .args(["--profile", PROFILE, "--out"])
        .arg(out)
        .env_remove("GPG_FINGERPRINT")
        .output()
        .expect("run bash");
    assert!(
        output.status.success(),
        "scripts/release.sh failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
