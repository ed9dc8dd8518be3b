//! Acceptance fixtures for `databricks_workflow_connection`: an in-process account API
//! emulator per test, configurations written against it, and assertions on what Terraform
//! shows and records.

use databricks_account_emulator::time::format_description::well_known::Rfc3339;
use databricks_account_emulator::time::{Duration, OffsetDateTime};
use databricks_account_emulator::{
    ACCOUNT_ADMIN, Emulator, NewSecret, NewServicePrincipal, Seed, ServicePrincipal, canonical,
};

use super::terraform::{Output, Workdir, required_providers};

pub const TYPE: &str = "databricks_workflow_connection";

/// Management credentials: an account-admin principal of the account, other than the ones the
/// connections use, so breaking a connection's principal leaves them working.
#[derive(Clone, Debug)]
pub struct Management {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: String,
}

impl Management {
    pub fn add(emu: &Emulator) -> Self {
        let sp = add_admin_principal(emu, "terraform-management", 1);
        Self {
            account_id: canonical::ACCOUNT_ID.into(),
            client_id: sp.application_id.clone(),
            client_secret: sp.secrets[0].secret.clone(),
        }
    }
}

/// Adds an active account-admin principal with `secrets` fresh secrets (730-day lifetime).
pub fn add_admin_principal(emu: &Emulator, name: &str, secrets: usize) -> ServicePrincipal {
    emu.add_service_principal(
        canonical::ACCOUNT_ID,
        NewServicePrincipal {
            display_name: Some(name.into()),
            roles: vec![ACCOUNT_ADMIN.into()],
            secrets: vec![NewSecret::default(); secrets],
            ..Default::default()
        },
    )
    .unwrap()
}

/// Adds a secret to a principal of the canonical account and returns it (value included).
pub fn add_secret(emu: &Emulator, sp_id: &str) -> databricks_account_emulator::Secret {
    emu.add_secret(canonical::ACCOUNT_ID, sp_id, NewSecret::default())
        .unwrap()
}

/// How a connection gets its client secret.
#[derive(Clone, Debug)]
pub enum SecretArg {
    /// `client_secret = "<value>"`
    Literal(String),
    /// `client_secret = <expression>`, e.g. `terraform_data.secret.output`.
    Expression(String),
    /// `client_secret_wo = <expression>` and `client_secret_wo_version = <version>`.
    WriteOnly { expression: String, version: u32 },
}

/// The arguments of one `databricks_workflow_connection` block.
#[derive(Clone, Debug)]
pub struct Connection {
    pub name: String,
    pub description: Option<String>,
    pub account_id: String,
    pub client_id: String,
    pub secret: SecretArg,
    pub service_principal_id: String,
    pub secret_id: String,
    /// Further arguments as HCL, e.g. `("expiry_warning_days", "5")`.
    pub extra: Vec<(String, String)>,
    /// Nested blocks as HCL, e.g. `lifecycle { create_before_destroy = true }`.
    pub blocks: Vec<String>,
}

impl Connection {
    /// The seed's account-admin principal with its secret.
    pub fn canonical() -> Self {
        Self {
            name: "Databricks analytics".into(),
            description: None,
            account_id: canonical::ACCOUNT_ID.into(),
            client_id: canonical::APPLICATION_ID.into(),
            secret: SecretArg::Literal(canonical::SECRET.into()),
            service_principal_id: canonical::SERVICE_PRINCIPAL_ID.into(),
            secret_id: canonical::SECRET_ID.into(),
            extra: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// A principal's `index`-th secret.
    pub fn of(sp: &ServicePrincipal, index: usize) -> Self {
        let secret = &sp.secrets[index];
        Self {
            name: format!("{} #{index}", sp.display_name),
            description: None,
            account_id: canonical::ACCOUNT_ID.into(),
            client_id: sp.application_id.clone(),
            secret: SecretArg::Literal(secret.secret.clone()),
            service_principal_id: sp.id.clone(),
            secret_id: secret.id.clone(),
            extra: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// The same connection using another secret of the same principal.
    pub fn with_secret(mut self, secret: &databricks_account_emulator::Secret) -> Self {
        self.secret = SecretArg::Literal(secret.secret.clone());
        self.secret_id = secret.id.clone();
        self
    }

    /// `lifecycle { create_before_destroy = true }`.
    pub fn create_before_destroy(mut self) -> Self {
        self.blocks
            .push("lifecycle {\n    create_before_destroy = true\n  }".into());
        self
    }

    pub fn arg(mut self, name: &str, hcl: &str) -> Self {
        self.extra.retain(|(n, _)| n != name);
        self.extra.push((name.into(), hcl.into()));
        self
    }

    /// The resource block, labelled `label`.
    pub fn block(&self, label: &str) -> String {
        let mut args: Vec<(String, String)> = vec![
            ("name".into(), quote(&self.name)),
            ("cloud_provider".into(), quote("aws")),
            ("account_id".into(), quote(&self.account_id)),
            ("client_id".into(), quote(&self.client_id)),
        ];
        if let Some(d) = &self.description {
            args.push(("description".into(), quote(d)));
        }
        match &self.secret {
            SecretArg::Literal(v) => args.push(("client_secret".into(), quote(v))),
            SecretArg::Expression(e) => args.push(("client_secret".into(), e.clone())),
            SecretArg::WriteOnly {
                expression,
                version,
            } => {
                args.push(("client_secret_wo".into(), expression.clone()));
                args.push(("client_secret_wo_version".into(), version.to_string()));
            }
        }
        args.push((
            "service_principal_id".into(),
            quote(&self.service_principal_id),
        ));
        args.push(("secret_id".into(), quote(&self.secret_id)));
        args.extend(self.extra.iter().cloned());
        let mut body: String = args.iter().map(|(k, v)| format!("  {k} = {v}\n")).collect();
        for block in &self.blocks {
            body.push_str(&format!("  {block}\n"));
        }
        format!("resource \"{TYPE}\" \"{label}\" {{\n{body}}}\n")
    }
}

/// An HCL string literal.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// One test's world: its own emulator, its own working directory.
pub struct Fixture {
    pub emu: Emulator,
    pub work: Workdir,
    /// Written into the provider block when set.
    pub management: Option<Management>,
    /// Extra provider arguments as HCL lines.
    pub provider_extra: Vec<String>,
}

impl Fixture {
    /// The canonical seed (an account-admin principal with one secret valid for 730 days,
    /// and a principal without roles), no management credentials.
    pub fn new() -> Self {
        Self::with_seed(Seed::canonical())
    }

    pub fn with_seed(seed: Seed) -> Self {
        Self {
            emu: Emulator::start(seed).expect("start the account API emulator"),
            work: Workdir::new(""),
            management: None,
            provider_extra: Vec::new(),
        }
    }

    /// The canonical seed plus a separate management principal configured in the provider.
    pub fn with_management() -> Self {
        let mut fx = Self::new();
        fx.management = Some(Management::add(&fx.emu));
        fx
    }

    pub fn provider_block(&self) -> String {
        let mut lines = vec![format!("  host = {}", quote(&self.emu.url()))];
        if let Some(m) = &self.management {
            lines.push(format!("  account_id = {}", quote(&m.account_id)));
            lines.push(format!("  client_id = {}", quote(&m.client_id)));
            lines.push(format!("  client_secret = {}", quote(&m.client_secret)));
        }
        lines.extend(self.provider_extra.iter().cloned());
        format!("provider \"databricks\" {{\n{}\n}}\n", lines.join("\n"))
    }

    /// Writes main.tf: the provider, the given connections and any extra HCL.
    pub fn configure(&self, connections: &[(&str, &Connection)], extra_hcl: &str) {
        let mut tf = required_providers();
        tf.push('\n');
        tf.push_str(&self.provider_block());
        for (label, c) in connections {
            tf.push('\n');
            tf.push_str(&c.block(label));
        }
        tf.push_str(extra_hcl);
        self.work.write("main.tf", &tf);
    }

    /// The emulator's current expiry of a secret of the canonical account.
    pub fn secret_expire_time(&self, sp_id: &str, secret_id: &str) -> Option<OffsetDateTime> {
        self.secret(sp_id, secret_id)
            .expect("secret exists")
            .expire_time
    }

    /// A secret of the canonical account as the emulator holds it, if it exists.
    pub fn secret(
        &self,
        sp_id: &str,
        secret_id: &str,
    ) -> Option<databricks_account_emulator::Secret> {
        self.emu
            .snapshot()
            .accounts
            .into_iter()
            .flat_map(|a| a.service_principals)
            .filter(|sp| sp.id == sp_id)
            .flat_map(|sp| sp.secrets)
            .find(|s| s.id == secret_id)
    }
}

impl Default for Fixture {
    fn default() -> Self {
        Self::new()
    }
}

/// `now + seconds`, for expiries.
pub fn from_now(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::now_utc() + Duration::seconds(seconds)
}

/// Returns once the clock has passed `at`, for tests where time passing is what is under
/// test (a recorded expiry that is over). The provider and the emulator read the same clock;
/// the margin covers the emulator's millisecond precision.
pub fn wait_until_past(at: OffsetDateTime) {
    let left = at + Duration::milliseconds(200) - OffsetDateTime::now_utc();
    if let Ok(left) = std::time::Duration::try_from(left) {
        std::thread::sleep(left);
    }
}

/// Parses an RFC 3339 attribute value.
#[track_caller]
pub fn rfc3339(value: &serde_json::Value) -> OffsetDateTime {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    OffsetDateTime::parse(text, &Rfc3339).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// The human-readable plan shows `status` changing from `from` to `to`.
#[track_caller]
pub fn assert_status_change(out: &Output, from: &str, to: &str) {
    let wanted = format!("\"{from}\" -> \"{to}\"");
    assert!(
        out.stdout.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("~ status") && l.ends_with(&wanted)
        }),
        "the plan should show `status = {wanted}`:\n{}",
        out.combined()
    );
}

/// Finds the diagnostic of `severity` with exactly `summary` in a `-json` run.
#[track_caller]
pub fn diagnostic(out: &Output, severity: &str, summary: &str) -> serde_json::Value {
    out.diagnostics()
        .into_iter()
        .find(|d| d["severity"] == severity && d["summary"] == summary)
        .unwrap_or_else(|| {
            panic!(
                "no {severity} diagnostic {summary:?}; got {:#?}\n{}",
                out.diagnostics()
                    .iter()
                    .map(|d| format!("{}: {}", d["severity"], d["summary"]))
                    .collect::<Vec<_>>(),
                out.combined()
            )
        })
}

/// The diagnostic's source snippet is the line of `attribute`.
#[track_caller]
pub fn assert_points_at(diagnostic: &serde_json::Value, attribute: &str) {
    let code = diagnostic["snippet"]["code"].as_str().unwrap_or_default();
    assert!(
        code.trim_start().starts_with(&format!("{attribute} ")),
        "the diagnostic should point at `{attribute}`, points at {code:?}: {diagnostic:#}"
    );
}

/// The diagnostic's detail contains every one of `parts`.
#[track_caller]
pub fn assert_detail_mentions(diagnostic: &serde_json::Value, parts: &[&str]) {
    let detail = diagnostic["detail"].as_str().unwrap_or_default();
    for part in parts {
        assert!(
            detail.contains(part),
            "the detail should mention {part:?}: {detail}"
        );
    }
}

/// Nothing of this resource type is in the state (a failed create records nothing).
#[track_caller]
pub fn assert_nothing_recorded(work: &Workdir) {
    let instances = work.instances(TYPE);
    assert!(
        instances.is_empty(),
        "nothing should be recorded, found {:?}:\n{}",
        instances.keys().collect::<Vec<_>>(),
        work.state_text()
    );
}
