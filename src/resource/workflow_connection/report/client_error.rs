//! Diagnostics for calls that could not complete. The client states what happened — the kind,
//! the request, the attempts and time spent, the limit that ended it, whose credentials made
//! the call; this module words it for a Terraform user and names the provider argument to
//! change where one is the fix.

use std::net::IpAddr;

use databricks_account_client::{
    CheckContext, CredentialSource, Endpoint, Error as ClientError, ErrorKind, HostOrigin, Limit,
    Operation, TransportFailure,
};

use crate::protocol::diagnostics::Diagnostic;

/// A call that could not complete: network, retries exhausted, management credentials,
/// cancellation. `context` is a sentence that says what happened to the record;
/// `connection_client_id` is the connection's client ID where it is known, which tells whether
/// a management principal refused for a missing role is the connection's own.
pub fn client_error(
    operation: &str,
    error: &ClientError,
    context: &str,
    connection_client_id: Option<&str>,
) -> Diagnostic {
    let summary = match error.kind() {
        ErrorKind::Cancelled => format!("{operation} was cancelled"),
        _ => format!("{operation} failed"),
    };
    let mut detail = full_stop(&what_happened(error));
    if let Some(advice) = advice(error, connection_client_id) {
        detail = format!("{detail} {advice}");
    }
    Diagnostic::error(
        summary,
        format!("{detail} {context}").trim_end().to_string(),
    )
}

/// The client's account of the failure, with the provider's argument named next to the limit
/// it sets.
fn what_happened(e: &ClientError) -> String {
    match (e.kind(), e.limit()) {
        (ErrorKind::Cancelled, _) => format!(
            "The {} was cancelled: Terraform asked the provider to stop",
            e.operation().map_or("operation", Operation::as_str)
        ),
        (_, Some(Limit::RetryBudget { budget, next_wait })) => {
            let context = e.context().map(|c| format!("{c}: ")).unwrap_or_default();
            let request = e.request().map(|r| format!("{r}: ")).unwrap_or_default();
            let elapsed = e.elapsed().unwrap_or_default();
            let last = e
                .last_cause()
                .map(|last| format!(" Last error: {}", full_stop(last.detail())))
                .unwrap_or_default();
            format!(
                "{context}{request}gave up after {} over {:.1} s: the next retry would wait \
                 {:.1} s, more than the {:.1} s left of the {:.0} s retry budget \
                 (retry_timeout_seconds).{last}",
                count(e.attempts(), "attempt"),
                elapsed.as_secs_f64(),
                next_wait.as_secs_f64(),
                budget.saturating_sub(elapsed).as_secs_f64(),
                budget.as_secs_f64(),
            )
        }
        _ => e.to_string(),
    }
}

/// What to do, for the failure behind the error (the last one when retries gave up).
fn advice(e: &ClientError, connection_client_id: Option<&str>) -> Option<String> {
    if let Some(Limit::OperationTime(budget)) = e.limit() {
        return Some(format!(
            "One operation may take retry_timeout_seconds ({:.0} s) in all, and no account API \
             lists this many pages for one service principal: check the host.",
            budget.as_secs_f64()
        ));
    }
    let failure = e.last_cause().unwrap_or(e);
    if let Some(transport) = failure.transport() {
        return Some(no_answer(transport, failure));
    }
    let gave_up = e.kind() == ErrorKind::BudgetExhausted;
    let advice = match failure.kind() {
        ErrorKind::RateLimited if gave_up => "Databricks asked for fewer requests: lower \
             rate_limit, or raise retry_timeout_seconds to wait longer."
            .to_owned(),
        ErrorKind::Unavailable if gave_up => "The service kept failing: try again later, or \
             raise retry_timeout_seconds to wait longer."
            .to_owned(),
        ErrorKind::CredentialsRejected => refused_credentials(e.context()),
        ErrorKind::InvalidRequest if failure.endpoint() == Some(Endpoint::Token) => {
            "The token endpoint refused the request: check the account ID.".to_owned()
        }
        ErrorKind::PermissionDenied if failure.endpoint() == Some(Endpoint::Token) => {
            "The token endpoint refused access: is this machine's IP address allowed by the \
             account's IP access list?"
                .to_owned()
        }
        ErrorKind::PermissionDenied => missing_permission(e.context(), connection_client_id),
        ErrorKind::Unauthenticated => "The access token was refused.".to_owned(),
        _ => return None,
    };
    Some(advice)
}

/// What to do when a request got no HTTP answer, naming the host and port it went to.
fn no_answer(transport: TransportFailure, failure: &ClientError) -> String {
    let host = failure.host().unwrap_or("the host");
    let port = failure
        .port()
        .map_or_else(String::new, |p| format!(" port {p}"));
    match transport {
        // The client's message says already that the name does not resolve.
        TransportFailure::NameNotResolved
            if failure.host_origin() == Some(HostOrigin::CloudDefault) =>
        {
            "No host is configured, so this is the account console's own name: check this \
             machine's DNS and network, and the proxy settings (HTTPS_PROXY / ALL_PROXY). Not \
             retried."
                .to_owned()
        }
        TransportFailure::NameNotResolved => "Check the provider's host (or DATABRICKS_HOST, or \
             the profile's host) for a typo, and this machine's DNS. Not retried."
            .to_owned(),
        // The client's message says already how long a refused connection was retried.
        TransportFailure::Refused => format!(
            "Nothing accepts connections on {host}{port}: check the port and the scheme \
             (http:// or https://) of the provider's host, and that the server is running."
        ),
        TransportFailure::ProxyRefused => format!(
            "The proxy {} refused the connection, so {host} was never reached: check \
             HTTPS_PROXY / ALL_PROXY (HTTP_PROXY for an http:// host), or list the host in \
             NO_PROXY to connect without the proxy. Not retried.",
            failure.proxy().unwrap_or("from the environment")
        ),
        // The client's message says already that the server speaks something else than TLS.
        TransportFailure::NotTls if is_loopback(host) => {
            let implied = if failure.host_origin() == Some(HostOrigin::ConfiguredWithoutScheme) {
                "A host without a scheme means https://. "
            } else {
                ""
            };
            format!(
                "{implied}For a local emulator without TLS, set the provider's host to \
                 \"http://{host}{}\". Not retried.",
                failure.port().map_or_else(String::new, |p| format!(":{p}"))
            )
        }
        TransportFailure::NotTls => format!(
            "The server on {host}{port} does not speak HTTPS: check the port and the scheme of \
             the provider's host. Not retried."
        ),
        TransportFailure::TlsVersion => format!(
            "The server on {host}{port} accepts only TLS versions or cipher suites this \
             provider does not (it speaks TLS 1.2 and 1.3): enable TLS 1.2 or 1.3 on the \
             server, or check that the provider's host names the right server. Not retried."
        ),
        TransportFailure::HandshakeClosed => format!(
            "The server on {host}{port} hung up during the TLS handshake: it may accept only \
             TLS versions this provider does not speak (it speaks TLS 1.2 and 1.3), or not \
             speak TLS on that port (for a local plain-HTTP server, use http://)."
        ),
        TransportFailure::Handshake => {
            "Check that the provider's host names an HTTPS server. Not retried.".to_owned()
        }
        TransportFailure::CertificateName if is_loopback(host) => format!(
            "Check that the provider's host names the server you mean: a local emulator's \
             certificate covers localhost, 127.0.0.1 and ::1, not {host}. Not retried."
        ),
        TransportFailure::CertificateName => format!(
            "Check that the provider's host names the server you mean: the server on \
             {host}{port} presents a certificate for other names. Not retried."
        ),
        TransportFailure::Certificate => "If the host uses a private certificate authority, \
             point SSL_CERT_FILE at its CA certificate (PEM). Not retried."
            .to_owned(),
        TransportFailure::ProxyTunnel => {
            "Check HTTPS_PROXY / ALL_PROXY, or list the host in NO_PROXY.".to_owned()
        }
        TransportFailure::TimedOut => {
            let timeout = match failure.limit() {
                Some(Limit::RequestTimeout(t)) => format!(" ({:.0} s)", t.as_secs_f64()),
                _ => String::new(),
            };
            format!(
                "Every attempt timed out: check the host and the network, or raise \
                 http_timeout_seconds{timeout} if the host is only slow."
            )
        }
        _ => "Check the host and the network (DNS, proxy, firewall).".to_owned(),
    }
}

/// Whether a host name or address is this machine (`[::1]` as URLs write it).
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The token endpoint refused a client ID and secret: the management credentials are the
/// provider's own arguments, a connection's are the resource's.
fn refused_credentials(context: Option<&CheckContext>) -> String {
    match context {
        Some(c) if c.credentials == CredentialSource::Management => format!(
            "Databricks refused the provider's management credentials (client ID {}) for \
             account {}: check the provider's account_id, client_id and client_secret.",
            c.client_id.as_deref().unwrap_or("unknown"),
            c.account_id
        ),
        _ => "Databricks refused the client ID and secret for this account: check the client \
              ID, the secret and the account ID."
            .to_owned(),
    }
}

/// A 403 of the account API. With management credentials the principal that needs the role
/// is the management one, named by its client ID; the connection's principal in the URL is
/// another one unless the connection's client ID is the management client ID.
fn missing_permission(
    context: Option<&CheckContext>,
    connection_client_id: Option<&str>,
) -> String {
    match context {
        Some(c) if c.credentials == CredentialSource::Management => {
            let management = c.client_id.as_deref().unwrap_or("unknown");
            let checked = &c.service_principal_id;
            let which = match connection_client_id {
                Some(own) if own.eq_ignore_ascii_case(management) => format!(
                    "The connection's client ID is the same: service principal {checked} in \
                     the request is the management principal itself."
                ),
                Some(_) => format!(
                    "Service principal {checked} in the request is the one being checked, not \
                     the one that needs the role."
                ),
                None => format!(
                    "Service principal {checked} in the request is the one being checked; it \
                     needs the role only if it is the management principal itself."
                ),
            };
            format!(
                "The management service principal, client ID {management} (the provider's \
                 client_id), lacks the Account Admin role in account {}: grant that principal \
                 the role in the account console (Roles tab). {which}",
                c.account_id,
            )
        }
        _ => "The service principal lacks a permission; account APIs need the Account Admin \
              role."
            .to_owned(),
    }
}

/// "1 attempt", "3 attempts".
fn count(n: u32, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// Ends a text with a full stop, so another sentence can follow.
fn full_stop(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}
