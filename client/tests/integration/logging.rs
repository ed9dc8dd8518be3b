//! Logs of a whole verification at trace level carry no secret and no token.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::common::*;
use databricks_account_client::{ClientCredentials, SecretString, VerifyStatus, VerifyWith};
use databricks_account_emulator::{Fault, FaultRule};
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

const KNOWN_TOKEN: &str = "tok-known-4f1c9e0b7d";

#[tokio::test]
async fn trace_logs_of_verify_hold_no_secret_and_no_access_token() {
    let emu = start();
    // The first token answer carries a token whose value the test knows (the emulator then
    // refuses it, so the client also renews it and retries), and one SCIM call fails with 503
    // so a retry decision is logged.
    emu.inject_fault(FaultRule::new(
        "/oidc/",
        Fault::Response {
            status: 200,
            body: format!(r#"{{"access_token":"{KNOWN_TOKEN}","token_type":"Bearer","expires_in":3600,"scope":"all-apis"}}"#),
            content_type: "application/json".into(),
            headers: Default::default(),
        },
    ));
    emu.inject_fault(FaultRule::new(SECRETS_PREFIX, Fault::unavailable()));

    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(buffer.clone())
        .finish();
    let client = client(&emu);
    {
        let _guard = tracing::subscriber::set_default(subscriber);
        // Management credentials (the known token, refused, renewed), own credentials, and a
        // refused own secret.
        let outcome = client.verify(&management_input(), &never()).await.unwrap();
        assert_eq!(outcome.status, VerifyStatus::Verified);
        let outcome = client.verify(&own_input(), &never()).await.unwrap();
        assert_eq!(outcome.status, VerifyStatus::Verified);
        let mut wrong = own_input();
        wrong.credentials = VerifyWith::OwnSecret(SecretString::new("dosewrongwrongwrong"));
        let outcome = client.verify(&wrong, &never()).await.unwrap();
        assert_eq!(outcome.status, VerifyStatus::CredentialsRejected);
        let err = client
            .check_credentials(
                &account(),
                &ClientCredentials::new(MGMT_APP_ID, "dosebadmgmt"),
                &never(),
            )
            .await
            .unwrap_err();
        assert!(!err.to_string().contains("dosebadmgmt"));
    }
    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();

    if std::env::var_os("DUMP_LOGS").is_some() {
        eprintln!("{logs}");
    }
    // The capture worked: per-call events with their fields, a retry decision, trace bodies.
    assert!(logs.contains("account API call"), "{logs}");
    assert!(
        logs.contains("latency_ms=") && logs.contains("attempt=") && logs.contains("status=200"),
        "{logs}"
    );
    assert!(logs.contains(&format!("path={TOKEN_PATH}")), "{logs}");
    assert!(
        logs.contains("retrying account API call") && logs.contains("wait_ms="),
        "{logs}"
    );
    assert!(logs.contains("cached access token refused"), "{logs}");
    assert!(logs.contains("account API answer"), "{logs}");
    assert!(logs.contains("verification finished"), "{logs}");

    for secret in [
        SECRET,
        MGMT_SECRET,
        "dosewrongwrongwrong",
        "dosebadmgmt",
        KNOWN_TOKEN,
    ] {
        assert!(
            !logs.contains(secret),
            "{secret} leaked into the logs:\n{logs}"
        );
    }
    for header in ["Bearer ", "Basic ", "authorization", "Authorization"] {
        assert!(!logs.contains(header), "{header:?} in the logs:\n{logs}");
    }
}

#[test]
fn debug_of_secrets_and_inputs_prints_stars() {
    let secret = SecretString::new(SECRET);
    assert_eq!(format!("{secret:?}"), "***");
    assert_eq!(format!("{secret}"), "***");
    let creds = ClientCredentials::new(APPLICATION_ID, SECRET);
    let input = management_input();
    for text in [
        format!("{creds:?}"),
        format!("{input:?}"),
        format!("{:?}", own_input()),
    ] {
        assert!(
            !text.contains(SECRET) && !text.contains(MGMT_SECRET),
            "{text}"
        );
        assert!(text.contains("***"), "{text}");
    }
}
