//! `databricks-account-emulator [--seed FILE] [--port N] [--host ADDR [--allow-remote]] [--tls
//! [--tls-ca-file PATH]] [--quiet]`
//!
//! Prints its base URL as the first line on stdout, logs to stderr, and runs until SIGINT or
//! SIGTERM.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use databricks_account_emulator::{Emulator, Options, Seed};

const USAGE: &str = "\
usage: databricks-account-emulator [--seed FILE] [--port N] [--host ADDR [--allow-remote]]
                                   [--tls [--tls-ca-file PATH]] [--quiet]

A local stand-in for the Databricks account API (discovery, OAuth M2M token endpoint, account
SCIM service principals, service-principal OAuth secrets) plus an admin API under /_emulator/.

  --seed FILE          JSON seed (accounts, service principals, secrets, settings); default: empty
  --port N             port to listen on; default 0 (a free port)
  --host ADDR          address to bind; default 127.0.0.1; an address other machines can
                       reach (0.0.0.0, ::, a LAN address) needs --allow-remote
  --allow-remote       allow such an address: the admin API is unauthenticated, and anyone
                       who can reach the port can read every secret and change the state
  --tls                serve HTTPS with a certificate for localhost, 127.0.0.1 and ::1, signed
                       by a CA generated at start
  --tls-ca-file PATH   where --tls writes that CA certificate (PEM; trust it, e.g. with
                       SSL_CERT_FILE=PATH); a file already there is replaced, a symbolic link
                       is refused; default: ca.pem in a new private directory under the temp
                       directory, removed at exit; the path is logged to stderr
  --quiet              log only warnings (default: one line per request)
  --help               this text
  --version            the version

The first line on stdout is the base URL, e.g. http://127.0.0.1:41234 (https:// with --tls);
with --tls the CA file is written before that line is printed.";

struct Args {
    seed: Option<String>,
    port: u16,
    host: IpAddr,
    allow_remote: bool,
    quiet: bool,
    tls: bool,
    tls_ca_file: Option<PathBuf>,
}

enum Parsed {
    Run(Args),
    Exit(String),
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut args = Args {
        seed: None,
        port: 0,
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        allow_remote: false,
        quiet: false,
        tls: false,
        tls_ca_file: None,
    };
    while let Some(arg) = it.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--seed" => args.seed = Some(value("--seed")?),
            "--port" => {
                let v = value("--port")?;
                args.port = v.parse().map_err(|_| format!("invalid port {v:?}"))?;
            }
            "--host" => {
                let v = value("--host")?;
                args.host = v
                    .parse()
                    .map_err(|_| format!("invalid host address {v:?}"))?;
            }
            "--allow-remote" => args.allow_remote = true,
            "--quiet" | "-q" => args.quiet = true,
            "--tls" => args.tls = true,
            "--tls-ca-file" => args.tls_ca_file = Some(PathBuf::from(value("--tls-ca-file")?)),
            "--help" | "-h" => return Ok(Parsed::Exit(USAGE.to_owned())),
            "--version" | "-V" => {
                return Ok(Parsed::Exit(format!(
                    "databricks-account-emulator {}",
                    env!("CARGO_PKG_VERSION")
                )));
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    if args.tls_ca_file.is_some() && !args.tls {
        return Err("--tls-ca-file needs --tls".to_owned());
    }
    if !args.allow_remote && !args.host.to_canonical().is_loopback() {
        return Err(format!(
            "refusing to listen on {}, which other machines can reach: the admin API under \
             /_emulator/ is unauthenticated and reveals every secret; add --allow-remote to \
             listen there anyway",
            args.host
        ));
    }
    Ok(Parsed::Run(args))
}

/// The CA file of `--tls`. Created exclusively (`O_EXCL`) and never through a symbolic link,
/// so another user of the machine cannot plant a link that makes the emulator overwrite one
/// of its user's files.
enum CaFile {
    /// No path given: `ca.pem` in a new directory under the temp directory that only this
    /// user may enter; both removed at exit.
    Private {
        /// Removes the directory and the file when dropped.
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    /// The path the user named, left in place at exit.
    Named(PathBuf),
}

impl CaFile {
    fn write(requested: Option<&Path>, pem: &str) -> std::io::Result<CaFile> {
        match requested {
            None => CaFile::write_private(pem),
            Some(path) => {
                replace_file(path, pem)?;
                Ok(CaFile::Named(path.to_path_buf()))
            }
        }
    }

    fn write_private(pem: &str) -> std::io::Result<CaFile> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("databricks-account-emulator-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder.tempdir()?;
        let path = dir.path().join("ca.pem");
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(pem.as_bytes()))
            .map_err(|e| with_path(&path, e))?;
        Ok(CaFile::Private { _dir: dir, path })
    }

    fn path(&self) -> &Path {
        match self {
            CaFile::Private { path, .. } | CaFile::Named(path) => path,
        }
    }
}

/// Writes `contents` to a new file beside `path` and renames it over `path`: a file already
/// there (say, the CA of the last run) is replaced, never written into, so a hard link to it
/// keeps its old contents. A symbolic link or anything but a regular file at `path` is refused.
fn replace_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(with_path(
                path,
                Error::new(
                    ErrorKind::AlreadyExists,
                    "is a symbolic link, which the emulator does not write through; remove it \
                     or name another path",
                ),
            ));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(with_path(
                path,
                Error::new(ErrorKind::AlreadyExists, "exists and is not a regular file"),
            ));
        }
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(with_path(path, e)),
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".databricks-account-emulator-ca-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut file = builder.tempfile_in(dir).map_err(|e| with_path(path, e))?;
    file.write_all(contents.as_bytes())
        .map_err(|e| with_path(path, e))?;
    // A rename replaces whatever is at `path` by name, a link included: nothing is followed.
    file.persist(path).map_err(|e| with_path(path, e.error))?;
    Ok(())
}

fn with_path(path: &Path, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Run(a)) => a,
        Ok(Parsed::Exit(text)) => {
            println!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("databricks-account-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let level = if args.quiet {
        tracing::Level::WARN
    } else {
        tracing::Level::INFO
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false)
        .init();

    let seed = match &args.seed {
        Some(path) => match Seed::load(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("databricks-account-emulator: {e}");
                return ExitCode::from(2);
            }
        },
        None => Seed::default(),
    };
    let principals: usize = seed
        .accounts
        .iter()
        .map(|a| a.service_principals.len())
        .sum();
    let accounts = seed.accounts.len();
    let options = Options {
        addr: SocketAddr::new(args.host, args.port),
        tls: args.tls,
        allow_remote: args.allow_remote,
    };
    if !args.host.to_canonical().is_loopback() {
        eprintln!(
            "databricks-account-emulator: warning: listening on {}, which other machines can \
             reach. The admin API under /_emulator/ is unauthenticated: anyone who can reach \
             this port can read every secret and change the emulator's state.",
            args.host
        );
    }
    let emu = match Emulator::start_with(seed, options) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("databricks-account-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Written before the URL line, so a script that has read the URL can trust the file.
    let _ca_file = match emu.ca_certificate_pem() {
        None => None,
        Some(pem) => match CaFile::write(args.tls_ca_file.as_deref(), pem) {
            Ok(f) => {
                eprintln!(
                    "databricks-account-emulator: CA certificate: {}",
                    f.path().display()
                );
                Some(f)
            }
            Err(e) => {
                eprintln!("databricks-account-emulator: cannot write the CA certificate: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    // Listening for SIGINT/SIGTERM starts before the URL line: a script that stops the
    // emulator as soon as it has the URL must get the clean shutdown (CA file removed), not
    // the default action of a signal that arrived too early.
    let signals = match Signals::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("databricks-account-emulator: cannot listen for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The URL line is the contract with scripts: print it first and flush at once.
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{}", emu.url())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(out);
    tracing::info!(
        url = %emu.url(),
        accounts,
        service_principals = principals,
        "databricks account emulator listening"
    );

    signals.wait();
    tracing::info!("shutting down");
    emu.shutdown();
    ExitCode::SUCCESS
}

/// SIGINT and SIGTERM, listened for from [`Signals::install`] on.
struct Signals {
    rt: tokio::runtime::Runtime,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> std::io::Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let (term, int) = rt.block_on(async {
                Ok::<_, std::io::Error>((
                    signal(SignalKind::terminate())?,
                    signal(SignalKind::interrupt())?,
                ))
            })?;
            Ok(Self { rt, term, int })
        }
        #[cfg(not(unix))]
        {
            Ok(Self { rt })
        }
    }

    /// Blocks until one of the signals arrives.
    fn wait(mut self) {
        #[cfg(unix)]
        self.rt.block_on(async {
            tokio::select! {
                _ = self.term.recv() => {}
                _ = self.int.recv() => {}
            }
        });
        #[cfg(not(unix))]
        {
            let _ = self.rt.block_on(tokio::signal::ctrl_c());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: &[&str]) -> Result<Parsed, String> {
        parse_args(v.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags() {
        let Ok(Parsed::Run(a)) = parse(&["--seed", "x.json", "--port=8080", "--quiet"]) else {
            panic!("expected run");
        };
        assert_eq!(a.seed.as_deref(), Some("x.json"));
        assert_eq!(a.port, 8080);
        assert!(a.quiet);
        assert!(parse(&["--port", "nope"]).is_err());
        assert!(parse(&["--seed"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(matches!(parse(&["--help"]), Ok(Parsed::Exit(_))));
    }

    #[test]
    fn tls_flags() {
        let Ok(Parsed::Run(a)) = parse(&["--tls", "--tls-ca-file=/tmp/ca.pem"]) else {
            panic!("expected run");
        };
        assert!(a.tls);
        assert_eq!(a.tls_ca_file, Some(PathBuf::from("/tmp/ca.pem")));
        let Ok(Parsed::Run(a)) = parse(&[]) else {
            panic!("expected run");
        };
        assert!(!a.tls && a.tls_ca_file.is_none());
        assert!(
            parse(&["--tls-ca-file", "/tmp/ca.pem"]).is_err(),
            "needs --tls"
        );
        assert!(parse(&["--tls", "--tls-ca-file"]).is_err());
    }
}
