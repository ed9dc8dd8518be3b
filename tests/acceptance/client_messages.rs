//! Acceptance: what a failed call says is true of the user's setup, and says it once. A
//! refused proxy is named as the proxy, not blamed on the account host; the scheme default is
//! mentioned only for a host written without one; a retry window and an unresolvable name are
//! each stated once; a certificate for other names is not sent to SSL_CERT_FILE; a revoke whose
//! DELETE went out does not claim that nothing was deleted.

use std::net::{Ipv4Addr, SocketAddr};

use crate::support::connection::{Connection, Fixture, diagnostic, quote};
use crate::support::terraform::{Output, Workdir, required_providers};
use crate::support::unreachable::free_port;
use databricks_account_emulator::{Emulator, Fault, FaultRule, Options, Seed, canonical};

const VERIFY_FAILED: &str = "Verifying the connection failed";

/// The canonical connection with the provider block `provider` (its arguments only).
fn workdir_with(provider: &str) -> Workdir {
    Workdir::new(&format!(
        "{}\nprovider \"databricks\" {{\n{provider}\n}}\n\n{}",
        required_providers(),
        Connection::canonical().block("c")
    ))
}

fn workdir_with_host(host: &str) -> Workdir {
    workdir_with(&format!("  host = {}", quote(host)))
}

/// The detail of the failed apply's "Verifying the connection failed".
#[track_caller]
fn failed_detail(out: &Output) -> String {
    assert_eq!(out.code, 1, "{}", out.combined());
    let d = diagnostic(out, "error", VERIFY_FAILED);
    d["detail"].as_str().unwrap().to_owned()
}

#[test]
fn a_refused_proxy_is_named_as_the_proxy_not_blamed_on_the_account_host() {
    let port = free_port();
    // The default account host; the proxy carries it, and nothing listens on its port.
    let mut work = workdir_with("");
    work.env(
        "HTTPS_PROXY",
        &format!("http://proxyuser:proxypass@127.0.0.1:{port}"),
    );
    let detail = failed_detail(&work.apply_json());
    for part in [
        format!("could not connect to the proxy http://127.0.0.1:{port}"),
        format!("The proxy http://127.0.0.1:{port} refused the connection"),
        "HTTPS_PROXY / ALL_PROXY".to_owned(),
        "NO_PROXY".to_owned(),
        "Not retried.".to_owned(),
    ] {
        assert!(detail.contains(&part), "{part:?} in {detail}");
    }
    for absent in [
        "Nothing accepts connections on accounts.cloud.databricks.com",
        "proxyuser",
        "proxypass",
        "gave up after",
    ] {
        assert!(!detail.contains(absent), "{absent:?} in {detail}");
    }
}

#[test]
fn plain_http_on_an_explicit_https_loopback_host_does_not_blame_a_missing_scheme() {
    let fx = Fixture::new();
    let address = fx.emu.url().trim_start_matches("http://").to_owned();
    let detail = failed_detail(&workdir_with_host(&format!("https://{address}")).apply_json());
    assert!(
        detail.contains(&format!("set the provider's host to \"http://{address}\"")),
        "{detail}"
    );
    assert!(!detail.contains("without a scheme"), "{detail}");
    assert_eq!(detail.matches("plain HTTP").count(), 1, "{detail}");
}

#[test]
fn plain_http_on_a_loopback_host_without_a_scheme_explains_the_default_once() {
    let fx = Fixture::new();
    let address = fx.emu.url().trim_start_matches("http://").to_owned();
    let detail = failed_detail(&workdir_with_host(&address).apply_json());
    assert!(
        detail.contains("A host without a scheme means https://."),
        "{detail}"
    );
    assert_eq!(detail.matches("plain HTTP").count(), 1, "{detail}");
}

#[test]
fn a_refused_port_says_once_how_long_it_was_retried() {
    let port = free_port();
    let detail =
        failed_detail(&workdir_with_host(&format!("http://127.0.0.1:{port}")).apply_json());
    assert!(
        detail.contains(&format!(
            "Nothing accepts connections on 127.0.0.1 port {port}"
        )),
        "{detail}"
    );
    assert_eq!(detail.matches("retried for").count(), 1, "{detail}");
}

#[test]
fn an_unresolvable_name_is_said_once_with_the_host_to_check() {
    let detail = failed_detail(&workdir_with_host("https://nonexistent.invalid").apply_json());
    assert_eq!(
        detail.matches("resolve").count(),
        1,
        "the name not resolving is said once: {detail}"
    );
    assert!(
        detail.contains("the host name nonexistent.invalid does not resolve"),
        "{detail}"
    );
    assert!(
        detail.contains(
            "Check the provider's host (or DATABRICKS_HOST, or the profile's host) for a typo"
        ),
        "{detail}"
    );
}

#[test]
fn a_certificate_for_other_names_says_so_instead_of_pointing_at_ssl_cert_file() {
    // The emulator's certificate covers localhost, 127.0.0.1 and ::1; 127.0.0.2 is this
    // machine too, under another name.
    let emu = Emulator::start_with(
        Seed::canonical(),
        Options {
            tls: true,
            addr: SocketAddr::from((Ipv4Addr::new(127, 0, 0, 2), 0)),
            ..Options::default()
        },
    )
    .expect("start the emulator with TLS on 127.0.0.2");
    let host = emu.url();
    let port = host
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    assert_eq!(
        host.trim_end_matches('/'),
        format!("https://127.0.0.2:{port}")
    );
    let mut work = workdir_with_host(&host);
    let ca = work.path().join("emulator-ca.pem");
    std::fs::write(&ca, emu.ca_certificate_pem().unwrap()).unwrap();
    work.env("SSL_CERT_FILE", ca.to_str().unwrap());
    let detail = failed_detail(&work.apply_json());
    for part in [
        format!(
            "the TLS certificate of https://127.0.0.2:{port} is for other names than 127.0.0.2"
        ),
        "certificate covers localhost, 127.0.0.1 and ::1, not 127.0.0.2".to_owned(),
        "Not retried.".to_owned(),
    ] {
        assert!(detail.contains(&part), "{part:?} in {detail}");
    }
    assert!(!detail.contains("SSL_CERT_FILE"), "{detail}");
}

fn revoking_fixture() -> Fixture {
    let mut fx = Fixture::new();
    fx.provider_extra.push("  retry_timeout_seconds = 1".into());
    fx.configure(
        &[(
            "c",
            &Connection::canonical().arg("revoke_secret_on_destroy", "true"),
        )],
        "",
    );
    fx.work.apply_clean();
    fx
}

/// The detail of a failed destroy's "Revoking the OAuth secret failed".
fn revoke_failure(fx: &Fixture) -> String {
    // Without a refresh, so the revoke is the first call that meets the fault.
    let out = fx
        .work
        .run(&["destroy", "-auto-approve", "-refresh=false", "-json"]);
    assert_eq!(out.code, 1, "{}", out.combined());
    let d = diagnostic(&out, "error", "Revoking the OAuth secret failed");
    d["detail"].as_str().unwrap().to_owned()
}

#[test]
fn a_revoke_answered_500_does_not_claim_nothing_was_deleted() {
    let fx = revoking_fixture();
    fx.emu.inject_fault(
        FaultRule::new(
            "/api/2.0/accounts/",
            Fault::server_error(500, "INTERNAL_ERROR"),
        )
        .method("DELETE")
        .times(0),
    );
    let detail = revoke_failure(&fx);
    assert!(
        detail.contains(
            "The connection is still recorded; the secret may or may not have been deleted"
        ),
        "{detail}"
    );
    assert!(!detail.contains("nothing was deleted"), "{detail}");
}

#[test]
fn a_revoke_that_never_sent_its_delete_says_nothing_was_deleted() {
    let fx = revoking_fixture();
    // The token request fails, so no DELETE goes out.
    fx.emu.inject_fault(
        FaultRule::new("/oidc/", Fault::server_error(403, "access_denied"))
            .method("POST")
            .times(0),
    );
    let detail = revoke_failure(&fx);
    assert!(
        detail.contains("The connection is still recorded; nothing was deleted."),
        "{detail}"
    );
    assert!(
        fx.secret(canonical::SERVICE_PRINCIPAL_ID, canonical::SECRET_ID)
            .is_some()
    );
}

#[test]
fn an_import_of_an_unknown_principal_names_the_management_client_id_without_nested_parentheses() {
    let fx = Fixture::with_management();
    fx.configure(&[("c", &Connection::canonical())], "");
    let unknown = "1234567890123456";
    let id = format!(
        "aws/{}/{unknown}/{}",
        canonical::ACCOUNT_ID,
        canonical::SECRET_ID
    );
    let out = fx.work.run(&[
        "import",
        "-input=false",
        "-no-color",
        "databricks_workflow_connection.c",
        &id,
    ]);
    assert_eq!(out.code, 1, "{}", out.combined());
    let text = out.text().replace('\n', " ");
    assert!(
        text.contains("(looked up with the provider's management credentials, client ID"),
        "{text}"
    );
    assert!(!text.contains("(client ID"), "{text}");
}
