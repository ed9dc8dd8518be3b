//! Verification throughput against the in-process emulator: verifications per second with 10
//! concurrent workers, at 0 ms and 20 ms injected latency, with the connection's own secret and
//! with management credentials, and the HTTP calls each verification costs (emulator counts).
//! Also one run at the default rate limit of 15 requests/s. About 20 s in all.
//!
//! Run: `cargo bench -p databricks-account-client --bench verify`

use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use databricks_account_client::{
    CancellationToken, Client, ClientConfig, ClientCredentials, Cloud, SecretString, VerifyInput,
    VerifyStatus, VerifyWith, parse_host,
};
use databricks_account_emulator::{
    Emulator, Latency, NewSecret, NewServicePrincipal, Seed, canonical,
};

const WORKERS: usize = 10;
const RUN: Duration = Duration::from_secs(2);

#[derive(Clone, Copy)]
enum Mode {
    Own,
    Management,
}

fn main() -> Result<(), Box<dyn Error>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run())
}

async fn run() -> Result<(), Box<dyn Error>> {
    let emu = Emulator::start(Seed::canonical())?;
    // One connection per worker, so concurrent verifications are distinct (no coalescing).
    let mut connections = Vec::new();
    for _ in 0..WORKERS {
        let sp = emu.add_service_principal(
            canonical::ACCOUNT_ID,
            NewServicePrincipal {
                roles: vec!["account_admin".into()],
                secrets: vec![NewSecret::default()],
                ..NewServicePrincipal::default()
            },
        )?;
        let secret = sp.secrets.first().ok_or("principal without secret")?;
        connections.push(VerifyInput::new(
            Cloud::Aws,
            canonical::ACCOUNT_ID,
            Some(sp.application_id.clone()),
            sp.id.clone(),
            secret.id.clone(),
            VerifyWith::OwnSecret(SecretString::new(secret.secret.clone())),
        ));
    }
    let connections = Arc::new(connections);

    println!(
        "verify throughput, {WORKERS} concurrent workers, {} s per line",
        RUN.as_secs()
    );
    for latency_ms in [0u64, 20] {
        emu.set_latency((latency_ms > 0).then(|| Latency::fixed(latency_ms)));
        for mode in [Mode::Own, Mode::Management] {
            measure(&emu, &connections, mode, latency_ms, 1_000_000).await?;
        }
    }
    emu.set_latency(None);
    measure(&emu, &connections, Mode::Own, 0, 15).await?;
    Ok(())
}

async fn measure(
    emu: &Emulator,
    connections: &Arc<Vec<VerifyInput>>,
    mode: Mode,
    latency_ms: u64,
    rate_limit: u32,
) -> Result<(), Box<dyn Error>> {
    let mut config = ClientConfig::new("verify-bench", env!("CARGO_PKG_VERSION"))?;
    config.host = Some(parse_host(&emu.url())?);
    config.rate_limit = rate_limit;
    // Measure the checks themselves: without this, management verifies of the few seeded
    // principals would be answered from the shared reads after the first round.
    config.management_read_reuse = std::time::Duration::ZERO;
    let client = Client::new(config)?;
    let management = ClientCredentials::new(canonical::APPLICATION_ID, canonical::SECRET);

    // Warm-up: connections open, the management token cached.
    for input in connections.iter() {
        client
            .verify(
                &with_mode(input, mode, &management),
                &CancellationToken::new(),
            )
            .await?;
    }
    emu.reset_calls();

    let started = Instant::now();
    let mut workers = Vec::new();
    for i in 0..WORKERS {
        let (client, connections, management) =
            (client.clone(), Arc::clone(connections), management.clone());
        workers.push(tokio::spawn(async move {
            let (mut ok, mut failed) = (0u64, 0u64);
            let Some(input) = connections.get(i) else {
                return (ok, failed);
            };
            let input = with_mode(input, mode, &management);
            while started.elapsed() < RUN {
                match client.verify(&input, &CancellationToken::new()).await {
                    Ok(o) if o.status == VerifyStatus::Verified => ok += 1,
                    _ => failed += 1,
                }
            }
            (ok, failed)
        }));
    }
    let (mut ok, mut failed) = (0u64, 0u64);
    for w in workers {
        let (o, f) = w.await?;
        ok += o;
        failed += f;
    }
    let secs = started.elapsed().as_secs_f64();
    let calls = emu.calls();
    let per = |n: u64| n as f64 / ok.max(1) as f64;
    println!(
        "latency {latency_ms:>2} ms, {:<10} rate limit {rate_limit:>7}/s: {:>7.1} verifications/s ({ok} ok, {failed} failed); HTTP calls per verify: {:.2} (token {:.2}, SCIM {:.2}, secrets {:.2})",
        match mode {
            Mode::Own => "own secret",
            Mode::Management => "management",
        },
        ok as f64 / secs,
        per(calls.total()),
        per(calls.token),
        per(calls.scim_get),
        per(calls.secrets_list),
    );
    Ok(())
}

fn with_mode(input: &VerifyInput, mode: Mode, management: &ClientCredentials) -> VerifyInput {
    match mode {
        Mode::Own => input.clone(),
        Mode::Management => {
            let mut input = input.clone();
            input.credentials = VerifyWith::Management(management.clone());
            input
        }
    }
}
