//! Configuration rules of `databricks_workflow_connection`, answered for ValidateResourceConfig,
//! which Terraform sends before every `validate`, `plan` and `apply`.

use crate::protocol::backend::ClientCapabilities;
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::validation::{self as check, Field, field};

use super::attributes::Attr;

pub const CLOUDS: [&str; 3] = ["aws", "azure", "gcp"];

pub fn validate(config: &Value, capabilities: ClientCapabilities) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if config.is_null() || config.is_unknown() {
        return diags;
    }
    check::not_blank(&mut diags, config, Attr::Name);
    check::max_chars(&mut diags, config, Attr::Name, 100);
    check::max_chars(&mut diags, config, Attr::Description, 1000);
    check::one_of(&mut diags, config, Attr::CloudProvider, &CLOUDS);
    check::uuid(
        &mut diags,
        config,
        Attr::AccountId,
        "the Databricks account ID",
    );
    check::uuid(
        &mut diags,
        config,
        Attr::ClientId,
        "the service principal's application ID",
    );
    check::principal_id(
        &mut diags,
        config,
        Attr::ServicePrincipalId,
        "the service principal's numeric SCIM ID",
    );
    check::secret_id(&mut diags, config, Attr::SecretId);
    check::not_blank(&mut diags, config, Attr::ClientSecret);
    check::not_blank(&mut diags, config, Attr::ClientSecretWo);
    check::whole_number(&mut diags, config, Attr::ExpiryWarningDays, 0, 100_000);
    check::non_negative(&mut diags, config, Attr::ClientSecretWoVersion);
    secret_rules(&mut diags, config, capabilities);
    diags
}

/// Exactly one of `client_secret` / `client_secret_wo`; the version only with the write-only
/// secret; write-only needs a Terraform that supports it.
fn secret_rules(diags: &mut Diagnostics, config: &Value, capabilities: ClientCapabilities) {
    let plain = field(config, Attr::ClientSecret);
    let write_only = field(config, Attr::ClientSecretWo);
    let version = field(config, Attr::ClientSecretWoVersion);

    // These point at the resource, never at a secret argument: Terraform would print its
    // line, and with a literal secret that line is the secret.
    if plain.is_known_set() && write_only.is_known_set() {
        diags.push(Diagnostic::error(
            "Conflicting client secrets",
            "Set only one of `client_secret` and `client_secret_wo`: the write-only form is \
             never stored, the plain form is stored in state as a sensitive value.",
        ));
    }
    if matches!(plain, Field::Null) && matches!(write_only, Field::Null) {
        diags.push(Diagnostic::error(
            "Missing client secret",
            "Set `client_secret`, or `client_secret_wo` with `client_secret_wo_version` \
             (Terraform 1.11 or later) to keep the secret out of plan and state.",
        ));
    }
    if version.may_be_set() && matches!(write_only, Field::Null) {
        diags.push(
            Diagnostic::error(
                "Version without a write-only secret",
                "`client_secret_wo_version` only has a meaning together with `client_secret_wo`; \
                 remove it, or move the secret to `client_secret_wo`.",
            )
            .at(Attr::ClientSecretWoVersion.path()),
        );
    }
    if write_only.may_be_set() && matches!(version, Field::Null) {
        diags.push(
            Diagnostic::warning(
                "Write-only secret without a version",
                "Terraform cannot see changes to `client_secret_wo`. Set \
                 `client_secret_wo_version` and change it whenever the secret changes, or the \
                 new secret will not be verified.",
            )
            .at(Attr::ClientSecretWoVersion.path()),
        );
    }
    if write_only.may_be_set() && !capabilities.write_only_attributes_allowed {
        diags.push(Diagnostic::error(
            "Write-only arguments need Terraform 1.11",
            "This Terraform does not support write-only arguments. Upgrade to Terraform 1.11 \
             or later, or use `client_secret` instead of `client_secret_wo`.",
        ));
    }
}
