//! The `terraform-provider-databricks` executable: started by Terraform (or by a person with
//! `--debug`), it serves the provider over go-plugin's gRPC transport.

use std::process::ExitCode;

use clap::Parser;
use terraform_provider_databricks::transport::listener::TRANSPORT_VARIABLE;
use terraform_provider_databricks::transport::tcp::{MAX_PORT_VARIABLE, MIN_PORT_VARIABLE};
use terraform_provider_databricks::transport::{
    self, Mode, ServeOptions, Transport, handshake, logging,
};

/// The static Linux builds replace musl's allocator, which is slow under threads
/// (BENCHMARKS.md, "Static Linux build").
#[cfg(target_env = "musl")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    version,
    about = "Terraform provider for Okta Workflows' Databricks connections"
)]
struct Args {
    /// Serve without Terraform starting the process, and print the TF_REATTACH_PROVIDERS
    /// value to use in another shell.
    #[arg(long)]
    debug: bool,
}

fn main() -> ExitCode {
    // Go-style `-debug` is what Terraform provider authors type; clap only knows `--debug`.
    let args = Args::parse_from(
        std::env::args().map(|a| if a == "-debug" { "--debug".into() } else { a }),
    );
    logging::init(logging::level_from_env(|name| std::env::var(name).ok()));

    let mode = if args.debug {
        Mode::Debug
    } else {
        if !handshake::cookie_is_valid(std::env::var(handshake::MAGIC_COOKIE_KEY).ok().as_deref()) {
            eprintln!("{}", handshake::NOT_A_PROGRAM);
            return ExitCode::FAILURE;
        }
        if let Err(reason) =
            handshake::negotiate_protocol(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref())
        {
            eprintln!("{reason}");
            return ExitCode::FAILURE;
        }
        Mode::Managed {
            client_cert: std::env::var("PLUGIN_CLIENT_CERT")
                .ok()
                .filter(|pem| !pem.trim().is_empty()),
        }
    };
    let transport = match Transport::from_env(std::env::var(TRANSPORT_VARIABLE).ok().as_deref()) {
        Ok(transport) => transport,
        Err(e) => {
            eprintln!("terraform-provider-databricks: {e}");
            return ExitCode::FAILURE;
        }
    };
    let options = ServeOptions {
        mode,
        transport,
        #[cfg(unix)]
        socket_parent: std::env::var_os("PLUGIN_UNIX_SOCKET_DIR").map(Into::into),
        min_port: std::env::var(MIN_PORT_VARIABLE).ok(),
        max_port: std::env::var(MAX_PORT_VARIABLE).ok(),
    };

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let routes = terraform_provider_databricks::provider_routes();
    match runtime.block_on(transport::serve(routes, options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "provider failed");
            eprintln!("terraform-provider-databricks: {e}");
            ExitCode::FAILURE
        }
    }
}
