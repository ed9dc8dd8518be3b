//! Secrets never leak: a whole lifecycle (apply, plan, refresh-only plan, destroy, and a
//! refused secret) under `TF_LOG=trace`, with every secret passed through sensitive
//! variables, must not show a client secret, an access token or an Authorization value in
//! Terraform's log (which includes the provider's stderr), in what the commands print, or —
//! for write-only secrets and the management credentials — in the state. The same logs must
//! show the provider's HTTP calls, so the test fails if logging silently stops.

use crate::support::connection::{Connection, Management, SecretArg, add_admin_principal, quote};
use crate::support::robust::{authorization_values, emulator_tokens};
use crate::support::terraform::{Output, Workdir, required_providers};
use base64::Engine;
use databricks_account_emulator::{Emulator, Seed, canonical};

struct Secret {
    what: &'static str,
    value: String,
    /// What a `Basic` header would carry: base64 of `client_id:secret`.
    basic: String,
}

impl Secret {
    fn new(what: &'static str, client_id: &str, value: &str) -> Self {
        Self {
            what,
            value: value.to_string(),
            basic: base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{value}")),
        }
    }
}

/// Fails the test if `text` (named `source`) shows any of `secrets`, an emulator token or an
/// Authorization value.
#[track_caller]
fn assert_clean(source: &str, text: &str, secrets: &[&Secret]) {
    for s in secrets {
        assert!(
            !text.contains(&s.value),
            "{source} shows the {} ({} bytes scanned)",
            s.what,
            text.len()
        );
        assert!(
            !text.contains(&s.basic),
            "{source} shows the Basic credentials of the {}",
            s.what
        );
    }
    let tokens = emulator_tokens(text);
    assert!(
        tokens.is_empty(),
        "{source} shows {} access token(s), e.g. {}…",
        tokens.len(),
        &tokens[0][..8]
    );
    let auth = authorization_values(text);
    assert!(
        auth.is_empty(),
        "{source} shows Authorization values: {:?}",
        auth.iter()
            .map(|a| a.chars().take(14).collect::<String>())
            .collect::<Vec<_>>()
    );
}

struct Scenario {
    emu: Emulator,
    work: Workdir,
    env: Vec<(String, String)>,
    secrets: Vec<Secret>,
    plain_secret: String,
    management: bool,
    logs: Vec<(String, String)>,
}

impl Scenario {
    fn new(management: bool) -> Self {
        let emu = Emulator::start(Seed::canonical()).unwrap();
        let plain = add_admin_principal(&emu, "secret-plain", 1);
        let write_only = add_admin_principal(&emu, "secret-write-only", 1);
        let mut secrets = vec![
            Secret::new(
                "client_secret",
                &plain.application_id,
                &plain.secrets[0].secret,
            ),
            Secret::new(
                "client_secret_wo",
                &write_only.application_id,
                &write_only.secrets[0].secret,
            ),
            // The seed's own principal: the connection with a wrong secret uses its client ID.
            Secret::new(
                "unused seed secret",
                canonical::APPLICATION_ID,
                canonical::SECRET,
            ),
        ];
        let mut env = vec![
            (
                "TF_VAR_secret_plain".to_string(),
                plain.secrets[0].secret.clone(),
            ),
            (
                "TF_VAR_secret_wo".to_string(),
                write_only.secrets[0].secret.clone(),
            ),
        ];
        let mut provider = vec![
            format!("  host = {}", quote(&emu.url())),
            "  retry_timeout_seconds = 30".to_string(),
        ];
        if management {
            let m = Management::add(&emu);
            provider.push(format!("  account_id = {}", quote(&m.account_id)));
            provider.push(format!("  client_id = {}", quote(&m.client_id)));
            provider.push("  client_secret = var.management_secret".to_string());
            env.push(("TF_VAR_management_secret".into(), m.client_secret.clone()));
            secrets.push(Secret::new(
                "management client_secret",
                &m.client_id,
                &m.client_secret,
            ));
        }
        let plain_conn = Connection {
            name: "plain".into(),
            secret: SecretArg::Expression("var.secret_plain".into()),
            ..Connection::of(&plain, 0)
        };
        let wo_conn = Connection {
            name: "write-only".into(),
            secret: SecretArg::WriteOnly {
                expression: "var.secret_wo".into(),
                version: 1,
            },
            ..Connection::of(&write_only, 0)
        };
        let mut tf = required_providers();
        tf.push_str(
            "\nvariable \"secret_plain\" {\n  type      = string\n  sensitive = true\n}\n\
             \nvariable \"secret_wo\" {\n  type      = string\n  sensitive = true\n}\n",
        );
        if management {
            tf.push_str(
                "\nvariable \"management_secret\" {\n  type      = string\n  sensitive = true\n}\n",
            );
        }
        tf.push_str(&format!(
            "\nprovider \"databricks\" {{\n{}\n}}\n\n",
            provider.join("\n")
        ));
        tf.push_str(&plain_conn.block("plain"));
        tf.push('\n');
        tf.push_str(&wo_conn.block("wo"));
        let work = Workdir::new(&tf);
        Self {
            emu,
            work,
            env,
            secrets,
            plain_secret: plain.secrets[0].secret.clone(),
            management,
            logs: Vec::new(),
        }
    }

    /// Runs terraform with TF_LOG=trace into its own log file; checks output and log.
    fn run(&mut self, step: &str, args: &[&str]) -> Output {
        let log = self.work.path().join(format!("{step}.log"));
        let mut work_env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let log_path = log.to_str().unwrap().to_string();
        work_env.push(("TF_LOG", "trace"));
        work_env.push(("TF_LOG_PATH", &log_path));
        let out = run_with_env(&self.work, args, &work_env);
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            log_text.len() > 1000,
            "{step}: TF_LOG=trace wrote no log to {}",
            log.display()
        );
        let secrets: Vec<&Secret> = self.secrets.iter().collect();
        assert_clean(&format!("{step}: stdout"), &out.stdout, &secrets);
        assert_clean(&format!("{step}: stderr"), &out.stderr, &secrets);
        assert_clean(&format!("{step}: TF_LOG=trace log"), &log_text, &secrets);
        self.assert_state_clean(step);
        self.logs.push((step.to_string(), log_text));
        out
    }

    /// The state may hold the plain client_secret (an ordinary sensitive attribute), never
    /// the write-only one, the management secret or a token.
    fn assert_state_clean(&self, step: &str) {
        let secrets: Vec<&Secret> = self
            .secrets
            .iter()
            .filter(|s| s.what != "client_secret")
            .collect();
        for file in ["terraform.tfstate", "terraform.tfstate.backup"] {
            let path = self.work.path().join(file);
            if let Ok(text) = std::fs::read_to_string(&path) {
                assert_clean(&format!("{step}: {file}"), &text, &secrets);
            }
        }
    }

    /// The provider's debug lines about HTTP calls in one step's log.
    fn http_call_lines<'a>(&'a self, step: &str) -> Vec<&'a str> {
        let (_, log) = self
            .logs
            .iter()
            .find(|(s, _)| s == step)
            .unwrap_or_else(|| panic!("no log of {step}"));
        log.lines()
            .filter(|l| l.contains("account API call"))
            .collect()
    }

    #[track_caller]
    fn assert_http_calls_logged(&self, step: &str, method: &str, path_part: &str) {
        let lines = self.http_call_lines(step);
        let found = lines.iter().any(|l| {
            l.contains(&format!("method={method}"))
                && l.contains("path=")
                && l.contains(path_part)
                && l.contains("status=200")
                && l.contains("latency_ms=")
        });
        assert!(
            found,
            "{step}: the debug log should show `{method} …{path_part}… status=200 latency_ms=…`; \
             HTTP lines found:\n{}",
            lines.join("\n")
        );
    }
}

fn run_with_env(work: &Workdir, args: &[&str], env: &[(&str, &str)]) -> Output {
    work.run_with(args, env)
}

fn lifecycle(management: bool) {
    // The scanners themselves find what they look for.
    let sample = format!(
        "x emu{} Bearer emu{}",
        "a1".repeat(30) + "b",
        "c".repeat(61)
    );
    assert_eq!(emulator_tokens(&sample).len(), 2);
    assert_eq!(authorization_values(&sample).len(), 1);
    assert_eq!(
        authorization_values("Authorization: Basic ZG9zZTEyMzQ1Njc4OTA=").len(),
        1
    );

    let mut sc = Scenario::new(management);

    let apply = sc.run(
        "apply",
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    assert_eq!(apply.code, 0, "{}", apply.combined());
    assert!(
        apply.stdout.contains("2 added, 0 changed, 0 destroyed"),
        "{}",
        apply.stdout
    );
    // Positive control: the plain secret is in the state (so the state scan reads the right
    // file), and the write-only one is not.
    let state = sc.work.state_text();
    assert!(
        state.contains(&sc.plain_secret),
        "the state should hold client_secret"
    );
    sc.assert_http_calls_logged("apply", "POST", "/oidc/accounts/");
    sc.assert_http_calls_logged("apply", "GET", "/scim/v2/ServicePrincipals/");
    sc.assert_http_calls_logged("apply", "GET", "/credentials/secrets");

    let plan = sc.run(
        "plan",
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(plan.code, 0, "{}", plan.combined());
    let refresh = sc.run(
        "refresh-only",
        &[
            "plan",
            "-refresh-only",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
        ],
    );
    // Exit 2 with "No changes." is a known, separate problem of refresh-only plans; here
    // only the absence of errors matters.
    assert_ne!(refresh.code, 1, "{}", refresh.combined());
    assert!(
        refresh.stdout.contains("No changes."),
        "{}",
        refresh.combined()
    );
    // Refreshes call the API too (with management credentials, or the plain connection's
    // own secret), and those calls are logged.
    sc.assert_http_calls_logged("plan", "POST", "/oidc/accounts/");
    sc.assert_http_calls_logged("refresh-only", "GET", "/scim/v2/ServicePrincipals/");
    if !sc.management {
        assert!(
            plan.stdout.contains("Warning"),
            "without management credentials the write-only connection cannot be re-checked \
             and says so:\n{}",
            plan.stdout
        );
    }

    let destroy = sc.run(
        "destroy",
        &["destroy", "-auto-approve", "-input=false", "-no-color"],
    );
    assert_eq!(destroy.code, 0, "{}", destroy.combined());

    // A refused secret: the error diagnostic explains, without echoing the secret.
    let wrong = "dose0000000000000000000000000000000000wrong";
    sc.secrets.push(Secret::new(
        "wrong client_secret",
        canonical::APPLICATION_ID,
        wrong,
    ));
    sc.env.push(("TF_VAR_secret_plain".into(), wrong.into()));
    sc.work.write(
        "main.tf",
        &std::fs::read_to_string(sc.work.path().join("main.tf"))
            .unwrap()
            .replace(
                &format!("client_id = {}", quote(&find_plain_client_id(&sc.work))),
                &format!("client_id = {}", quote(canonical::APPLICATION_ID)),
            ),
    );
    let refused = sc.run(
        "refused",
        &["apply", "-auto-approve", "-input=false", "-json"],
    );
    assert_eq!(refused.code, 1, "{}", refused.combined());
    let errors = refused.summaries("error");
    assert!(!errors.is_empty(), "{}", refused.combined());
    assert!(sc.emu.calls().token > 0);
}

/// The client ID of the `plain` connection in main.tf.
fn find_plain_client_id(work: &Workdir) -> String {
    let tf = std::fs::read_to_string(work.path().join("main.tf")).unwrap();
    let block = tf
        .split("resource ")
        .find(|b| b.contains("\"plain\""))
        .unwrap();
    let line = block
        .lines()
        .find(|l| l.trim_start().starts_with("client_id"))
        .unwrap();
    serde_json::from_str(line.split_once('=').unwrap().1.trim()).unwrap()
}

#[test]
fn no_secret_token_or_authorization_leaks_under_trace_logging_with_management_credentials() {
    lifecycle(true);
}

#[test]
fn no_secret_token_or_authorization_leaks_under_trace_logging_with_own_secrets() {
    lifecycle(false);
}
