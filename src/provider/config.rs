//! The provider block: validation, and the settings it resolves to once environment
//! variables fill what the configuration leaves out.

use std::time::Duration;

use databricks_account_client::{AccountHost, parse_host};

use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::protocol::path::AttributePath;
use crate::resource::Management;
use crate::validation::{self as check, Field, field, known_str};

pub fn validate(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if config.is_null() || config.is_unknown() {
        return diags;
    }
    check::account_host(&mut diags, config, "host");
    check::uuid(
        &mut diags,
        config,
        "account_id",
        "the Databricks account ID",
    );
    check::uuid(
        &mut diags,
        config,
        "client_id",
        "the management service principal's application ID",
    );
    check::not_blank(&mut diags, config, "client_secret");
    check::whole_number(&mut diags, config, "http_timeout_seconds", 1, 3600);
    check::whole_number(&mut diags, config, "retry_timeout_seconds", 0, 86_400);
    check::whole_number(&mut diags, config, "rate_limit", 1, 10_000);
    diags
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub host: Option<AccountHost>,
    pub management: Option<Management>,
    pub http_timeout: Duration,
    pub retry_timeout: Duration,
    pub rate_limit: u32,
}

impl Settings {
    /// Equal in every setting, the management secret included (compared, never printed).
    pub fn same_as(&self, other: &Settings) -> bool {
        let management = match (&self.management, &other.management) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                a.account_id == b.account_id
                    && a.client_id == b.client_id
                    && a.client_secret.expose_secret() == b.client_secret.expose_secret()
            }
            _ => false,
        };
        management
            && self.host == other.host
            && self.http_timeout == other.http_timeout
            && self.retry_timeout == other.retry_timeout
            && self.rate_limit == other.rate_limit
    }
}

/// What a provider block resolves to.
#[derive(Debug)]
pub enum Resolved {
    /// Every setting is known; `warnings` are shown once, at configure.
    Ready {
        settings: Settings,
        warnings: Diagnostics,
    },
    /// Part of the configuration is not known yet (it comes from a resource that has not been
    /// applied), so nothing can be checked with it: records are kept as they are, and
    /// `warning` says why.
    Pending { warning: Diagnostic },
}

/// The warning of [`Resolved::Pending`].
fn pending_warning(unknown: &[&str]) -> Diagnostic {
    Diagnostic::warning(
        "Provider configuration not known yet",
        format!(
            "The provider's {} depend{} on values Terraform does not know until apply, so this \
             run cannot check connections with it: every connection keeps its recorded status. \
             Connections are checked again once the configuration is known (the next plan after \
             the apply).",
            unknown
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", "),
            if unknown.len() == 1 { "s" } else { "" }
        ),
    )
}

/// Resolves the final configuration: attribute, else environment variable, else default.
/// Values are validated again here because environment variables bypass `validate`.
pub fn resolve(
    config: &Value,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Resolved, Diagnostics> {
    if config.is_unknown() {
        return Ok(Resolved::Pending {
            warning: pending_warning(&["configuration"]),
        });
    }
    let unknown: Vec<&str> = match config {
        Value::Object(attrs) => attrs
            .iter()
            .filter(|(_, v)| !v.is_wholly_known())
            .map(|(k, _)| k.as_str())
            .collect(),
        _ => Vec::new(),
    };
    if !unknown.is_empty() {
        return Ok(Resolved::Pending {
            warning: pending_warning(&unknown),
        });
    }
    let mut diags = validate(config);
    let text = |name: &str, var: &str| -> Option<String> {
        known_str(config, name)
            .map(str::to_string)
            .or_else(|| env(var).filter(|v| !v.trim().is_empty()))
    };
    let number = |name: &str| match field(config, name) {
        Field::Known(v) => v.as_number().and_then(|n| n.to_u64()),
        _ => None,
    };

    let host = match text("host", "DATABRICKS_HOST").map(|h| parse_host(&h)) {
        None => None,
        Some(Ok(host)) => Some(host),
        Some(Err(reason)) => {
            diags.push(
                Diagnostic::error(
                    "Invalid account host",
                    format!("`host` (or DATABRICKS_HOST): {reason}."),
                )
                .at(AttributePath::attr("host")),
            );
            None
        }
    };

    let account_id = text("account_id", "DATABRICKS_ACCOUNT_ID");
    let client_id = text("client_id", "DATABRICKS_CLIENT_ID");
    let client_secret = text("client_secret", "DATABRICKS_CLIENT_SECRET");
    let management = match (account_id, client_id, client_secret) {
        (None, None, None) => None,
        (Some(account_id), Some(client_id), Some(client_secret)) => {
            for (name, value) in [("account_id", &account_id), ("client_id", &client_id)] {
                if !check::is_uuid(value) {
                    diags.push(
                        Diagnostic::error(
                            "Invalid UUID",
                            format!("`{name}` of the management credentials must be a UUID; got \"{value}\"."),
                        )
                        .at(AttributePath::attr(name)),
                    );
                }
            }
            Some(Management {
                account_id,
                client_id,
                client_secret: client_secret.into(),
            })
        }
        (a, c, s) => {
            let missing: Vec<&str> = [
                ("account_id", a.is_none()),
                ("client_id", c.is_none()),
                ("client_secret", s.is_none()),
            ]
            .into_iter()
            .filter_map(|(n, m)| m.then_some(n))
            .collect();
            diags.push(
                Diagnostic::error(
                    "Incomplete management credentials",
                    format!(
                        "Management credentials need `account_id`, `client_id` and `client_secret` \
                         together (or DATABRICKS_ACCOUNT_ID, DATABRICKS_CLIENT_ID, \
                         DATABRICKS_CLIENT_SECRET); missing: {}. Set them all, or none.",
                        missing.join(", ")
                    ),
                )
                .at(AttributePath::attr(
                    missing.first().copied().unwrap_or("client_id"),
                )),
            );
            None
        }
    };

    let rate_limit = match number("rate_limit") {
        Some(n) => u32::try_from(n).unwrap_or(u32::MAX),
        None => match env("DATABRICKS_RATE_LIMIT").filter(|v| !v.trim().is_empty()) {
            Some(v) => match v.trim().parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => {
                    diags.push(
                        Diagnostic::error(
                            "Invalid DATABRICKS_RATE_LIMIT",
                            format!("DATABRICKS_RATE_LIMIT must be a whole number of at least 1; got \"{v}\"."),
                        )
                        .at(AttributePath::attr("rate_limit")),
                    );
                    15
                }
            },
            None => 15,
        },
    };

    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Resolved::Ready {
        settings: Settings {
            host,
            management,
            http_timeout: Duration::from_secs(number("http_timeout_seconds").unwrap_or(60)),
            retry_timeout: Duration::from_secs(number("retry_timeout_seconds").unwrap_or(300)),
            rate_limit,
        },
        // Every diagnostic left is a warning.
        warnings: diags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::cty::Value;
    use std::collections::BTreeMap;

    fn config(pairs: &[(&str, &str)]) -> Value {
        let mut attrs: BTreeMap<String, Value> = [
            "host",
            "account_id",
            "client_id",
            "client_secret",
            "http_timeout_seconds",
            "retry_timeout_seconds",
            "rate_limit",
        ]
        .iter()
        .map(|n| (n.to_string(), Value::Null))
        .collect();
        for (k, v) in pairs {
            attrs.insert(k.to_string(), Value::String(v.to_string()));
        }
        Value::Object(attrs)
    }

    const MGMT: [(&str, &str); 3] = [
        ("account_id", "0d2a7b1c-1234-4abc-9def-0123456789ab"),
        ("client_id", "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"),
        ("client_secret", "dose1"),
    ];

    fn ready(r: Result<Resolved, Diagnostics>) -> Settings {
        match r {
            Ok(Resolved::Ready { settings, .. }) => settings,
            Ok(Resolved::Pending { warning }) => panic!("pending: {warning:?}"),
            Err(d) => panic!("errors: {d:?}"),
        }
    }

    #[test]
    fn an_unknown_argument_leaves_the_provider_pending_instead_of_using_defaults() {
        let mut c = config(&MGMT);
        if let Value::Object(attrs) = &mut c {
            attrs.insert("host".into(), Value::unknown());
        }
        match resolve(&c, |_| None) {
            Ok(Resolved::Pending { warning }) => {
                assert!(warning.detail.contains("`host`"), "{}", warning.detail)
            }
            other => panic!("expected pending, got {other:?}"),
        }
    }

    #[test]
    fn environment_variables_fill_what_the_block_leaves_out() {
        let env = |name: &str| match name {
            "DATABRICKS_HOST" => Some("http://127.0.0.1:9".to_string()),
            "DATABRICKS_ACCOUNT_ID" => Some(MGMT[0].1.to_string()),
            "DATABRICKS_CLIENT_ID" => Some(MGMT[1].1.to_string()),
            "DATABRICKS_CLIENT_SECRET" => Some("dose-env".to_string()),
            "DATABRICKS_RATE_LIMIT" => Some("7".to_string()),
            _ => None,
        };
        let s = ready(resolve(&config(&[("client_secret", "dose-block")]), env));
        assert_eq!(s.host.unwrap().as_str(), "http://127.0.0.1:9");
        assert_eq!(
            s.management.unwrap().client_secret.expose_secret(),
            "dose-block"
        );
        assert_eq!(s.rate_limit, 7);
        assert_eq!(s.http_timeout, Duration::from_secs(60));
    }

    #[test]
    fn partial_management_credentials_are_an_error_naming_what_is_missing() {
        let diags = resolve(&config(&MGMT[..2]), |_| None).unwrap_err();
        let d = diags.iter().next().unwrap();
        assert_eq!(d.summary, "Incomplete management credentials");
        assert!(d.detail.contains("client_secret"));
    }

    #[test]
    fn settings_compare_the_management_secret_too() {
        let a = ready(resolve(&config(&MGMT), |_| None));
        let b = ready(resolve(&config(&MGMT), |_| None));
        assert!(a.same_as(&b));
        let mut other = MGMT;
        other[2] = ("client_secret", "dose2");
        let c = ready(resolve(&config(&other), |_| None));
        assert!(!a.same_as(&c));
        assert!(!a.same_as(&ready(resolve(&config(&[]), |_| None))));
    }
}
