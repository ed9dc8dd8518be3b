//! Installs the way organisations install providers, from the release zips: a filesystem
//! mirror (`terraform providers lock -fs-mirror=… -platform=…` writes a team's lock file for
//! every released platform, then `terraform init` installs from the mirror with that lock
//! file, offline), and a network mirror (`scripts/network-mirror.sh` writes its files from
//! the zips; a static HTTPS server serves them). The CLI configurations are the README's and the docs'
//! (`examples/installation/`), with the test's directory and URL in place of theirs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::support::connection::{Connection, Fixture, quote};
use crate::support::platforms::release_into;
use crate::support::terraform::{Output, SOURCE};

const VERSION: &str = env!("CARGO_PKG_VERSION");
/// What `scripts/release.sh` builds on Linux.
const RELEASED: [&str; 3] = ["linux_amd64", "linux_arm64", "windows_amd64"];
const C: &str = "databricks_workflow_connection.c";

/// The release zips in the packed layout of a filesystem mirror:
/// `<mirror>/terraform.local/okta-workflows/databricks/<zip>`.
fn filesystem_mirror(dir: &Path) -> PathBuf {
    let dist = dir.join("dist");
    release_into(&dist);
    let mirror = dir.join("mirror");
    let provider_dir = mirror.join(SOURCE);
    std::fs::create_dir_all(&provider_dir).unwrap();
    for platform in RELEASED {
        let zip = format!("terraform-provider-databricks_{VERSION}_{platform}.zip");
        std::fs::copy(dist.join(&zip), provider_dir.join(&zip)).unwrap();
    }
    mirror
}

/// An example of `examples/installation/` with `from` replaced by `to`.
fn example(name: &str, from: &str, to: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/installation")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(from),
        "{} no longer says {from}",
        path.display()
    );
    text.replace(from, to)
}

/// The filesystem mirror example, for `mirror`.
fn filesystem_mirror_config(mirror: &Path) -> String {
    example(
        "filesystem-mirror.tfrc",
        "\"/usr/share/terraform/providers\"",
        &quote(mirror.to_str().unwrap()),
    )
}

/// A configuration that asks for this version of the provider (no dev_overrides), and the
/// CLI configuration `cli_config`.
fn configure(fx: &Fixture, cli_config: &str) {
    fx.work.write("dev.tfrc", cli_config);
    fx.work.write(
        "main.tf",
        &format!(
            "terraform {{\n  required_providers {{\n    databricks = {{\n      source  = \"{SOURCE}\"\n      version = \"{VERSION}\"\n    }}\n  }}\n}}\n\n\
             provider \"databricks\" {{\n  host = {}\n}}\n\n{}",
            quote(&fx.emu.url()),
            Connection::canonical().block("c")
        ),
    );
}

fn platform_args() -> Vec<String> {
    RELEASED.iter().map(|p| format!("-platform={p}")).collect()
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

/// The `h1:` hashes of the provider in the lock file: one per platform.
fn locked_hashes(fx: &Fixture) -> Vec<String> {
    let lock =
        std::fs::read_to_string(fx.work.path().join(".terraform.lock.hcl")).expect("a lock file");
    assert!(lock.contains(&format!("provider \"{SOURCE}\"")), "{lock}");
    assert!(
        lock.contains(&format!("version     = \"{VERSION}\"")),
        "{lock}"
    );
    let mut hashes: Vec<String> = lock
        .lines()
        .filter_map(|l| l.trim().strip_prefix('"'))
        .filter(|l| l.starts_with("h1:"))
        .map(|l| l.trim_end_matches(',').trim_end_matches('"').to_owned())
        .collect();
    hashes.sort();
    hashes.dedup();
    hashes
}

#[test]
fn a_team_lock_file_for_every_released_platform_comes_from_a_filesystem_mirror_and_init_installs_offline()
 {
    let fx = Fixture::new();
    let mirror = filesystem_mirror(fx.work.path());
    configure(&fx, &filesystem_mirror_config(&mirror));

    let mut lock_args = vec![
        "providers".to_owned(),
        "lock".to_owned(),
        format!("-fs-mirror={}", mirror.display()),
    ];
    lock_args.extend(platform_args());
    let lock_args: Vec<&str> = lock_args.iter().map(String::as_str).collect();
    assert_ok("providers lock", &fx.work.run(&lock_args));
    let hashes = locked_hashes(&fx);
    assert_eq!(
        hashes.len(),
        RELEASED.len(),
        "one h1 hash per platform: {hashes:?}"
    );
    let lock_before = std::fs::read(fx.work.path().join(".terraform.lock.hcl")).unwrap();

    let init = fx.work.run(&["init", "-input=false", "-no-color"]);
    assert_ok("init", &init);
    assert!(
        init.stdout
            .contains(&format!("Installed {SOURCE} v{VERSION}")),
        "{}",
        init.combined()
    );
    assert_eq!(
        std::fs::read(fx.work.path().join(".terraform.lock.hcl")).unwrap(),
        lock_before,
        "init accepted the team's lock file as it was"
    );

    // The provider installed from the mirror (the static linux_amd64 build) does the work.
    fx.work.apply_clean();
    assert_eq!(fx.work.instance(C)["status"], "verified");
    assert_ok(
        "destroy",
        &fx.work
            .run(&["destroy", "-auto-approve", "-input=false", "-no-color"]),
    );
}

/// A static HTTPS file server (Python's http.server) on 127.0.0.1, with a certificate of a
/// throwaway CA; stopped on drop.
struct StaticHttps {
    child: Child,
    url: String,
    ca: PathBuf,
}

impl StaticHttps {
    fn serve(root: &Path, scratch: &Path) -> Self {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "mirror test CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, &ca_key);
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
        let cert = params.signed_by(&key, &issuer).unwrap();
        let ca = scratch.join("mirror-ca.pem");
        std::fs::write(&ca, ca_cert.pem()).unwrap();
        std::fs::write(scratch.join("mirror-cert.pem"), cert.pem()).unwrap();
        std::fs::write(scratch.join("mirror-key.pem"), key.serialize_pem()).unwrap();

        let mut child = Command::new("python3")
            .args([
                "-c",
                "import functools, http.server, ssl, sys\n\
                 handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])\n\
                 server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)\n\
                 tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
                 tls.load_cert_chain(sys.argv[2], sys.argv[3])\n\
                 server.socket = tls.wrap_socket(server.socket, server_side=True)\n\
                 print(server.server_address[1], flush=True)\n\
                 server.serve_forever()\n",
            ])
            .arg(root)
            .arg(scratch.join("mirror-cert.pem"))
            .arg(scratch.join("mirror-key.pem"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run python3");
        let mut port = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut port)
            .unwrap();
        let port: u16 = port
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("the server printed no port ({e}): {port:?}"));
        Self {
            child,
            url: format!("https://127.0.0.1:{port}/"),
            ca,
        }
    }
}

impl Drop for StaticHttps {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_release_zips_as_a_network_mirror_on_a_static_https_host_install_with_a_team_lock_file() {
    let fx = Fixture::new();
    let mirror = filesystem_mirror(fx.work.path());
    configure(&fx, &filesystem_mirror_config(&mirror));
    // The network mirror's files, from the release zips, as the docs say.
    let site = fx.work.path().join("site");
    let publish = example(
        "publish-network-mirror.sh",
        "bash scripts/network-mirror.sh dist ./site",
        &format!(
            "bash scripts/network-mirror.sh {} {}",
            fx.work.path().join("dist").display(),
            site.display()
        ),
    );
    let out = Command::new("bash")
        .args(["-c", &publish])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let versions: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.join(SOURCE).join(format!("{VERSION}.json"))).unwrap(),
    )
    .unwrap();
    for platform in RELEASED {
        assert!(
            versions["archives"][platform]["url"].is_string(),
            "{platform} in {versions}"
        );
    }

    let server = StaticHttps::serve(&site, fx.work.path());
    configure(
        &fx,
        &example(
            "network-mirror.tfrc",
            "\"https://terraform-mirror.example.com/providers/\"",
            &quote(&server.url),
        ),
    );
    // Terraform trusts the mirror's CA through SSL_CERT_FILE, as it would a company CA.
    let trust = [("SSL_CERT_FILE", server.ca.to_str().unwrap())];
    let mut lock_args = vec![
        "providers".to_owned(),
        "lock".to_owned(),
        format!("-net-mirror={}", server.url),
    ];
    lock_args.extend(platform_args());
    let lock_args: Vec<&str> = lock_args.iter().map(String::as_str).collect();
    assert_ok("providers lock", &fx.work.run_with(&lock_args, &trust));
    assert_eq!(locked_hashes(&fx).len(), RELEASED.len());

    let init = fx
        .work
        .run_with(&["init", "-input=false", "-no-color"], &trust);
    assert_ok("init", &init);
    assert!(
        init.stdout
            .contains(&format!("Installed {SOURCE} v{VERSION}")),
        "{}",
        init.combined()
    );
}

/// The documented lock command names every platform a release holds, the two built on macOS
/// too.
#[test]
fn the_documented_lock_command_names_every_released_platform() {
    let text = example(
        "lock-every-platform.sh",
        "terraform providers lock",
        "terraform providers lock",
    );
    let mut platforms: Vec<&str> = text
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("-platform="))
        .collect();
    platforms.sort_unstable();
    assert_eq!(
        platforms,
        [
            "darwin_amd64",
            "darwin_arm64",
            "linux_amd64",
            "linux_arm64",
            "windows_amd64"
        ]
    );
}
