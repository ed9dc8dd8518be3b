//! The static Linux builds, with the real `terraform`: linux_amd64 in an empty root (`chroot`:
//! terraform, the provider and the configuration, nothing else: no libc, no CA bundle) and
//! linux_arm64 under `qemu-aarch64`. The account API emulator runs outside, on loopback.

use std::path::Path;

use crate::support::chroot::EmptyRoot;
use crate::support::connection::{Connection, Fixture, assert_status_change, quote};
use crate::support::platforms::{provider_for, readelf};
use crate::support::terraform::{Output, SOURCE, required_providers};
use databricks_account_emulator::{Emulator, Options, Seed, canonical};

const C: &str = "databricks_workflow_connection.c";

/// `main.tf`: the provider pointed at `host`, and the seed's connection.
fn main_tf(host: &str) -> String {
    format!(
        "{}\nprovider \"databricks\" {{\n  host = {}\n}}\n\n{}",
        required_providers(),
        quote(host),
        Connection::canonical().block("c")
    )
}

fn status_in(state: &serde_json::Value) -> Option<String> {
    state["resources"]
        .as_array()?
        .iter()
        .find(|r| r["type"] == "databricks_workflow_connection")?["instances"][0]["attributes"]
        ["status"]
        .as_str()
        .map(str::to_owned)
}

#[track_caller]
fn assert_ok(what: &str, out: &Output) {
    assert_eq!(
        out.code,
        0,
        "`terraform {what}` failed:\n{}",
        out.combined()
    );
}

#[test]
fn the_linux_binaries_are_static_without_interpreter_or_shared_libraries() {
    for (os_arch, machine) in [
        ("linux_amd64", "Advanced Micro Devices X86-64"),
        ("linux_arm64", "AArch64"),
    ] {
        let binary = provider_for(os_arch);
        let header = std::process::Command::new("readelf")
            .arg("-hW")
            .arg(&binary)
            .output()
            .unwrap();
        let header = String::from_utf8_lossy(&header.stdout);
        assert!(header.contains(machine), "{os_arch}:\n{header}");
        let elf = readelf(&binary);
        assert!(
            !elf.contains("INTERP") && !elf.contains("program interpreter"),
            "{os_arch} asks for a program interpreter:\n{elf}"
        );
        assert!(
            !elf.contains("(NEEDED)"),
            "{os_arch} needs shared libraries:\n{elf}"
        );
    }
}

#[test]
fn the_static_amd64_provider_in_an_empty_root_applies_plans_detects_drift_and_destroys() {
    let emu = Emulator::start(Seed::canonical()).unwrap();
    let root = EmptyRoot::new(&provider_for("linux_amd64"));
    root.write("main.tf", &main_tf(&emu.url()));
    assert_eq!(
        root.listing(),
        [
            "plugins",
            "plugins/terraform-provider-databricks",
            "terraform",
            "tmp",
            "work",
            "work/cli.tfrc",
            "work/main.tf",
        ],
        "the root holds terraform, the provider and the configuration only"
    );

    assert_ok(
        "apply",
        &root.terraform(&["apply", "-auto-approve", "-no-color"], &[]),
    );
    assert_eq!(status_in(&root.state()).as_deref(), Some("verified"));
    let plan = root.terraform(&["plan", "-detailed-exitcode", "-no-color"], &[]);
    assert_eq!(plan.code, 0, "a clean plan:\n{}", plan.combined());

    emu.delete_secret(
        canonical::ACCOUNT_ID,
        canonical::SERVICE_PRINCIPAL_ID,
        canonical::SECRET_ID,
    )
    .unwrap();
    let drift = root.terraform(
        &["plan", "-refresh-only", "-detailed-exitcode", "-no-color"],
        &[],
    );
    assert_eq!(drift.code, 2, "drift is exit 2:\n{}", drift.combined());
    assert_status_change(&drift, "verified", "credentials_rejected");

    assert_ok(
        "destroy",
        &root.terraform(&["destroy", "-auto-approve", "-no-color"], &[]),
    );
    assert_eq!(
        status_in(&root.state()),
        None,
        "destroy forgot the connection"
    );
}

#[test]
fn without_a_ca_bundle_an_https_host_asks_for_ssl_cert_file_or_ssl_cert_dir_and_one_given_works() {
    let emu = Emulator::start_with(
        Seed::canonical(),
        Options {
            tls: true,
            ..Options::default()
        },
    )
    .unwrap();
    let root = EmptyRoot::new(&provider_for("linux_amd64"));
    root.write("main.tf", &main_tf(&emu.url()));

    let refused = root.terraform(&["apply", "-auto-approve", "-no-color"], &[]);
    assert_ne!(refused.code, 0, "{}", refused.combined());
    let text = refused.text();
    assert!(
        text.contains("no CA certificates were found")
            && text.contains("SSL_CERT_FILE")
            && text.contains("SSL_CERT_DIR"),
        "the error should say how to provide CA certificates:\n{}",
        refused.combined()
    );
    assert!(!text.contains("builder error"), "{}", refused.combined());
    assert_eq!(emu.calls().total(), 0, "nothing was sent");
    assert_eq!(status_in(&root.state()), None);

    // The emulator's CA, named by SSL_CERT_FILE, is all the root needs for HTTPS.
    root.write("ca.pem", emu.ca_certificate_pem().unwrap());
    let trusted = [("SSL_CERT_FILE", "/work/ca.pem")];
    assert_ok(
        "apply",
        &root.terraform(&["apply", "-auto-approve", "-no-color"], &trusted),
    );
    assert_eq!(status_in(&root.state()).as_deref(), Some("verified"));

    // What needs no HTTPS works without authorities: a destroy that revokes nothing and
    // refreshes nothing sends no request, so the missing CA bundle must not stop it.
    let calls = emu.calls().total();
    assert_ok(
        "destroy -refresh=false",
        &root.terraform(
            &["destroy", "-refresh=false", "-auto-approve", "-no-color"],
            &[],
        ),
    );
    assert_eq!(status_in(&root.state()), None);
    assert_eq!(emu.calls().total(), calls, "nothing was sent");
}

#[test]
fn an_ssl_cert_file_that_is_missing_unreadable_or_without_a_certificate_is_an_error_naming_it() {
    let emu = Emulator::start_with(
        Seed::canonical(),
        Options {
            tls: true,
            ..Options::default()
        },
    )
    .unwrap();
    let root = EmptyRoot::new(&provider_for("linux_amd64"));
    root.write("main.tf", &main_tf(&emu.url()));
    root.write("notes.txt", "no certificate in here\n");
    for (file, why) in [
        ("/work/missing.pem", "which cannot be read"),
        // A directory cannot be read as a file, even by root.
        ("/tmp", "which cannot be read"),
        ("/work/notes.txt", "which holds no usable CA certificate"),
    ] {
        let out = root.terraform(
            &["apply", "-auto-approve", "-no-color"],
            &[("SSL_CERT_FILE", file)],
        );
        assert_ne!(out.code, 0, "{}", out.combined());
        let text = out.text();
        assert!(
            text.contains(&format!("SSL_CERT_FILE names {file}, {why}")),
            "the error should name {file}:\n{}",
            out.combined()
        );
        assert_eq!(emu.calls().total(), 0, "nothing was sent");
    }
}

#[test]
fn the_static_arm64_provider_under_qemu_applies_plans_and_destroys() {
    let binary = provider_for("linux_arm64");
    let qemu = which("qemu-aarch64").unwrap_or_else(|| {
        panic!("qemu-aarch64 is not on PATH: install Debian's qemu-user (.ci/run does)")
    });
    let fx = Fixture::new();
    // Terraform starts this script as the provider; it records that it ran, then becomes
    // qemu running the arm64 binary.
    let plugins = fx.work.path().join("arm64-plugins");
    std::fs::create_dir(&plugins).unwrap();
    let started = fx.work.path().join("arm64-starts.log");
    let wrapper = plugins.join("terraform-provider-databricks");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho started >> '{}'\nexec '{}' '{}' \"$@\"\n",
            started.display(),
            qemu.display(),
            binary.display()
        ),
    )
    .unwrap();
    set_executable(&wrapper);
    fx.work.write(
        "dev.tfrc",
        &format!(
            "provider_installation {{\n  dev_overrides {{\n    \"{SOURCE}\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            plugins.display()
        ),
    );
    fx.configure(&[("c", &Connection::canonical())], "");

    fx.work.apply_clean();
    assert_eq!(fx.work.instance(C)["status"], "verified");
    let destroy = fx
        .work
        .run(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert_ok("destroy", &destroy);
    let starts = std::fs::read_to_string(&started).unwrap_or_default();
    assert!(
        starts.lines().count() >= 4,
        "every command started the arm64 provider through qemu: {starts:?}"
    );
}

fn set_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}
