//! `databricks-account-emulator`: serves the account API emulator until SIGINT or SIGTERM.
//! Prints its base URL as the first line on stdout and logs to stderr (`--help` for the
//! flags).

mod ca_file;
mod cli;
mod signals;

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use databricks_account_emulator::{Emulator, Options, Seed};

use ca_file::CaFile;
use cli::Cli;
use signals::Signals;

fn main() -> ExitCode {
    // Bad arguments exit 2, --help and --version exit 0 (clap's convention).
    let args = Cli::parse();
    if args.host_is_remote() && !args.allow_remote {
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "refusing to listen on {}, which other machines can reach: the admin API \
                     under /_emulator/ is unauthenticated and reveals every secret; add \
                     --allow-remote to listen there anyway",
                    args.host
                ),
            )
            .exit();
    }
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
    if args.host_is_remote() {
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
