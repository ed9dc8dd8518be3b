//! Acceptance: proxies as users expect them. `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` /
//! `NO_PROXY` (either case) apply to real account hosts — a local proxy receives
//! `CONNECT accounts.cloud.databricks.com:443` — and never to a loopback host, which would
//! send the credentials to the proxy in the clear.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::support::connection::{Connection, Fixture};
use crate::support::terraform::{Workdir, required_providers};

/// A proxy that records the request line of every connection and refuses it.
struct RecordingProxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl RecordingProxy {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut first = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut first).is_ok() {
                    log.lock().unwrap().push(first.trim_end().to_string());
                }
                let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
            }
        });
        Self { url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// A connection on the default AWS account host (no `host` override), retrying briefly.
fn on_the_real_host(proxy_env: &[(&str, String)]) -> Workdir {
    let mut work = Workdir::new(&format!(
        "{}\nprovider \"databricks\" {{\n  retry_timeout_seconds = 1\n}}\n\n{}",
        required_providers(),
        Connection::canonical().block("c")
    ));
    for (k, v) in proxy_env {
        work.env(k, v);
    }
    work
}

#[test]
fn every_proxy_variable_is_used_for_the_real_account_host() {
    for var in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        let proxy = RecordingProxy::start();
        let work = on_the_real_host(&[(var, proxy.url.clone())]);
        let out = work.apply();
        assert_eq!(
            out.code,
            1,
            "{var}: no real Databricks here:\n{}",
            out.combined()
        );
        let seen = proxy.seen();
        assert_eq!(
            seen,
            ["CONNECT accounts.cloud.databricks.com:443 HTTP/1.1"],
            "{var}: the proxy sees one CONNECT, and its refusal is not retried:\n{}",
            out.combined()
        );
        assert!(
            out.text().contains(
                "the proxy refused to open a tunnel to https://accounts.cloud.databricks.com"
            ),
            "{}",
            out.combined()
        );
        assert!(
            out.text().contains("https://accounts.cloud.databricks.com"),
            "the error names the host it tried:\n{}",
            out.combined()
        );
    }
}

#[test]
fn no_proxy_sends_a_host_around_the_proxy() {
    let proxy = RecordingProxy::start();
    let work = on_the_real_host(&[
        ("HTTPS_PROXY", proxy.url.clone()),
        ("NO_PROXY", "accounts.cloud.databricks.com".into()),
    ]);
    let out = work.apply();
    assert_eq!(out.code, 1, "{}", out.combined());
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
}

#[test]
fn a_loopback_host_never_goes_through_a_proxy() {
    let proxy = RecordingProxy::start();
    let mut fx = Fixture::new();
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        fx.work.env(var, &proxy.url);
    }
    fx.configure(&[("c", &Connection::canonical())], "");
    fx.work.apply_clean();
    assert!(
        proxy.seen().is_empty(),
        "credentials for the emulator went to the proxy: {:?}",
        proxy.seen()
    );
    assert_eq!(
        fx.work.instance("databricks_workflow_connection.c")["status"],
        "verified"
    );
}
