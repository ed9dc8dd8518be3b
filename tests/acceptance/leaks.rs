//! Acceptance: nothing the provider sent comes back on screen or in a log, whatever a server
//! echoes. A stand-in for the account API (tests/support/reflect.rs) answers the token, SCIM
//! and secret-list calls with the request it received — headers, body, the credentials decoded
//! in every encoding — as a 400/401/403/404/500 text body, an HTML page and a JSON 200
//! `message`; the real terraform runs with `TF_LOG=trace`, and neither its output nor the trace
//! file holds any form of either client secret, either Basic header or either access token.

use crate::support::connection::{Connection, SecretArg, quote};
use crate::support::reflect::{
    ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, Call, ECHO_END, MANAGEMENT_CLIENT_ID, MANAGEMENT_SECRET,
    Reflector, SECRET_ID, SERVICE_PRINCIPAL_ID, Shape, every_credential_form,
};
use crate::support::terraform::{Output, Workdir, required_providers};

/// Whose credentials the echoed call carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Credentials {
    /// The connection's own, in a create.
    Own,
    /// The provider's management credentials, in a refresh.
    Management,
}

/// A workdir whose provider talks to `reflector`, with management credentials when `with`
/// says so.
fn workdir(reflector: &Reflector, with: Credentials) -> Workdir {
    let mut provider = vec![
        format!("  host = {}", quote(reflector.url())),
        // A 500 is retried; one second of retries is enough to see the echo.
        "  retry_timeout_seconds = 1".to_owned(),
    ];
    if with == Credentials::Management {
        provider.push(format!("  account_id = {}", quote(ACCOUNT_ID)));
        provider.push(format!("  client_id = {}", quote(MANAGEMENT_CLIENT_ID)));
        provider.push(format!("  client_secret = {}", quote(MANAGEMENT_SECRET)));
    }
    let connection = Connection {
        account_id: ACCOUNT_ID.into(),
        client_id: CLIENT_ID.into(),
        secret: SecretArg::Literal(CLIENT_SECRET.into()),
        service_principal_id: SERVICE_PRINCIPAL_ID.into(),
        secret_id: SECRET_ID.into(),
        ..Connection::canonical()
    };
    let work = Workdir::new("");
    work.write(
        "main.tf",
        &format!(
            "{}\nprovider \"databricks\" {{\n{}\n}}\n\n{}",
            required_providers(),
            provider.join("\n"),
            connection.block("c")
        ),
    );
    work
}

/// Runs terraform with a trace log; returns the output and the log.
fn traced(work: &Workdir, args: &[&str], run: usize) -> (Output, String) {
    let log = work.path().join(format!("trace-{run}.log"));
    let out = work.run_with(
        args,
        &[("TF_LOG", "trace"), ("TF_LOG_PATH", log.to_str().unwrap())],
    );
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    (out, log)
}

/// Where the echo is expected to show, or `None` where the provider shows nothing of the
/// answer (a refused own secret, a 403 or 404 that is a check's outcome, a token answer
/// without a token): the test then still checks that nothing leaked.
fn echo_shows(call: Call, shape: Shape, with: Credentials) -> Option<&'static str> {
    let own = with == Credentials::Own;
    match (call, shape) {
        (Call::Token, Shape::Text(401)) if own => None,
        (Call::Token, Shape::JsonMessage) => None,
        (Call::Scim | Call::Secrets, Shape::Text(403)) if own => None,
        (Call::Scim | Call::Secrets, Shape::Text(404)) => None,
        (_, Shape::JsonMessage) => Some("trace log"),
        _ => Some("terraform output"),
    }
}

/// Echoes `call` in every shape and checks terraform's output and trace log for every form of
/// every credential.
fn nothing_leaks(call: Call, with: Credentials) {
    let reflector = Reflector::start();
    let work = workdir(&reflector, with);
    let args: &[&str] = match with {
        Credentials::Own => &["apply", "-auto-approve", "-input=false", "-no-color"],
        Credentials::Management => {
            // A recorded connection, refreshed with the management credentials.
            let out = work.apply();
            assert_eq!(out.code, 0, "{}", out.combined());
            &["plan", "-input=false", "-no-color"]
        }
    };
    let forms = every_credential_form();
    for (run, shape) in Shape::ALL.into_iter().enumerate() {
        reflector.echo(call, shape);
        let before = reflector.echoed();
        let (out, log) = traced(&work, args, run);
        assert!(
            reflector.echoed() > before,
            "{call:?} {shape:?}: the call was not reached:\n{}",
            out.combined()
        );
        let text = out.text();
        for form in &forms {
            assert!(
                !out.combined().contains(form.as_str()),
                "{call:?} {shape:?} {with:?}: {form:?} is in terraform's output:\n{}",
                out.combined()
            );
            assert!(
                !log.contains(form.as_str()),
                "{call:?} {shape:?} {with:?}: {form:?} is in the trace log"
            );
        }
        match echo_shows(call, shape, with) {
            Some("trace log") => assert!(
                log.contains(ECHO_END),
                "{call:?} {shape:?} {with:?}: the echo should be in the trace log"
            ),
            Some(_) => assert!(
                text.contains(ECHO_END),
                "{call:?} {shape:?} {with:?}: the whole echo should be on screen:\n{}",
                out.combined()
            ),
            None => {}
        }
    }
    reflector.behave();
}

#[test]
fn an_echoing_token_endpoint_shows_nothing_of_the_connections_secret() {
    nothing_leaks(Call::Token, Credentials::Own);
}

#[test]
fn an_echoing_scim_api_shows_nothing_of_the_connections_token() {
    nothing_leaks(Call::Scim, Credentials::Own);
}

#[test]
fn an_echoing_secret_list_shows_nothing_of_the_connections_token() {
    nothing_leaks(Call::Secrets, Credentials::Own);
}

#[test]
fn an_echoing_token_endpoint_shows_nothing_of_the_management_secret() {
    nothing_leaks(Call::Token, Credentials::Management);
}

#[test]
fn an_echoing_scim_api_shows_nothing_of_the_management_token() {
    nothing_leaks(Call::Scim, Credentials::Management);
}

#[test]
fn an_echoing_secret_list_shows_nothing_of_the_management_token() {
    nothing_leaks(Call::Secrets, Credentials::Management);
}
