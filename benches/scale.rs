//! Scale benchmark: N connections spread over P service principals of one account go through
//! `terraform apply`, `terraform plan` (with refresh), `terraform plan -refresh-only` and
//! `terraform destroy` against the in-process account API emulator, once per latency setting.
//! Before the destroy, `terraform plan -refresh-only` runs once more per credential kind named
//! by `--refresh-with`, each in a new provider process (as Terraform starts one per command)
//! at the rate limit of `--refresh-rate-limit` (by default the provider's own, 15 requests/s):
//! with each connection's own secret (no management credentials in the provider block) and
//! with the management credentials. These are the "seconds per plan" figures.
//!
//! ```sh
//! cargo bench --bench scale -- [--connections N] [--principals P] [--latency-ms L[,L2]] \
//!     [--parallelism K] [--rate-limit R|default] [--refresh-with own,management|none] \
//!     [--refresh-rate-limit R|default] [--provider-binary PATH]
//! ```
//!
//! For each phase it prints wall time, the provider's CPU time and peak RSS, Terraform's CPU
//! time, the emulator's CPU time, the machine's load average before and after (it is shared)
//! and the HTTP calls per connection by endpoint, and checks the call budgets README's "How a connection is checked" promises (create
//! ≤ 3 calls per connection; refresh with management credentials ≤ 1 token per account + 2
//! calls per distinct principal; refresh with the connection's own secret ≤ 2 calls per
//! connection, token + SCIM read, no secret list; provider peak RSS ≤ 20 MB).
//!
//! How it measures:
//! - The provider is started once per latency setting with `--debug` and Terraform attaches to
//!   it through `TF_REATTACH_PROVIDERS`, so one process serves apply, both plans and destroy
//!   and is never started or stopped by Terraform. Each `--refresh-with` phase gets a process
//!   of its own, started before it and stopped after it, with `main.tf` rewritten for its
//!   provider block (and written back afterwards), so no token, shared read or rate-limit
//!   setting carries over from the other phases. Its CPU time is `utime + stime` of
//!   `/proc/<pid>/stat` before and after a phase; its peak RSS is `VmHWM` of
//!   `/proc/<pid>/status`, reset before each phase by writing `5` to `/proc/<pid>/clear_refs`
//!   (when the kernel refuses, the peak is the process's peak so far and the table says so).
//! - Terraform's CPU time is the growth of this process's `cutime + cstime`
//!   (`/proc/self/stat`) across one Terraform run: the run is the only child reaped meanwhile.
//! - The emulator runs in this process; its CPU time is this process's own `utime + stime`
//!   growth (the main thread only waits meanwhile).
//! - HTTP calls come from the emulator's call counters, reset before each phase.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/support/process.rs"]
#[allow(dead_code)]
mod process;
#[path = "../tests/support/terraform.rs"]
#[allow(dead_code)]
mod terraform;

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use databricks_account_emulator::{
    ACCOUNT_ADMIN, Account, CallCounts, Emulator, Latency, NewSecret, NewServicePrincipal, Seed,
    ServicePrincipal, Settings, canonical,
};
use process::DebugProvider;
use terraform::{Output, Workdir, required_providers, terraform_binary};

/// Create costs at most a token, a SCIM GET and one secret-list page.
const CREATE_CALLS_PER_CONNECTION: f64 = 3.0;
/// A refresh with management credentials costs at most one token per account...
const REFRESH_TOKENS_PER_ACCOUNT: u64 = 1;
/// ...plus one SCIM GET and one secret list per distinct service principal.
const REFRESH_CALLS_PER_PRINCIPAL: u64 = 2;
/// A refresh with the connection's own secret, once the state holds the secret's
/// times, costs a token and a SCIM GET: no secret list.
const OWN_REFRESH_CALLS_PER_CONNECTION: f64 = 2.0;
/// Provider peak RSS budget: 20 MB (10^6 bytes).
const RSS_BUDGET_BYTES: u64 = 20_000_000;
/// The provider's rate limit when the provider block and `DATABRICKS_RATE_LIMIT` leave it out
/// (README, provider configuration). Used only to label figures and compute the floor.
const DEFAULT_RATE_LIMIT: u32 = 15;

/// The credentials a refresh checks with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Credentials {
    /// Each connection's own client ID and secret: no management credentials configured.
    Own,
    /// The provider block's management credentials.
    Management,
}

impl Credentials {
    fn key(self) -> &'static str {
        match self {
            Credentials::Own => "own",
            Credentials::Management => "management",
        }
    }
}

struct Options {
    connections: usize,
    principals: usize,
    latencies_ms: Vec<u64>,
    parallelism: usize,
    /// Rate limit of apply, plan, refresh-only plan and destroy. `None`: leave the
    /// provider's default (15 requests per second per host).
    rate_limit: Option<u32>,
    /// One refresh-only plan in a new provider process per entry, before the destroy.
    refresh_with: Vec<Credentials>,
    /// Rate limit of the `refresh_with` plans (`None`: the provider's default).
    refresh_rate_limit: Option<u32>,
    /// The provider executable: this build's by default, or another build (e.g. the static
    /// linux_amd64 one, `target/x86_64-unknown-linux-musl/release/…`) to compare.
    provider_binary: std::path::PathBuf,
}

impl Options {
    fn parse() -> Self {
        let mut o = Options {
            connections: 1000,
            principals: 50,
            latencies_ms: vec![0, 20],
            parallelism: 10,
            rate_limit: Some(10_000),
            refresh_with: vec![Credentials::Own, Credentials::Management],
            refresh_rate_limit: None,
            provider_binary: process::provider_binary(),
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (arg.clone(), None),
            };
            let mut value = |what: &str| {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .unwrap_or_else(|| usage(&format!("{what} needs a value")))
            };
            match name.as_str() {
                // `cargo bench` adds `--bench`.
                "--bench" => {}
                "--connections" => o.connections = number(&value("--connections")),
                "--principals" => o.principals = number(&value("--principals")),
                "--parallelism" => o.parallelism = number(&value("--parallelism")),
                "--latency-ms" => {
                    o.latencies_ms = value("--latency-ms")
                        .split(',')
                        .map(|s| number(s.trim()))
                        .collect();
                }
                "--rate-limit" => o.rate_limit = rate_limit(&value("--rate-limit")),
                "--refresh-rate-limit" => {
                    o.refresh_rate_limit = rate_limit(&value("--refresh-rate-limit"));
                }
                "--refresh-with" => {
                    let v = value("--refresh-with");
                    o.refresh_with = Vec::new();
                    for kind in v.split(',').map(str::trim).filter(|k| *k != "none") {
                        let c = match kind {
                            "own" => Credentials::Own,
                            "management" => Credentials::Management,
                            other => usage(&format!(
                                "--refresh-with takes own, management or none; got {other:?}"
                            )),
                        };
                        if !o.refresh_with.contains(&c) {
                            o.refresh_with.push(c);
                        }
                    }
                }
                "--provider-binary" => {
                    o.provider_binary = value("--provider-binary").into();
                    if !o.provider_binary.is_file() {
                        usage(&format!(
                            "no provider binary at {}",
                            o.provider_binary.display()
                        ));
                    }
                }
                "--help" | "-h" => usage(""),
                other => usage(&format!("unknown argument {other:?}")),
            }
        }
        if o.connections == 0 || o.principals == 0 || o.parallelism == 0 {
            usage("--connections, --principals and --parallelism must be at least 1");
        }
        if o.principals > o.connections {
            usage("--principals must not exceed --connections");
        }
        if o.latencies_ms.is_empty() {
            usage("--latency-ms needs at least one value");
        }
        o
    }

    fn secrets_per_principal(&self) -> usize {
        self.connections.div_ceil(self.principals)
    }
}

/// `default` (the provider's own rate limit) or a number of requests per second.
fn rate_limit(v: &str) -> Option<u32> {
    if v == "default" {
        None
    } else {
        Some(number(v))
    }
}

fn rate_label(r: Option<u32>) -> String {
    r.map(|r| format!("{r} requests/s"))
        .unwrap_or_else(|| format!("default ({DEFAULT_RATE_LIMIT} requests/s)"))
}

fn number<T: std::str::FromStr>(s: &str) -> T {
    s.parse()
        .unwrap_or_else(|_| usage(&format!("{s:?} is not a number")))
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("error: {problem}");
    }
    eprintln!(
        "usage: cargo bench --bench scale -- [--connections N (1000)] [--principals P (50)] \
         [--latency-ms L[,L2] (0,20)] [--parallelism K (10)] [--rate-limit R|default (10000)] \
         [--refresh-with own,management|none (own,management)] \
         [--refresh-rate-limit R|default (default)] [--provider-binary PATH (this build)]"
    );
    std::process::exit(if problem.is_empty() { 0 } else { 2 });
}

/// One connection's arguments.
struct Conn {
    client_id: String,
    client_secret: String,
    service_principal_id: String,
    secret_id: String,
}

/// What the emulator holds for one run.
struct Fixture {
    emulator: Emulator,
    connections: Vec<Conn>,
    management: (String, String),
}

fn fixture(o: &Options) -> Fixture {
    let settings = Settings {
        max_secrets_per_service_principal: o.secrets_per_principal().max(5) + 1,
        ..Settings::default()
    };
    let emulator = Emulator::start(
        Seed::new()
            .with_settings(settings)
            .with_account(Account::new(canonical::ACCOUNT_ID)),
    )
    .unwrap();
    let add = |name: String, secrets: usize| -> ServicePrincipal {
        emulator
            .add_service_principal(
                canonical::ACCOUNT_ID,
                NewServicePrincipal {
                    display_name: Some(name),
                    roles: vec![ACCOUNT_ADMIN.into()],
                    secrets: vec![NewSecret::default(); secrets],
                    ..Default::default()
                },
            )
            .unwrap()
    };
    let principals: Vec<ServicePrincipal> = (0..o.principals)
        .map(|p| add(format!("scale-{p:03}"), o.secrets_per_principal()))
        .collect();
    let management = add("terraform-management".into(), 1);
    // Round robin: neighbouring connections use different principals, so nothing in the
    // configuration's order helps concurrent reads of one principal meet.
    let connections = (0..o.connections)
        .map(|i| {
            let sp = &principals[i % o.principals];
            let secret = &sp.secrets[i / o.principals];
            Conn {
                client_id: sp.application_id.clone(),
                client_secret: secret.secret.clone(),
                service_principal_id: sp.id.clone(),
                secret_id: secret.id.clone(),
            }
        })
        .collect();
    Fixture {
        emulator,
        connections,
        management: (
            management.application_id.clone(),
            management.secrets[0].secret.clone(),
        ),
    }
}

/// The configuration: `host` always; the management credentials only with
/// [`Credentials::Management`]; `rate_limit` only when `rate_limit` is `Some`.
fn main_tf(f: &Fixture, credentials: Credentials, rate_limit: Option<u32>) -> String {
    let rate_limit = rate_limit
        .map(|r| format!("  rate_limit    = {r}\n"))
        .unwrap_or_default();
    let management = match credentials {
        Credentials::Management => format!(
            "  account_id    = \"{}\"\n  client_id     = \"{}\"\n  client_secret = \"{}\"\n",
            canonical::ACCOUNT_ID,
            f.management.0,
            f.management.1,
        ),
        Credentials::Own => String::new(),
    };
    format!(
        "{}\nprovider \"databricks\" {{\n  host          = \"{}\"\n{management}{rate_limit}}}\n\n\
         locals {{\n  connections = jsondecode(file(\"${{path.module}}/connections.json\"))\n}}\n\n\
         resource \"databricks_workflow_connection\" \"c\" {{\n  for_each             = local.connections\n  \
         name                 = each.key\n  cloud_provider       = \"aws\"\n  \
         account_id           = \"{}\"\n  client_id            = each.value.client_id\n  \
         client_secret        = each.value.client_secret\n  \
         service_principal_id = each.value.service_principal_id\n  \
         secret_id            = each.value.secret_id\n}}\n",
        required_providers(),
        f.emulator.url(),
        canonical::ACCOUNT_ID,
    )
}

fn connections_json(f: &Fixture) -> String {
    let map: serde_json::Map<String, serde_json::Value> = f
        .connections
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                format!("conn-{i:05}"),
                serde_json::json!({
                    "client_id": c.client_id,
                    "client_secret": c.client_secret,
                    "service_principal_id": c.service_principal_id,
                    "secret_id": c.secret_id,
                }),
            )
        })
        .collect();
    serde_json::to_string(&map).unwrap()
}

/// Fields of `/proc/<pid>/stat` after the command name (field 3, the state, is index 0).
fn stat_fields(pid: &str) -> Vec<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let rest = &text[text.rfind(')').unwrap() + 2..];
    rest.split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect()
}

/// (utime + stime, cutime + cstime) in clock ticks.
fn cpu_ticks(pid: &str) -> (u64, u64) {
    let f = stat_fields(pid);
    // Fields 14-17 of proc(5) are utime, stime, cutime, cstime: indices 11-14 here.
    (f[11] + f[12], f[13] + f[14])
}

fn status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Resets the peak RSS (`VmHWM`) to the current RSS; false when the kernel refuses.
fn reset_peak_rss(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Apply,
    Plan,
    RefreshOnly,
    /// `plan -refresh-only` in a provider process of its own, with these credentials and the
    /// `--refresh-rate-limit`.
    FreshRefresh(Credentials),
    Destroy,
}

impl Phase {
    fn all(o: &Options) -> Vec<Phase> {
        let mut phases = vec![Phase::Apply, Phase::Plan, Phase::RefreshOnly];
        phases.extend(o.refresh_with.iter().map(|&c| Phase::FreshRefresh(c)));
        phases.push(Phase::Destroy);
        phases
    }

    fn name(self) -> &'static str {
        match self {
            Phase::Apply => "apply (create)",
            Phase::Plan => "plan (refresh)",
            Phase::RefreshOnly => "plan -refresh-only",
            Phase::FreshRefresh(Credentials::Own) => "plan -refresh-only, own secret *",
            Phase::FreshRefresh(Credentials::Management) => "plan -refresh-only, management *",
            Phase::Destroy => "destroy",
        }
    }

    fn args(self, parallelism: &str) -> Vec<String> {
        let base: &[&str] = match self {
            Phase::Apply => &["apply", "-auto-approve"],
            Phase::Plan => &["plan", "-detailed-exitcode"],
            Phase::RefreshOnly | Phase::FreshRefresh(_) => {
                &["plan", "-refresh-only", "-detailed-exitcode"]
            }
            Phase::Destroy => &["destroy", "-auto-approve"],
        };
        base.iter()
            .map(|s| s.to_string())
            .chain([
                "-input=false".into(),
                "-no-color".into(),
                format!("-parallelism={parallelism}"),
            ])
            .collect()
    }
}

struct Measured {
    phase: Phase,
    wall: Duration,
    provider_cpu: f64,
    provider_peak_kib: u64,
    provider_rss_after_kib: u64,
    terraform_cpu: f64,
    emulator_cpu: f64,
    calls: CallCounts,
    exit_code: i32,
    /// One-minute load average of the machine before and after the phase.
    load: (f64, f64),
}

/// The one-minute load average (`/proc/loadavg`): the machine is shared, so every figure
/// carries the load it was taken under.
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

fn total_calls(c: &CallCounts) -> u64 {
    c.token
        + c.scim_get
        + c.scim_list
        + c.secrets_list
        + c.secrets_create
        + c.secrets_delete
        + c.other
}

fn run_phase(
    phase: Phase,
    work: &Workdir,
    provider: &DebugProvider,
    emu: &Emulator,
    o: &Options,
    tick: f64,
    peak_resets: &mut bool,
) -> Measured {
    let me = std::process::id().to_string();
    let pid = provider.pid();
    emu.reset_calls();
    *peak_resets &= reset_peak_rss(pid);
    let (provider_before, _) = cpu_ticks(&pid.to_string());
    let (self_before, children_before) = cpu_ticks(&me);
    let load_before = load_average();
    let start = Instant::now();
    let args = phase.args(&o.parallelism.to_string());
    let out: Output = work.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let wall = start.elapsed();
    let load_after = load_average();
    let (provider_after, _) = cpu_ticks(&pid.to_string());
    let (self_after, children_after) = cpu_ticks(&me);
    let calls = emu.calls();
    // A plan that prints "No changes." but exits 2 is recorded, not fatal: Terraform 1.11
    // does that when only the order of `sensitive_attributes` in the state differs.
    let spurious = matches!(
        phase,
        Phase::Plan | Phase::RefreshOnly | Phase::FreshRefresh(_)
    ) && out.code == 2
        && out.stdout.contains("No changes.");
    if out.code != 0 && !spurious {
        let text = out.combined();
        let tail = &text[text.len().saturating_sub(6000)..];
        panic!(
            "`terraform {}` exited {} (expected 0):\n{tail}",
            args.join(" "),
            out.code
        );
    }
    Measured {
        phase,
        wall,
        provider_cpu: (provider_after - provider_before) as f64 / tick,
        provider_peak_kib: status_kib(pid, "VmHWM:"),
        provider_rss_after_kib: status_kib(pid, "VmRSS:"),
        terraform_cpu: (children_after - children_before) as f64 / tick,
        emulator_cpu: (self_after - self_before) as f64 / tick,
        calls,
        exit_code: out.code,
        load: (load_before, load_after),
    }
}

fn mb(kib: u64) -> f64 {
    (kib * 1024) as f64 / 1e6
}

fn verdict(ok: bool) -> &'static str {
    if ok { "OK" } else { "OVER" }
}

/// Runs the four phases at one latency and returns the report (markdown) and whether every
/// budget held.
fn run_latency(o: &Options, latency_ms: u64, tick: f64) -> (String, bool) {
    let fixture = fixture(o);
    let emu = &fixture.emulator;
    emu.set_latency((latency_ms > 0).then(|| Latency::fixed(latency_ms)));

    let shared_tf = main_tf(&fixture, Credentials::Management, o.rate_limit);
    let mut work = Workdir::new(&shared_tf);
    work.write("connections.json", &connections_json(&fixture));
    let provider =
        DebugProvider::start_binary(&o.provider_binary, &work.path().join("provider.log"), &[]);
    work.env("TF_REATTACH_PROVIDERS", &provider.reattach);
    let start_rss = status_kib(provider.pid(), "VmRSS:");

    let mut peak_resets = true;
    let mut rows = Vec::new();
    for phase in Phase::all(o) {
        eprintln!(
            "[scale] latency {latency_ms} ms: {} of {} connections ...",
            phase.name(),
            o.connections
        );
        let m = match phase {
            Phase::FreshRefresh(credentials) => {
                // A provider block of its own and a process of its own: nothing (token,
                // shared reads, rate limiter, rate_limit) carries over from the phases before.
                work.write(
                    "main.tf",
                    &main_tf(&fixture, credentials, o.refresh_rate_limit),
                );
                let fresh = DebugProvider::start_binary(
                    &o.provider_binary,
                    &work
                        .path()
                        .join(format!("provider-{}.log", credentials.key())),
                    &[],
                );
                work.env("TF_REATTACH_PROVIDERS", &fresh.reattach);
                let m = run_phase(phase, &work, &fresh, emu, o, tick, &mut peak_resets);
                drop(fresh);
                work.write("main.tf", &shared_tf);
                work.env("TF_REATTACH_PROVIDERS", &provider.reattach);
                m
            }
            _ => run_phase(phase, &work, &provider, emu, o, tick, &mut peak_resets),
        };
        eprintln!(
            "[scale]   {:.1} s, {} calls",
            m.wall.as_secs_f64(),
            total_calls(&m.calls)
        );
        if phase == Phase::Apply {
            let created = work.instances("databricks_workflow_connection").len();
            assert_eq!(
                created, o.connections,
                "apply recorded {created} connections"
            );
        }
        rows.push(m);
    }
    let remaining = work.instances("databricks_workflow_connection").len();
    assert_eq!(remaining, 0, "destroy left {remaining} connections");

    let n = o.connections as f64;
    let mut r = String::new();
    writeln!(
        r,
        "#### Latency {latency_ms} ms ({} connections, {} principals, -parallelism={})\n",
        o.connections, o.principals, o.parallelism
    )
    .unwrap();
    writeln!(
        r,
        "| phase | exit | wall s | provider CPU s | provider peak RSS MB | provider RSS after MB | terraform CPU s | emulator CPU s | load before, after |"
    )
    .unwrap();
    writeln!(r, "|---|---:|---:|---:|---:|---:|---:|---:|---:|").unwrap();
    for m in &rows {
        writeln!(
            r,
            "| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2}, {:.2} |",
            m.phase.name(),
            m.exit_code,
            m.wall.as_secs_f64(),
            m.provider_cpu,
            mb(m.provider_peak_kib),
            mb(m.provider_rss_after_kib),
            m.terraform_cpu,
            m.emulator_cpu,
            m.load.0,
            m.load.1
        )
        .unwrap();
    }
    if !o.refresh_with.is_empty() {
        writeln!(
            r,
            "\n\\* In a provider process of its own (started before the phase, stopped after it), \
             rate limit {}; \"own secret\": no management credentials in the provider block, \
             each connection is checked with its own client ID and secret; \"management\": the \
             provider block's management credentials. The other phases: rate limit {}, \
             management credentials.",
            rate_label(o.refresh_rate_limit),
            rate_label(o.rate_limit)
        )
        .unwrap();
    }
    writeln!(
        r,
        "\nProvider RSS after the handshake: {:.2} MB.{}\n",
        mb(start_rss),
        if peak_resets {
            " Peak RSS is per phase (VmHWM reset through clear_refs before each phase)."
        } else {
            " Peak RSS is the process's peak so far (the kernel refused to reset VmHWM)."
        }
    )
    .unwrap();
    if rows.iter().any(|m| m.exit_code == 2) {
        writeln!(
            r,
            "Exit 2 above: `-detailed-exitcode` reported changes although Terraform printed \
             \"No changes.\" (BENCHMARKS.md, \"Exit 2 with No changes.\").\n"
        )
        .unwrap();
    }
    writeln!(
        r,
        "HTTP calls per connection by endpoint (total calls in the last column):\n"
    )
    .unwrap();
    writeln!(
        r,
        "| phase | token | scim_get | scim_list | secrets_list | secrets_create | secrets_delete | other | all | total calls |"
    )
    .unwrap();
    writeln!(r, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|").unwrap();
    for m in &rows {
        let c = &m.calls;
        writeln!(
            r,
            "| {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
            m.phase.name(),
            c.token as f64 / n,
            c.scim_get as f64 / n,
            c.scim_list as f64 / n,
            c.secrets_list as f64 / n,
            c.secrets_create as f64 / n,
            c.secrets_delete as f64 / n,
            c.other as f64 / n,
            total_calls(c) as f64 / n,
            total_calls(c)
        )
        .unwrap();
    }

    let mut all_ok = true;
    writeln!(r, "\nCall budgets:\n").unwrap();
    let apply = &rows[0];
    let per = total_calls(&apply.calls) as f64 / n;
    let ok = per <= CREATE_CALLS_PER_CONNECTION;
    all_ok &= ok;
    writeln!(
        r,
        "- create: {per:.3} calls per connection ({} calls) <= {CREATE_CALLS_PER_CONNECTION} ... {}",
        total_calls(&apply.calls),
        verdict(ok)
    )
    .unwrap();
    let token_budget = REFRESH_TOKENS_PER_ACCOUNT; // one account
    let other_budget = REFRESH_CALLS_PER_PRINCIPAL * o.principals as u64;
    for m in &rows[1..] {
        let total = total_calls(&m.calls);
        if m.phase == Phase::FreshRefresh(Credentials::Own) {
            let per = total as f64 / n;
            let ok = per <= OWN_REFRESH_CALLS_PER_CONNECTION && m.calls.secrets_list == 0;
            all_ok &= ok;
            writeln!(
                r,
                "- own-secret refresh <= {OWN_REFRESH_CALLS_PER_CONNECTION} calls per connection \
                 (token + SCIM read; no secret list): {per:.3} per connection ({} tokens, {} \
                 SCIM GETs, {} secret lists, {total} calls in all) ... {}",
                m.calls.token,
                m.calls.scim_get,
                m.calls.secrets_list,
                verdict(ok)
            )
            .unwrap();
            continue;
        }
        let others = total - m.calls.token;
        let ok = m.calls.token <= token_budget && others <= other_budget;
        let label = match m.phase {
            Phase::Destroy => "refresh in destroy (informational, no budget)",
            _ => m.phase.name(),
        };
        if m.phase != Phase::Destroy {
            all_ok &= ok;
        }
        writeln!(
            r,
            "- refresh with management credentials, {label}: {} token(s) <= {token_budget}, \
             {others} other calls <= {REFRESH_CALLS_PER_PRINCIPAL} x {} principals = \
             {other_budget} ({:.2} per principal) ... {}",
            m.calls.token,
            o.principals,
            others as f64 / o.principals as f64,
            verdict(ok)
        )
        .unwrap();
    }
    let peak = rows.iter().map(|m| m.provider_peak_kib).max().unwrap_or(0);
    let ok = peak * 1024 <= RSS_BUDGET_BYTES;
    all_ok &= ok;
    writeln!(
        r,
        "- provider peak RSS: {:.2} MB (max over the phases) <= {} MB ... {}",
        mb(peak),
        RSS_BUDGET_BYTES / 1_000_000,
        verdict(ok)
    )
    .unwrap();

    let fresh: Vec<&Measured> = rows
        .iter()
        .filter(|m| matches!(m.phase, Phase::FreshRefresh(_)))
        .collect();
    if !fresh.is_empty() {
        // The limiter lets a burst of one second's worth through, then one request per
        // 1/rate s: no run of `calls` requests can take less than this.
        let rate = o.refresh_rate_limit.unwrap_or(DEFAULT_RATE_LIMIT);
        writeln!(
            r,
            "\nSeconds per refresh-only plan in a new provider process, rate limit {}:\n",
            rate_label(o.refresh_rate_limit)
        )
        .unwrap();
        for m in fresh {
            let total = total_calls(&m.calls);
            writeln!(
                r,
                "- {}: {:.1} s for {total} calls ({:.3} per connection); the rate limit alone \
                 needs (calls - {rate}) / {rate} = {:.1} s; load average {:.2} before, {:.2} \
                 after",
                m.phase.name().trim_end_matches(" *"),
                m.wall.as_secs_f64(),
                total as f64 / n,
                total.saturating_sub(u64::from(rate)) as f64 / f64::from(rate),
                m.load.0,
                m.load.1
            )
            .unwrap();
        }
    }
    drop(provider);
    (r, all_ok)
}

fn main() {
    let o = Options::parse();
    let tick = clock_ticks_per_second();
    let tf_version = Command::new(terraform_binary())
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "terraform (version unknown)".into());
    let started = Instant::now();
    println!(
        "### Scale: {} connections over {} service principals in one account\n\n\
         Load average (1, 5, 15 min) at the start: {}.\n\n\
         Provider: `{}` ({:.2} MB).\n\n\
         {tf_version}; -parallelism={}; one `--debug` provider process per latency setting, \
         attached through TF_REATTACH_PROVIDERS, serves apply, plan, plan -refresh-only and \
         destroy with management credentials in the provider block and rate limit {}.{}\n",
        o.connections,
        o.principals,
        std::fs::read_to_string("/proc/loadavg")
            .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(", "))
            .unwrap_or_else(|_| "unknown".into()),
        o.provider_binary.display(),
        std::fs::metadata(&o.provider_binary).map_or(0.0, |m| m.len() as f64 / 1e6),
        o.parallelism,
        rate_label(o.rate_limit),
        if o.refresh_with.is_empty() {
            String::new()
        } else {
            format!(
                " Before destroy, plan -refresh-only runs again with {} (marked *), in a new \
                 provider process per plan, at rate limit {}.",
                o.refresh_with
                    .iter()
                    .map(|c| match c {
                        Credentials::Own => "each connection's own secret",
                        Credentials::Management => "the management credentials",
                    })
                    .collect::<Vec<_>>()
                    .join(" and then "),
                rate_label(o.refresh_rate_limit)
            )
        },
    );
    let mut all_ok = true;
    for &latency in &o.latencies_ms {
        let (text, ok) = run_latency(&o, latency, tick);
        all_ok &= ok;
        // Each table as soon as it is ready, for long runs.
        println!("{text}");
    }
    println!(
        "All budgets: {}. Total bench time {:.1} s. Load average at the end: {:.2}.",
        if all_ok {
            "OK"
        } else {
            "some OVER (see above)"
        },
        started.elapsed().as_secs_f64(),
        load_average()
    );
}
