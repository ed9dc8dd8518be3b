//! ImportResourceState: `<cloud_provider>/<account_id>/<service_principal_id>/<secret_id>`,
//! which is also the `id` of every recorded connection, so an `id` copied from
//! `terraform state show` imports. The imported record is `unchecked`; the read that follows
//! checks what the available credentials allow, and the first apply with a configured secret
//! verifies it fully.

use crate::protocol::backend::{ImportRequest, ImportResponse};
use crate::protocol::cty::Value;
use crate::protocol::diagnostics::Diagnostic;
use crate::validation::{is_decimal_id, is_uuid};

use super::attributes::{Attr, Status};
use super::model::{self, DEFAULT_EXPIRY_WARNING_DAYS};
use super::validate::CLOUDS;

const FORMAT: &str = "<cloud_provider>/<account_id>/<service_principal_id>/<secret_id> (the \
    connection's `id`), e.g. \
    aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e3230c8…";

pub fn import(request: ImportRequest) -> ImportResponse {
    match parse(&request.id) {
        Ok([cloud, account, sp, secret]) => {
            let mut state = model::null_object(Attr::ALL);
            model::set(&mut state, Attr::CloudProvider, model::string(cloud));
            model::set(&mut state, Attr::AccountId, model::string(account));
            model::set(&mut state, Attr::ServicePrincipalId, model::string(sp));
            model::set(&mut state, Attr::SecretId, model::string(secret));
            model::set(
                &mut state,
                Attr::Id,
                model::string(model::id_of(cloud, account, sp, secret)),
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
                private: Vec::new(),
                diagnostics: Default::default(),
            }
        }
        Err(problem) => ImportResponse {
            state: Value::Null,
            private: Vec::new(),
            diagnostics: Diagnostic::error(
                "Invalid import ID",
                format!("{problem}. The import ID of a connection is {FORMAT}."),
            )
            .into(),
        },
    }
}

fn parse(id: &str) -> Result<[&str; 4], String> {
    let parts: Vec<&str> = id.split('/').collect();
    if let [account, _, _] = parts[..]
        && is_uuid(account)
    {
        return Err(format!(
            "\"{id}\" is the ID form of releases before 0.2 (<account_id>/<service_principal_id>/<secret_id>); put the cloud provider in front: aws/{id}, azure/{id} or gcp/{id}"
        ));
    }
    let [cloud, account, sp, secret] = parts[..] else {
        return Err(format!(
            "\"{id}\" has {} parts separated by '/', not 4",
            parts.len()
        ));
    };
    if !CLOUDS.contains(&cloud) {
        return Err(format!(
            "\"{cloud}\" is not a cloud provider (aws, azure or gcp)"
        ));
    }
    if !is_uuid(account) {
        return Err(format!("\"{account}\" is not an account ID (a UUID)"));
    }
    if !is_decimal_id(sp) {
        return Err(format!(
            "\"{sp}\" is not a service principal ID (decimal digits)"
        ));
    }
    if secret.trim().is_empty() || secret.trim() != secret {
        return Err(format!(
            "\"{secret}\" is not a secret ID (empty, or with surrounding spaces)"
        ));
    }
    Ok([cloud, account, sp, secret])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_are_parsed_strictly() {
        let ok = "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e32";
        assert_eq!(parse(ok).unwrap()[2], "2323502488275632");
        for bad in [
            "",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632",
            "AWS/0d2a7b1c-1234-4abc-9def-0123456789ab/1/s",
            "aws/not-a-uuid/1/s",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/12a/s",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/1/ ",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/1/ s",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/1/s/extra",
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

    #[test]
    fn the_imported_id_is_the_import_id() {
        let id = "gcp/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e32";
        let r = import(ImportRequest {
            id: id.into(),
            capabilities: Default::default(),
        });
        assert_eq!(model::text(&r.state, Attr::Id), Some(id));
    }
}
