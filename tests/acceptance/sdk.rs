//! End to end with the official Databricks SDK for Python: the SDK creates a service principal,
//! grants it Account Admin and generates its OAuth secret (what precedes a Workflows
//! connection); the provider verifies and records the connection with the real `terraform`;
//! the SDK deletes the secret and the provider's drift check catches it.

use crate::support::connection::{Connection, Fixture, SecretArg, assert_status_change};
use crate::support::sdk::{SdkAccount, run_sdk_script};
use databricks_account_emulator::canonical;

const C: &str = "databricks_workflow_connection.c";

#[test]
fn sdk_provisioned_principal_is_verified_then_its_sdk_deleted_secret_is_drift() {
    // The provider has its own management principal; the SDK acts as the account's admin.
    let fx = Fixture::with_management();
    let url = fx.emu.url();
    let admin = SdkAccount {
        host: &url,
        account_id: canonical::ACCOUNT_ID,
        client_id: canonical::APPLICATION_ID,
        client_secret: canonical::SECRET,
    };

    let created = run_sdk_script("provision.py", &["create", "okta-workflows-ci"], &admin);
    let field = |name: &str| created[name].as_str().unwrap().to_owned();
    let (sp_id, secret_id) = (field("service_principal_id"), field("secret_id"));
    let conn = Connection {
        name: "Provisioned by the SDK".into(),
        description: None,
        account_id: canonical::ACCOUNT_ID.into(),
        client_id: field("application_id"),
        secret: SecretArg::Literal(field("secret")),
        service_principal_id: sp_id.clone(),
        secret_id: secret_id.clone(),
        ..Connection::canonical()
    };
    fx.configure(&[("c", &conn)], "");

    fx.work.apply_clean();
    let recorded = fx.work.instance(C);
    assert_eq!(recorded["status"], "verified", "{recorded:#}");
    assert_eq!(recorded["service_principal_name"], "okta-workflows-ci");

    // The request log tells the SDK's calls from the provider's.
    let log = fx.emu.requests();
    let sdk_ua = |r: &databricks_account_emulator::RequestRecord| {
        r.user_agent
            .as_deref()
            .is_some_and(|ua| ua.contains("databricks-sdk-py/0.162.0"))
    };
    assert!(
        log.iter().any(|r| r.method == "POST"
            && r.path.ends_with("/scim/v2/ServicePrincipals")
            && sdk_ua(r)),
        "the SDK created the principal: {log:#?}"
    );
    assert!(
        log.iter().any(|r| r.path.ends_with("/v1/token")
            && r.client_id.as_deref() == Some(conn.client_id.as_str())),
        "the provider checked the new principal's own secret: {log:#?}"
    );

    run_sdk_script(
        "provision.py",
        &["delete-secret", &sp_id, &secret_id],
        &admin,
    );
    let drift = fx.work.plan_refresh_only();
    assert_eq!(
        drift.code,
        2,
        "the deleted secret is drift:\n{}",
        drift.combined()
    );
    assert_status_change(&drift, "verified", "secret_not_found");
}
