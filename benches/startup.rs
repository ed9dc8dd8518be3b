//! Start-up and schema figures of the release binary: start → handshake (median of 25
//! starts, with and without mTLS), RSS after the handshake, GetProviderSchema latency, and
//! binary size. Run with `cargo bench --bench startup`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/support/process.rs"]
#[allow(dead_code)]
mod process;

use std::time::{Duration, Instant};

use process::{ClientIdentity, ProviderProcess, provider_binary};
use terraform_provider_databricks::protocol::tfplugin6 as pb;

const STARTS: usize = 25;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort_unstable();
    xs[xs.len() / 2]
}

fn percentile(mut xs: Vec<Duration>, p: f64) -> Duration {
    xs.sort_unstable();
    let i = ((xs.len() as f64 - 1.0) * p).round() as usize;
    xs[i]
}

fn starts(client_cert: Option<&str>) -> (Vec<Duration>, Vec<u64>) {
    let mut times = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..STARTS {
        let start = Instant::now();
        let provider = ProviderProcess::start(client_cert);
        times.push(start.elapsed());
        rss.push(rss_kib(provider.child.id()));
    }
    (times, rss)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let binary = provider_binary();
    let size = std::fs::metadata(&binary).map(|m| m.len()).unwrap_or(0);
    let identity = ClientIdentity::go_plugin_like();

    let (plain, plain_rss) = starts(None);
    let (mtls, mtls_rss) = starts(Some(&identity.pem));

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (first, warm) = runtime.block_on(async {
        let provider = ProviderProcess::start(Some(&identity.pem));
        let start = Instant::now();
        let channel = provider.tls_channel(Some(&identity)).await.unwrap();
        let mut client = pb::provider_client::ProviderClient::new(channel);
        client
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .unwrap();
        let first = start.elapsed();
        let mut warm = Vec::new();
        for _ in 0..500 {
            let t = Instant::now();
            client
                .get_provider_schema(pb::get_provider_schema::Request {})
                .await
                .unwrap();
            warm.push(t.elapsed());
        }
        (first, warm)
    });

    println!("terraform-provider-databricks start-up benchmark ({STARTS} starts per mode)");
    println!("binary: {} ({:.2} MB)", binary.display(), size as f64 / 1e6);
    println!(
        "start -> handshake, plaintext: median {:.2} ms, p90 {:.2} ms",
        ms(median(plain.clone())),
        ms(percentile(plain, 0.9))
    );
    println!(
        "start -> handshake, mTLS:      median {:.2} ms, p90 {:.2} ms",
        ms(median(mtls.clone())),
        ms(percentile(mtls, 0.9))
    );
    println!(
        "RSS after handshake: plaintext median {} KiB, mTLS median {} KiB",
        median_u64(plain_rss),
        median_u64(mtls_rss)
    );
    println!(
        "GetProviderSchema over mTLS: first call incl. connect {:.2} ms",
        ms(first)
    );
    println!(
        "GetProviderSchema warm: median {:.3} ms, p99 {:.3} ms (500 calls)",
        ms(median(warm.clone())),
        ms(percentile(warm, 0.99))
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median_u64(mut xs: Vec<u64>) -> u64 {
    xs.sort_unstable();
    xs[xs.len() / 2]
}
