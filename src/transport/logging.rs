//! Provider logs as hclog-style JSON lines on stderr.
//!
//! Terraform (go-plugin) parses each stderr line of a provider as JSON with `@level`,
//! `@message` and `@timestamp` (exactly six fractional digits) and re-logs it under
//! `TF_LOG`/`TF_LOG_PROVIDER`; any other key becomes a key/value pair. stdout is reserved for
//! the handshake line, so nothing here may ever write there.
//!
//! The level applies to the provider's own crates. The libraries underneath (h2, hyper,
//! tonic, rustls, reqwest) log every frame at debug and trace, thousands of lines per command
//! that bury the provider's own; they log warnings and errors only, unless
//! `TF_LOG_PROVIDER_DATABRICKS_WIRE` asks for more.

use std::fmt;
use std::io::Write;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::FormatItem;
use time::macros::format_description;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;

/// Go layout `2006-01-02T15:04:05.000000Z07:00` in UTC.
const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// The level the user asked for, most specific variable first. `JSON` is Terraform's alias
/// for trace. Unset or unknown values keep warnings and errors: Terraform discards provider
/// stderr unless logging is on, so they cost nothing in normal runs.
pub fn level_from_env(get: impl Fn(&str) -> Option<String>) -> LevelFilter {
    ["TF_LOG_PROVIDER_DATABRICKS", "TF_LOG_PROVIDER", "TF_LOG"]
        .iter()
        .find_map(|name| get(name).filter(|v| !v.trim().is_empty()))
        .map_or(LevelFilter::WARN, |v| parse_level(&v))
}

/// The crates whose events follow the level the user asked for.
const OWN_CRATES: [&str; 2] = ["terraform_provider_databricks", "databricks_account_client"];

/// The variable that lets the libraries below the provider (gRPC, HTTP/2, HTTP, TLS) log at
/// more than warnings, for debugging the wire itself.
pub const WIRE_LOG_VARIABLE: &str = "TF_LOG_PROVIDER_DATABRICKS_WIRE";

/// The level of the libraries below the provider: `TF_LOG_PROVIDER_DATABRICKS_WIRE`, else
/// warnings. It never exceeds `level`, the provider's own.
pub fn wire_level_from_env(
    get: impl Fn(&str) -> Option<String>,
    level: LevelFilter,
) -> LevelFilter {
    let wire = get(WIRE_LOG_VARIABLE)
        .filter(|v| !v.trim().is_empty())
        .map_or(LevelFilter::WARN, |v| {
            match v.trim().to_ascii_lowercase().as_str() {
                // A switch as much as a level: "on" means every frame.
                "1" | "true" | "on" | "yes" => LevelFilter::TRACE,
                _ => parse_level(&v),
            }
        });
    wire.min(level)
}

/// Which events reach stderr: the provider's own at `level`, everything else at `wire`.
fn targets(level: LevelFilter, wire: LevelFilter) -> Targets {
    OWN_CRATES
        .iter()
        .fold(Targets::new().with_default(wire), |targets, name| {
            targets.with_target(*name, level)
        })
}

fn parse_level(value: &str) -> LevelFilter {
    match value.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => LevelFilter::TRACE,
        "DEBUG" => LevelFilter::DEBUG,
        "INFO" => LevelFilter::INFO,
        "WARN" => LevelFilter::WARN,
        "ERROR" => LevelFilter::ERROR,
        "OFF" => LevelFilter::OFF,
        _ => LevelFilter::WARN,
    }
}

/// Installs the stderr JSON logger and a panic hook. Safe to call once per process; a second
/// call keeps the first subscriber.
pub fn init(level: LevelFilter) {
    let wire = wire_level_from_env(|name| std::env::var(name).ok(), level);
    let subscriber = tracing_subscriber::registry().with(
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .event_format(HclogJson)
            .with_filter(targets(level, wire)),
    );
    // Err only means a subscriber is already installed (tests); that one keeps working.
    let _ = tracing::subscriber::set_global_default(subscriber);
    install_panic_hook();
}

/// Terraform's crash detector looks for raw stderr lines starting with `panic: `; Rust's
/// default message starts with `thread '…' panicked`, which it would not recognise.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = writeln!(std::io::stderr(), "panic: {info}");
        default(info);
    }));
}

/// Formats one event as one hclog JSON line.
pub struct HclogJson;

impl<S, N> FormatEvent<S, N> for HclogJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let line = render(
            event.metadata().level(),
            event.metadata().target(),
            event,
            now(),
        );
        writeln!(writer, "{line}")
    }
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .format(TIMESTAMP)
        .unwrap_or_else(|_| String::from("1970-01-01T00:00:00.000000Z"))
}

/// Builds the JSON text of one log line. Every `@` key is a string: go-plugin type-asserts
/// them and a non-string would crash Terraform.
pub(crate) fn render(level: &Level, target: &str, event: &Event<'_>, timestamp: String) -> String {
    let mut fields = Fields::default();
    event.record(&mut fields);
    let mut line = Map::new();
    line.insert("@level".into(), Value::String(level_name(level).into()));
    line.insert("@message".into(), Value::String(fields.message));
    line.insert("@module".into(), Value::String(module_name(target)));
    line.insert("@timestamp".into(), Value::String(timestamp));
    for (key, value) in fields.rest {
        // A field may not shadow the hclog keys.
        if !key.starts_with('@') {
            line.insert(key, value);
        }
    }
    Value::Object(line).to_string()
}

fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// `terraform_provider_databricks::transport::tls` → `databricks.transport`,
/// `databricks_account_client::http` → `databricks.client`; anything else keeps its crate name.
pub(crate) fn module_name(target: &str) -> String {
    let mut parts = target.split("::");
    match parts.next() {
        Some("terraform_provider_databricks") => match parts.next() {
            Some(layer) => format!("databricks.{layer}"),
            None => "databricks".into(),
        },
        Some("databricks_account_client") => "databricks.client".into(),
        Some(other) => other.replace('_', "-"),
        None => "databricks".into(),
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    rest: Vec<(String, Value)>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = match value {
                Value::String(s) => s,
                other => other.to_string(),
            };
        } else {
            self.rest.push((field.name().to_string(), value));
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::String(value.into()));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, Value::String(value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Value::String(format!("{value:?}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    fn capture(level: LevelFilter, f: impl FnOnce()) -> Vec<serde_json::Value> {
        let buffer = Buffer::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_writer(buffer.clone())
            .event_format(HclogJson)
            .finish();
        tracing::subscriber::with_default(subscriber, f);
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn each_event_is_one_hclog_json_line_with_string_keys() {
        let lines = capture(LevelFilter::TRACE, || {
            tracing::debug!(path = "/x", status = 200u64, "request done");
        });
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line["@level"], "debug");
        assert_eq!(line["@message"], "request done");
        assert_eq!(line["@module"], "databricks.transport");
        assert_eq!(line["path"], "/x");
        assert_eq!(line["status"], 200);
        let ts = line["@timestamp"].as_str().unwrap();
        // 2026-11-29T04:05:30.123456Z: six fractional digits, as go-plugin's parser requires.
        assert_eq!(ts.len(), 27, "{ts}");
        assert_eq!(&ts[19..20], ".");
        assert!(ts.ends_with('Z'));
    }

    #[test]
    fn events_below_the_level_are_dropped() {
        let lines = capture(LevelFilter::INFO, || {
            tracing::debug!("hidden");
            tracing::warn!("shown");
        });
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0]["@level"], "warn");
    }

    #[test]
    fn level_comes_from_the_most_specific_variable() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(level_from_env(env(&[])), LevelFilter::WARN);
        assert_eq!(
            level_from_env(env(&[("TF_LOG", "trace")])),
            LevelFilter::TRACE
        );
        assert_eq!(
            level_from_env(env(&[("TF_LOG", "JSON")])),
            LevelFilter::TRACE
        );
        assert_eq!(
            level_from_env(env(&[("TF_LOG", "trace"), ("TF_LOG_PROVIDER", "error")])),
            LevelFilter::ERROR
        );
        assert_eq!(
            level_from_env(env(&[
                ("TF_LOG_PROVIDER", "error"),
                ("TF_LOG_PROVIDER_DATABRICKS", "debug")
            ])),
            LevelFilter::DEBUG
        );
        assert_eq!(level_from_env(env(&[("TF_LOG", "off")])), LevelFilter::OFF);
    }

    #[test]
    fn libraries_below_the_provider_log_warnings_unless_the_wire_switch_asks() {
        let env = |value: Option<&'static str>| {
            move |name: &str| (name == WIRE_LOG_VARIABLE).then(|| value.unwrap_or("").to_string())
        };
        let t = targets(
            LevelFilter::TRACE,
            wire_level_from_env(env(None), LevelFilter::TRACE),
        );
        assert!(t.would_enable("databricks_account_client::http", &Level::TRACE));
        assert!(t.would_enable(
            "terraform_provider_databricks::protocol::rpc",
            &Level::TRACE
        ));
        assert!(!t.would_enable("h2::codec::framed_write", &Level::DEBUG));
        assert!(!t.would_enable("tonic::transport", &Level::TRACE));
        assert!(t.would_enable("hyper_util::client", &Level::WARN));

        let t = targets(
            LevelFilter::TRACE,
            wire_level_from_env(env(Some("trace")), LevelFilter::TRACE),
        );
        assert!(t.would_enable("h2::codec::framed_write", &Level::TRACE));

        // "1" (or true/on/yes) is the switch turned on: every frame.
        for on in ["1", "true", "ON", "yes"] {
            assert_eq!(
                wire_level_from_env(env(Some(on)), LevelFilter::TRACE),
                LevelFilter::TRACE,
                "{on}"
            );
        }

        // The switch never raises the libraries above the provider's own level.
        let wire = wire_level_from_env(env(Some("trace")), LevelFilter::WARN);
        assert_eq!(wire, LevelFilter::WARN);
        let t = targets(LevelFilter::WARN, wire);
        assert!(!t.would_enable("h2::codec", &Level::DEBUG));
        assert!(!t.would_enable("databricks_account_client::http", &Level::DEBUG));
    }

    #[test]
    fn module_names_follow_the_layer() {
        assert_eq!(
            module_name("terraform_provider_databricks::transport::tls"),
            "databricks.transport"
        );
        assert_eq!(
            module_name("databricks_account_client::http"),
            "databricks.client"
        );
        assert_eq!(module_name("h2::codec"), "h2");
    }
}
