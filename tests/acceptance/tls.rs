//! Acceptance behind TLS: the provider's production path, HTTPS with certificate verification,
//! against the emulator started with `tls: true`. With the emulator's CA trusted through the
//! standard `SSL_CERT_FILE`, a connection is verified and recorded; without it, the apply fails
//! saying the certificate is not trusted, and no secret shows up anywhere.

use crate::support::connection::{Connection, Fixture, Management, assert_nothing_recorded};
use crate::support::terraform::Workdir;
use databricks_account_emulator::{Emulator, Options, Seed, canonical};

const C: &str = "databricks_workflow_connection.c";

/// The canonical seed behind HTTPS, management credentials configured (so refreshes read
/// SCIM and the secrets list over TLS as well).
fn tls_fixture() -> Fixture {
    let emu = Emulator::start_with(
        Seed::canonical(),
        Options {
            tls: true,
            ..Options::default()
        },
    )
    .expect("start the account API emulator with TLS");
    assert!(emu.url().starts_with("https://"), "{}", emu.url());
    let management = Management::add(&emu);
    Fixture {
        emu,
        work: Workdir::new(""),
        management: Some(management),
        provider_extra: Vec::new(),
    }
}

#[test]
fn https_with_the_emulator_ca_trusted_through_ssl_cert_file_verifies_and_records() {
    let mut fx = tls_fixture();
    let ca = fx.work.path().join("emulator-ca.pem");
    std::fs::write(&ca, fx.emu.ca_certificate_pem().unwrap()).unwrap();
    fx.work.env("SSL_CERT_FILE", ca.to_str().unwrap());
    fx.configure(&[("c", &Connection::canonical())], "");

    fx.work.apply_clean();
    let recorded = fx.work.instance(C);
    assert_eq!(recorded["status"], "verified", "{recorded:#}");
    assert_eq!(recorded["service_principal_name"], canonical::DISPLAY_NAME);
    let calls = fx.emu.calls();
    assert!(
        calls.token > 0 && calls.scim_get > 0 && calls.secrets_list > 0,
        "every call went over HTTPS: {calls:?}"
    );
    // The provider's own requests, as the request log saw them.
    assert!(
        fx.emu
            .requests()
            .iter()
            .any(|r| r.auth_scheme.as_deref() == Some("Basic")
                && r.client_id.as_deref() == Some(canonical::APPLICATION_ID)),
        "{:#?}",
        fx.emu.requests()
    );
}

#[test]
fn https_without_trusting_the_emulator_ca_fails_saying_the_certificate_is_not_trusted() {
    let mut fx = tls_fixture();
    // A certificate the client does not trust cannot become trusted by retrying; a short
    // budget keeps this test quick should the client retry it anyway (as of this writing it
    // does, as a connection error).
    fx.provider_extra
        .push("  retry_timeout_seconds = 5".to_owned());
    let conn = Connection::canonical();
    fx.configure(&[("c", &conn)], "");

    let out = fx.work.apply();
    assert_ne!(out.code, 0, "the apply must fail:\n{}", out.combined());
    assert_nothing_recorded(&fx.work);
    assert_eq!(
        fx.emu.calls().total(),
        0,
        "no request got past the handshake"
    );
    let management = fx.management.as_ref().unwrap();
    for secret in [canonical::SECRET, management.client_secret.as_str()] {
        assert!(
            !out.combined().contains(secret),
            "a secret value is in terraform's output:\n{}",
            out.combined()
        );
    }
    // The client's wording ("the TLS certificate of <host> is not trusted").
    let text = out.text();
    assert!(
        text.contains("not trusted"),
        "the diagnostic should say the TLS certificate is not trusted:\n{}",
        out.combined()
    );
}
