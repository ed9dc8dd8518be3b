//! The command line.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use clap::Parser;

/// A local stand-in for the Databricks account API: discovery, the OAuth M2M token endpoint,
/// account SCIM service principals and service-principal OAuth secrets, plus an admin API
/// under /_emulator/.
#[derive(Debug, Parser)]
#[command(
    name = "databricks-account-emulator",
    version,
    after_help = "The first line on stdout is the base URL, e.g. http://127.0.0.1:41234 \
                  (https:// with --tls); with --tls the CA file is written before that line. \
                  Logs go to stderr. Runs until SIGINT or SIGTERM."
)]
pub(crate) struct Cli {
    /// JSON seed: accounts, service principals, secrets, settings [default: empty state]
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,

    /// Port to listen on; 0 picks a free one
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub port: u16,

    /// Address to bind. One that other machines can reach (0.0.0.0, ::, a LAN address) needs
    /// --allow-remote
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub host: IpAddr,

    /// Allow a --host that other machines can reach. The admin API is unauthenticated: anyone
    /// who can reach the port can read every secret and change the state
    #[arg(long)]
    pub allow_remote: bool,

    /// Serve HTTPS with a certificate for localhost, 127.0.0.1 and ::1, signed by a CA
    /// generated at start
    #[arg(long)]
    pub tls: bool,

    /// Where --tls writes that CA certificate (PEM; trust it, e.g. with SSL_CERT_FILE=PATH). A
    /// file already there is replaced, a symbolic link is refused [default: ca.pem in a new
    /// private directory under the temp directory, removed at exit; the path is logged to
    /// stderr]
    #[arg(long, value_name = "PATH", requires = "tls")]
    pub tls_ca_file: Option<PathBuf>,

    /// Log only warnings [default: one line per request]
    #[arg(long, short)]
    pub quiet: bool,
}

impl Cli {
    /// Whether `--host` is an address other machines can reach.
    pub fn host_is_remote(&self) -> bool {
        !self.host.to_canonical().is_loopback()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(
            std::iter::once("databricks-account-emulator").chain(args.iter().copied()),
        )
    }

    #[test]
    fn the_command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_take_separate_or_inline_values() {
        let cli = parse(&["--seed", "x.json", "--port=8080", "--quiet"]).unwrap();
        assert_eq!(cli.seed, Some(PathBuf::from("x.json")));
        assert_eq!(cli.port, 8080);
        assert!(cli.quiet);
        assert!(parse(&["-q"]).unwrap().quiet);
        let cli = parse(&["--host", "::1", "--allow-remote"]).unwrap();
        assert_eq!(cli.host, IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]));
        assert!(cli.allow_remote);
    }

    #[test]
    fn defaults_are_loopback_a_free_port_and_plain_http() {
        let cli = parse(&[]).unwrap();
        assert_eq!(cli.host, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(cli.port, 0);
        assert!(!cli.host_is_remote());
        assert!(!cli.tls && cli.tls_ca_file.is_none() && cli.seed.is_none());
    }

    #[test]
    fn bad_values_and_unknown_flags_are_errors() {
        for args in [
            &["--port", "nope"][..],
            &["--port", "65536"][..],
            &["--host", "localhost"][..],
            &["--seed"][..],
            &["--bogus"][..],
            &["--tls", "--tls-ca-file"][..],
        ] {
            assert!(parse(args).is_err(), "{args:?}");
        }
    }

    #[test]
    fn tls_ca_file_needs_tls() {
        let cli = parse(&["--tls", "--tls-ca-file=/tmp/ca.pem"]).unwrap();
        assert!(cli.tls);
        assert_eq!(cli.tls_ca_file, Some(PathBuf::from("/tmp/ca.pem")));
        let err = parse(&["--tls-ca-file", "/tmp/ca.pem"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn help_and_version_are_answers_not_errors() {
        assert_eq!(
            parse(&["--help"]).unwrap_err().kind(),
            ErrorKind::DisplayHelp
        );
        assert_eq!(
            parse(&["-V"]).unwrap_err().kind(),
            ErrorKind::DisplayVersion
        );
    }

    #[test]
    fn remote_addresses_are_recognised() {
        for host in ["0.0.0.0", "::", "192.0.2.10"] {
            assert!(parse(&["--host", host]).unwrap().host_is_remote(), "{host}");
        }
        for host in ["127.0.0.2", "::1", "::ffff:127.0.0.1"] {
            assert!(
                !parse(&["--host", host]).unwrap().host_is_remote(),
                "{host}"
            );
        }
    }
}
