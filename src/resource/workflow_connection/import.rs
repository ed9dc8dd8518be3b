//! ImportResourceState: `<cloud_provider>/<account_id>/<service_principal_id>/<secret_id>`,
//! which is also the `id` of every recorded connection, so an `id` copied from
//! `terraform state show` imports.
//!
//! With management credentials for the account, the import first looks the principal and its
//! secret up and refuses what does not exist, in Terraform's words. Without them nothing can
//! be looked up: the record is `unchecked`, a warning says what the next plan does, and the
//! first apply with the configured secret verifies it fully.

use databricks_account_client::{Account, Cloud, ErrorKind};

use crate::protocol::backend::{ImportRequest, ImportResponse};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::resource::Management;
use crate::validation::{
    MAX_PRINCIPAL_ID, MAX_SECRET_ID_LEN, PrincipalIdProblem, SecretIdProblem,
    canonical_principal_id, is_uuid, looks_like_secret, principal_id_problem, secret_id_problem,
    shown_value,
};

use super::Context;
use super::attributes::{Attr, Status};
use super::model::{self, DEFAULT_EXPIRY_WARNING_DAYS};
use super::report;
use super::validate::CLOUDS;

const FORMAT: &str = "<cloud_provider>/<account_id>/<service_principal_id>/<secret_id> (the \
    connection's `id`), e.g. \
    aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e3230c8…";

/// The private data of a record imported without a check: the read that follows the import
/// does not repeat the import's warning.
pub const UNCHECKED: &[u8] = br#"{"imported":"unchecked"}"#;

/// The parts of a valid import ID, the principal ID as Databricks knows it.
struct Imported<'a> {
    cloud: Cloud,
    cloud_name: &'a str,
    account: &'a str,
    sp: &'a str,
    secret: &'a str,
}

impl<'a> Imported<'a> {
    fn parse(id: &'a str) -> Result<Self, ImportResponse> {
        match parse(id) {
            // Leading zeros name the same principal; Databricks knows it without them.
            Ok((cloud, [cloud_name, account, sp, secret])) => Ok(Self {
                cloud,
                cloud_name,
                account,
                sp: canonical_principal_id(sp),
                secret,
            }),
            Err(problem) => Err(refused(Diagnostic::error(
                "Invalid import ID",
                format!("{problem}. The import ID of a connection is {FORMAT}."),
            ))),
        }
    }

    /// The imported record: the identity, the defaults, status `unchecked`.
    fn record(&self, private: Vec<u8>, diagnostics: Diagnostics) -> ImportResponse {
        let Self {
            cloud_name,
            account,
            sp,
            secret,
            ..
        } = *self;
        let mut state = model::null_object(Attr::ALL);
        model::set(&mut state, Attr::CloudProvider, model::string(cloud_name));
        model::set(&mut state, Attr::AccountId, model::string(account));
        model::set(&mut state, Attr::ServicePrincipalId, model::string(sp));
        model::set(&mut state, Attr::SecretId, model::string(secret));
        model::set(
            &mut state,
            Attr::Id,
            model::string(model::id_of(cloud_name, account, sp, secret)),
        );
        model::set(
            &mut state,
            Attr::ExpiryWarningDays,
            model::number(DEFAULT_EXPIRY_WARNING_DAYS),
        );
        model::set(&mut state, Attr::RevokeSecretOnDestroy, Value::Bool(false));
        model::set_status(&mut state, Status::Unchecked);
        ImportResponse {
            state,
            private,
            diagnostics,
        }
    }
}

/// Imports the connection the ID names. `ctx` is `None` while the provider's configuration is
/// not known (nothing can be looked up then).
pub async fn import(ctx: Option<&Context<'_>>, request: ImportRequest) -> ImportResponse {
    let imported = match Imported::parse(&request.id) {
        Ok(imported) => imported,
        Err(refusal) => return refusal,
    };
    let Some((ctx, management)) =
        ctx.and_then(|ctx| ctx.management_for(imported.account).map(|m| (ctx, m)))
    else {
        return unchecked(&imported);
    };
    let account = Account::new(imported.cloud, imported.account.to_owned());
    match confirm_exists(ctx, management, &account, imported.sp, imported.secret).await {
        Ok(()) => imported.record(Vec::new(), Diagnostics::new()),
        Err(d) => refused(d),
    }
}

/// An import with nothing to look up with (no management credentials for the account): the
/// record is `unchecked`, and a warning says what the next plan does. What [`import`] does
/// without a lookup, but synchronous, for the fuzz target.
#[cfg(feature = "fuzzing")]
pub fn import_without_lookup(request: ImportRequest) -> ImportResponse {
    match Imported::parse(&request.id) {
        Ok(imported) => unchecked(&imported),
        Err(refusal) => refusal,
    }
}

fn unchecked(imported: &Imported<'_>) -> ImportResponse {
    let warning = unchecked_warning(imported.account, imported.sp, imported.secret);
    imported.record(UNCHECKED.to_vec(), warning.into())
}

fn refused(diagnostic: Diagnostic) -> ImportResponse {
    ImportResponse {
        state: Value::Null,
        private: Vec::new(),
        diagnostics: diagnostic.into(),
    }
}

/// Looks the principal and its secret up with the management credentials: an error when
/// either does not exist, or when the lookup cannot run.
async fn confirm_exists(
    ctx: &Context<'_>,
    management: &Management,
    account: &Account,
    sp: &str,
    secret: &str,
) -> Result<(), Diagnostic> {
    let credentials = management.credentials();
    let lookup_failed = |e| {
        report::client_error(
            "Importing the connection",
            &e,
            "Nothing was imported.",
            None,
        )
    };
    let looked_up = format!(
        "with the provider's management credentials, client ID {}",
        management.client_id
    );
    match ctx
        .client
        .get_service_principal(account, sp, &credentials, &ctx.cancel)
        .await
    {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(nonexistent(format!(
                "Account {} has no service principal with the ID {sp} (looked up {looked_up}).",
                account.account_id
            )));
        }
        Err(e) => return Err(lookup_failed(e)),
    }
    let secrets = ctx
        .client
        .list_secrets(account, sp, &credentials, &ctx.cancel)
        .await
        .map_err(lookup_failed)?;
    if secrets.iter().any(|s| s.id.eq_ignore_ascii_case(secret)) {
        return Ok(());
    }
    Err(nonexistent(format!(
        "Service principal {sp} of account {} has no OAuth secret with the ID {secret}: its \
         secret list ({}) does not include it (looked up {looked_up}).",
        account.account_id,
        count(secrets.len(), "secret", "secrets"),
    )))
}

/// Terraform's wording for an import of something that is not there.
fn nonexistent(what: String) -> Diagnostic {
    Diagnostic::error(
        "Cannot import non-existent remote object",
        format!(
            "{what} Only an existing connection can be imported: check the import ID, or \
             create the connection with `terraform apply`. Nothing was imported."
        ),
    )
}

/// The import could not look anything up: what the next plan does.
fn unchecked_warning(account: &str, sp: &str, secret: &str) -> Diagnostic {
    Diagnostic::warning(
        "Imported connection not checked",
        format!(
            "The provider has no management credentials for account {account}, so the import \
             could not look up service principal {sp} and OAuth secret {secret}; the connection \
             is recorded with status \"{}\". The next plan shows an in-place update that \
             verifies the client_id and client secret of the configuration against them, or a \
             replacement if the configuration's cloud_provider, account_id, \
             service_principal_id or secret_id differs from the import ID. If \
             they do not match (another principal's client ID, a wrong secret, a principal or \
             secret that does not exist), that apply fails, changes nothing, and the connection \
             stays \"{}\" until the configuration is corrected or the record is removed with \
             `terraform state rm`. With the provider's management credentials for this account \
             (account_id, client_id, client_secret), an import looks the connection up at once.",
            Status::Unchecked,
            Status::Unchecked,
        ),
    )
}

/// `1 secret`, `2 secrets`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn parse(id: &str) -> Result<(Cloud, [&str; 4]), String> {
    if id.is_empty() {
        return Err("The import ID is empty".to_owned());
    }
    let parts: Vec<&str> = id.split('/').collect();
    // The ID is repeated only when no part of it looks like a secret.
    let whole = if parts.iter().any(|p| looks_like_secret(p)) {
        "The import ID".to_owned()
    } else {
        shown_value(id)
    };
    if let [account, _, _] = parts[..]
        && is_uuid(account)
    {
        return Err(format!(
            "{whole} is the ID form of releases before 0.2.0 \
             (<account_id>/<service_principal_id>/<secret_id>); put the cloud provider in \
             front: aws/{id}, azure/{id} or gcp/{id}"
        ));
    }
    let [cloud, account, sp, secret] = parts[..] else {
        return Err(match parts.len() {
            1 => format!("{whole} has no '/': it is 1 part, not 4"),
            n => format!("{whole} has {n} parts separated by '/', not 4"),
        });
    };
    let parsed_cloud = match cloud.parse::<Cloud>() {
        Ok(c) if CLOUDS.contains(&cloud) => c,
        _ => {
            return Err(format!(
                "{} is not a cloud provider (aws, azure or gcp)",
                shown_value(cloud)
            ));
        }
    };
    if !is_uuid(account) {
        return Err(format!(
            "{} is not an account ID (a UUID)",
            shown_value(account)
        ));
    }
    match principal_id_problem(sp) {
        None => {}
        Some(PrincipalIdProblem::TooLarge { .. }) => {
            return Err(format!(
                "{} is larger than a service principal ID can be (at most {MAX_PRINCIPAL_ID})",
                shown_value(sp)
            ));
        }
        Some(_) => {
            return Err(format!(
                "{} is not a service principal ID (decimal digits)",
                shown_value(sp)
            ));
        }
    }
    match secret_id_problem(secret) {
        None => {}
        Some(SecretIdProblem::TooLong { chars }) => {
            return Err(format!(
                "the secret ID has {chars} characters; a secret ID has at most \
                 {MAX_SECRET_ID_LEN}"
            ));
        }
        Some(_) => {
            return Err(format!(
                "{} is not a secret ID (hexadecimal digits)",
                shown_value(secret)
            ));
        }
    }
    Ok((parsed_cloud, [cloud, account, sp, secret]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_are_parsed_strictly() {
        let ok = "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e32";
        assert_eq!(parse(ok).unwrap().1[2], "2323502488275632");
        for bad in [
            "",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632",
            "AWS/0d2a7b1c-1234-4abc-9def-0123456789ab/1/s",
            "aws/not-a-uuid/1/s",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/12a/s",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/1/ ",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/1/ s",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/1/s/extra",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/1/..",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/1/.",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/../0a",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/1/0a\u{1}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_old_three_part_id_says_how_to_write_the_new_one() {
        let err =
            parse("0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e32").unwrap_err();
        assert!(
            err.contains("aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e32"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn the_imported_id_is_the_import_id_with_the_principal_id_as_databricks_knows_it() {
        let imported = |id: &str| {
            let request = ImportRequest {
                id: id.into(),
                capabilities: Default::default(),
            };
            async move { import(None, request).await }
        };
        let id = "gcp/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e32";
        let r = imported(id).await;
        assert_eq!(model::text(&r.state, Attr::Id), Some(id));
        assert_eq!(r.private, UNCHECKED);
        let r =
            imported("gcp/0d2a7b1c-1234-4abc-9def-0123456789ab/0002323502488275632/09094e32").await;
        assert_eq!(model::text(&r.state, Attr::Id), Some(id));
        assert_eq!(
            model::text(&r.state, Attr::ServicePrincipalId),
            Some("2323502488275632")
        );
    }

    #[test]
    fn counts_agree_in_number() {
        assert!(parse("abc").unwrap_err().contains("it is 1 part, not 4"));
        assert!(
            parse("a/b/c/d/e")
                .unwrap_err()
                .contains("has 5 parts separated by '/', not 4")
        );
        assert_eq!(parse("").unwrap_err(), "The import ID is empty");
        assert_eq!(count(1, "secret", "secrets"), "1 secret");
        assert_eq!(count(0, "secret", "secrets"), "0 secrets");
    }
}
