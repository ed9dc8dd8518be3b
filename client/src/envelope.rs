//! Parsing of error bodies: every envelope the account API (or something in front of it) uses.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::error::ErrorKind;
use crate::redact::credential_shapes;

/// Said whenever the answer is an HTML page: the usual cause is a wrong host or account ID.
pub(crate) const HTML_HINT: &str =
    "the host returned an HTML page, not the Databricks account API — check the host / account ID";

// Messages quoted from a body are cut here: enough to act on, not a page of noise.
const MAX_QUOTE: usize = 300;

/// Which shape the body had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Envelope {
    Empty,
    Html,
    OAuth,
    Databricks,
    Scim,
    Api12,
    PlainCode,
    PlainText,
    InvalidJson,
    OtherJson,
}

/// The useful part of an error body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParsedError {
    pub envelope: Envelope,
    pub code: Option<String>,
    pub message: String,
    /// `RetryInfo.retry_delay` of a Databricks `details` list.
    pub retry_delay: Option<Duration>,
    /// `RequestInfo.request_id`, worth quoting to Databricks support.
    pub request_id: Option<String>,
}

impl ParsedError {
    fn new(envelope: Envelope, code: Option<String>, message: String) -> Self {
        Self {
            envelope,
            code,
            message,
            retry_delay: None,
            request_id: None,
        }
    }

    /// `CODE: message (request ID …)`, or as much of it as there is.
    pub fn summary(&self) -> String {
        let mut out = match (&self.code, self.message.is_empty()) {
            (Some(code), false) if self.envelope != Envelope::Html => {
                format!("{code}: {}", self.message)
            }
            (Some(code), true) => code.clone(),
            _ => self.message.clone(),
        };
        if let Some(id) = &self.request_id {
            out.push_str(&format!(" (request ID {id})"));
        }
        out
    }
}

/// The standard reason phrase of a status, e.g. `Not Found`.
pub(crate) fn status_text(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown Status")
}

/// Whether a body is an HTML page rather than an API answer.
pub(crate) fn looks_like_html(content_type: Option<&str>, body: &[u8]) -> bool {
    let declared = content_type
        .map(|ct| ct.to_ascii_lowercase().contains("html"))
        .unwrap_or(false);
    declared || trim_ascii(body).first() == Some(&b'<')
}

/// Reads an error body of any known shape. Never fails: the worst case is the status text.
pub(crate) fn parse_error_body(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> ParsedError {
    let trimmed = trim_ascii(body);
    if trimmed.is_empty() {
        return ParsedError::new(Envelope::Empty, None, status_text(status).to_owned());
    }
    if looks_like_html(content_type, trimmed) {
        return ParsedError::new(Envelope::Html, None, html_message(trimmed));
    }
    match serde_json::from_slice::<Value>(trimmed) {
        Ok(Value::Object(map)) => parse_json_error(status, &map),
        Ok(_) => ParsedError::new(
            Envelope::OtherJson,
            None,
            format!("{} (unrecognised JSON error body)", status_text(status)),
        ),
        Err(e) => {
            let jsonish = content_type
                .map(|ct| ct.to_ascii_lowercase().contains("json"))
                .unwrap_or(false)
                || matches!(trimmed.first(), Some(b'{') | Some(b'['));
            if jsonish {
                ParsedError::new(Envelope::InvalidJson, None, describe_json_error(&e))
            } else {
                parse_text_error(trimmed)
            }
        }
    }
}

fn parse_json_error(status: u16, map: &Map<String, Value>) -> ParsedError {
    // Databricks standard envelope; error_code may be a string or a number.
    if let Some(code) = map.get("error_code").and_then(scalar_string) {
        let message = str_field(map, "message").unwrap_or_default();
        let mut parsed = ParsedError::new(Envelope::Databricks, Some(code), quote(&message));
        if let Some(Value::Array(details)) = map.get("details") {
            for d in details {
                if let Some(id) = d.get("request_id").and_then(Value::as_str) {
                    parsed.request_id = Some(quote(id));
                }
                if let Some(delay) = d.get("retry_delay").and_then(Value::as_str) {
                    parsed.retry_delay = parse_proto_duration(delay);
                }
            }
        }
        return parsed;
    }
    // SCIM: {"detail","status","scimType","schemas"}.
    let scim_schema = map
        .get("schemas")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .any(|s| s.ends_with(":Error"))
        })
        .unwrap_or(false);
    if scim_schema || map.contains_key("detail") || map.contains_key("scimType") {
        let scim_status = map
            .get("status")
            .and_then(scalar_string)
            .unwrap_or_else(|| status.to_string());
        let detail = match str_field(map, "detail") {
            Some(d) if d == "null" => "SCIM API Internal Error".to_owned(),
            Some(d) => d,
            None => String::new(),
        };
        let message = match str_field(map, "scimType") {
            Some(t) if !t.is_empty() => format!("{t} {detail}"),
            _ => detail,
        };
        return ParsedError::new(
            Envelope::Scim,
            Some(format!("SCIM_{scim_status}")),
            quote(message.trim()),
        );
    }
    // OAuth (RFC 6749 §5.2), and the Okta-style spelling.
    let oauth_code = str_field(map, "error").or_else(|| str_field(map, "errorCode"));
    let oauth_description =
        str_field(map, "error_description").or_else(|| str_field(map, "errorSummary"));
    if let Some(error) = oauth_code {
        let is_oauth_code = !error.is_empty()
            && error
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if oauth_description.is_some() || map.contains_key("error_id") || is_oauth_code {
            let message = oauth_description.unwrap_or_default();
            return ParsedError::new(Envelope::OAuth, Some(quote(&error)), quote(&message));
        }
        // API 1.2: {"error": "<sentence>"}.
        return ParsedError::new(Envelope::Api12, None, quote(&error));
    }
    if let Some(message) = str_field(map, "message") {
        return ParsedError::new(Envelope::OtherJson, None, quote(&message));
    }
    ParsedError::new(
        Envelope::OtherJson,
        None,
        format!("{} (unrecognised JSON error body)", status_text(status)),
    )
}

// `MALFORMED_REQUEST: vpc_endpoints malformed parameters`, else the text itself.
fn parse_text_error(body: &[u8]) -> ParsedError {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if let Some((code, message)) = text.split_once(':') {
        let is_code = code.len() >= 2
            && code.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if is_code {
            return ParsedError::new(Envelope::PlainCode, Some(code.to_owned()), quote(message));
        }
    }
    ParsedError::new(Envelope::PlainText, None, quote(text))
}

/// The HTML hint plus what the page itself says, from `<pre>` (error pages of API gateways),
/// else `<title>`.
pub(crate) fn html_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let page_says = element_text(&text, "pre").or_else(|| element_text(&text, "title"));
    match page_says {
        Some(says) if !says.is_empty() => format!("{HTML_HINT} (the page says: {says:?})"),
        _ => HTML_HINT.to_owned(),
    }
}

fn element_text(html: &str, tag: &str) -> Option<String> {
    // ASCII lowercasing keeps byte offsets, so indices found in `lower` are valid in `html`.
    let lower = html.to_ascii_lowercase();
    let open = lower.find(&format!("<{tag}"))?;
    let content_start = open + lower[open..].find('>')? + 1;
    let content_end = content_start + lower[content_start..].find(&format!("</{tag}"))?;
    let inner = html.get(content_start..content_end)?;
    Some(quote(&decode_entities(&strip_tags(inner))))
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Says how JSON is broken without quoting it (the body may hold a token).
pub(crate) fn describe_json_error(e: &serde_json::Error) -> String {
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        serde_json::error::Category::Eof => format!(
            "the response body is truncated JSON (it ends early, at line {line} column {column})"
        ),
        serde_json::error::Category::Syntax => {
            format!(
                "the response body is not valid JSON (syntax error at line {line} column {column})"
            )
        }
        serde_json::error::Category::Data => format!(
            "the response JSON does not have the expected shape (at line {line} column {column})"
        ),
        serde_json::error::Category::Io => "the response body could not be read".to_owned(),
    }
}

/// The error kind of an HTTP error answer. The body's code decides before the status, as in
/// the Databricks SDKs; an HTML page is never taken for an API answer, so a 404 page of a
/// wrong host is not "service principal not found".
pub(crate) fn kind_for(status: u16, parsed: &ParsedError, token_endpoint: bool) -> ErrorKind {
    if matches!(parsed.envelope, Envelope::Html | Envelope::InvalidJson) {
        // A proxy's 503 maintenance page is still worth a retry; any other page is not the API.
        return match status {
            429 => ErrorKind::RateLimited,
            502..=504 => ErrorKind::Unavailable,
            _ => ErrorKind::InvalidResponse,
        };
    }
    if let Some(code) = parsed.code.as_deref() {
        match code {
            "REQUEST_LIMIT_EXCEEDED" | "RESOURCE_EXHAUSTED" => return ErrorKind::RateLimited,
            "TEMPORARILY_UNAVAILABLE" => return ErrorKind::Unavailable,
            "UNAUTHENTICATED" if !token_endpoint => return ErrorKind::Unauthenticated,
            "PERMISSION_DENIED" => return ErrorKind::PermissionDenied,
            "RESOURCE_DOES_NOT_EXIST" | "NOT_FOUND" => return ErrorKind::NotFound,
            "INVALID_PARAMETER_VALUE" | "INVALID_STATE" | "MALFORMED_REQUEST" | "BAD_REQUEST" => {
                return ErrorKind::InvalidRequest;
            }
            _ => {}
        }
    }
    if token_endpoint {
        let refused_code = matches!(
            parsed.code.as_deref(),
            Some("invalid_client" | "invalid_grant" | "unauthorized_client" | "access_denied")
        );
        // 401 or an OAuth "who are you" code: the id/secret pair does not work here.
        if status == 401 || (status == 400 && refused_code) {
            return ErrorKind::CredentialsRejected;
        }
    }
    match status {
        300..=399 => ErrorKind::InvalidResponse,
        400 | 405 | 409 | 411 | 413 | 415 | 422 => ErrorKind::InvalidRequest,
        401 => ErrorKind::Unauthenticated,
        403 => ErrorKind::PermissionDenied,
        404 => ErrorKind::NotFound,
        408 => ErrorKind::Timeout,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Unavailable,
        _ => ErrorKind::Other,
    }
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn str_field(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

// "42.000000001s" (protobuf Duration JSON form).
fn parse_proto_duration(s: &str) -> Option<Duration> {
    let secs: f64 = s.strip_suffix('s')?.parse().ok()?;
    Duration::try_from_secs_f64(secs).ok()
}

/// One line, no control characters, nothing shaped like a credential, at most [`MAX_QUOTE`]
/// characters.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::new();
    let mut last_space = true;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
    let out = credential_shapes(out.trim_end());
    match out.char_indices().nth(MAX_QUOTE) {
        Some((cut, _)) => format!("{}…", &out[..cut]),
        None => out.into_owned(),
    }
}

fn trim_ascii(body: &[u8]) -> &[u8] {
    body.trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, ct: &str, body: &str) -> ParsedError {
        parse_error_body(status, Some(ct), body.as_bytes())
    }

    #[test]
    fn oauth_envelope() {
        let p = parse(
            401,
            "application/json",
            r#"{"error":"invalid_client","error_id":"faeb24cc","error_description":"Client authentication failed"}"#,
        );
        assert_eq!(p.envelope, Envelope::OAuth);
        assert_eq!(p.code.as_deref(), Some("invalid_client"));
        assert_eq!(p.message, "Client authentication failed");
        assert_eq!(kind_for(401, &p, true), ErrorKind::CredentialsRejected);
        let p = parse(400, "application/json", r#"{"error":"invalid_client"}"#);
        assert_eq!(p.envelope, Envelope::OAuth);
        assert_eq!(kind_for(400, &p, true), ErrorKind::CredentialsRejected);
        let p = parse(
            400,
            "application/json",
            r#"{"error":"unsupported_grant_type","error_description":"x"}"#,
        );
        assert_eq!(kind_for(400, &p, true), ErrorKind::InvalidRequest);
    }

    #[test]
    fn okta_style_oauth_envelope() {
        let p = parse(
            401,
            "application/json",
            r#"{"errorCode":"invalid_client","errorSummary":"nope"}"#,
        );
        assert_eq!(p.envelope, Envelope::OAuth);
        assert_eq!(p.summary(), "invalid_client: nope");
    }

    #[test]
    fn databricks_envelope_with_string_code_and_details() {
        let p = parse(
            404,
            "application/json",
            r#"{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no such thing","details":[
              {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"r","domain":"d"},
              {"@type":"type.googleapis.com/google.rpc.RequestInfo","request_id":"req42","serving_data":"x"},
              {"@type":"type.googleapis.com/google.rpc.RetryInfo","retry_delay":"42.5s"}]}"#,
        );
        assert_eq!(p.envelope, Envelope::Databricks);
        assert_eq!(p.code.as_deref(), Some("RESOURCE_DOES_NOT_EXIST"));
        assert_eq!(p.request_id.as_deref(), Some("req42"));
        assert_eq!(p.retry_delay, Some(Duration::from_millis(42_500)));
        assert_eq!(
            p.summary(),
            "RESOURCE_DOES_NOT_EXIST: no such thing (request ID req42)"
        );
        assert_eq!(kind_for(404, &p, false), ErrorKind::NotFound);
    }

    #[test]
    fn databricks_envelope_with_numeric_code() {
        let p = parse(
            403,
            "application/json",
            r#"{"error_code":403,"message":"Invalid access token."}"#,
        );
        assert_eq!(p.code.as_deref(), Some("403"));
        assert_eq!(p.message, "Invalid access token.");
        assert_eq!(kind_for(403, &p, false), ErrorKind::PermissionDenied);
    }

    #[test]
    fn error_code_decides_before_status() {
        let p = parse(
            500,
            "application/json",
            r#"{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"m"}"#,
        );
        assert_eq!(kind_for(500, &p, false), ErrorKind::RateLimited);
        let p = parse(
            400,
            "application/json",
            r#"{"error_code":"TEMPORARILY_UNAVAILABLE","message":"m"}"#,
        );
        assert_eq!(kind_for(400, &p, false), ErrorKind::Unavailable);
    }

    #[test]
    fn scim_envelope() {
        let p = parse(
            400,
            "application/scim+json",
            r#"{"detail":"Request is unparsable","schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"invalidValue","status":"400"}"#,
        );
        assert_eq!(p.envelope, Envelope::Scim);
        assert_eq!(p.code.as_deref(), Some("SCIM_400"));
        assert_eq!(p.message, "invalidValue Request is unparsable");
        let p = parse(
            404,
            "application/json",
            r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Service principal with id 123 is not found","status":"404"}"#,
        );
        assert_eq!(p.message, "Service principal with id 123 is not found");
        assert_eq!(kind_for(404, &p, false), ErrorKind::NotFound);
        let p = parse(500, "application/json", r#"{"detail":"null","status":500}"#);
        assert_eq!(p.message, "SCIM API Internal Error");
        assert_eq!(p.code.as_deref(), Some("SCIM_500"));
    }

    #[test]
    fn api_1_2_envelope() {
        let p = parse(
            400,
            "application/json",
            r#"{"error":"Cluster 123 does not exist."}"#,
        );
        assert_eq!(p.envelope, Envelope::Api12);
        assert_eq!(p.code, None);
        assert_eq!(p.message, "Cluster 123 does not exist.");
    }

    #[test]
    fn plain_text_code_and_message() {
        let p = parse(
            400,
            "text/plain",
            "MALFORMED_REQUEST: vpc_endpoints malformed parameters",
        );
        assert_eq!(p.envelope, Envelope::PlainCode);
        assert_eq!(p.code.as_deref(), Some("MALFORMED_REQUEST"));
        assert_eq!(p.message, "vpc_endpoints malformed parameters");
        assert_eq!(kind_for(400, &p, false), ErrorKind::InvalidRequest);
        let p = parse(502, "text/plain", "upstream connect error");
        assert_eq!(p.envelope, Envelope::PlainText);
        assert_eq!(p.message, "upstream connect error");
    }

    #[test]
    fn html_page_uses_pre_then_title_and_says_check_the_host() {
        let p = parse(
            404,
            "text/html; charset=utf-8",
            "<html><head><title>Databricks - Sign In</title></head><body><pre>Not &amp; found</pre></body></html>",
        );
        assert_eq!(p.envelope, Envelope::Html);
        assert!(p.message.starts_with(HTML_HINT));
        assert!(p.message.contains("Not & found"), "{}", p.message);
        assert_eq!(kind_for(404, &p, false), ErrorKind::InvalidResponse);
        assert_eq!(kind_for(503, &p, false), ErrorKind::Unavailable);
        assert_eq!(kind_for(429, &p, false), ErrorKind::RateLimited);
        let p = parse(
            200,
            "text/plain",
            "<!DOCTYPE html><HTML><TITLE>Sign In</TITLE></HTML>",
        );
        assert_eq!(p.envelope, Envelope::Html);
        assert!(p.message.contains("Sign In"), "{}", p.message);
        let p = parse(403, "text/html", "<html><body>nothing</body></html>");
        assert_eq!(p.message, HTML_HINT);
    }

    #[test]
    fn empty_body_uses_status_text() {
        let p = parse(503, "", "  \n");
        assert_eq!(p.envelope, Envelope::Empty);
        assert_eq!(p.message, "Service Unavailable");
        assert_eq!(kind_for(503, &p, false), ErrorKind::Unavailable);
        let p = parse(404, "", "");
        assert_eq!(kind_for(404, &p, false), ErrorKind::NotFound);
    }

    #[test]
    fn truncated_json_is_an_invalid_response_without_quoting_the_body() {
        let p = parse(
            500,
            "application/json",
            r#"{"error_code":"INTERNAL_ERROR","message":"secret-ish"#,
        );
        assert_eq!(p.envelope, Envelope::InvalidJson);
        assert!(p.message.contains("truncated"), "{}", p.message);
        assert!(!p.message.contains("secret-ish"));
        assert_eq!(kind_for(500, &p, false), ErrorKind::InvalidResponse);
        let p = parse(500, "application/json", "{nope}");
        assert!(p.message.contains("not valid JSON"), "{}", p.message);
    }

    #[test]
    fn quotes_are_single_line_and_bounded() {
        let long = "x".repeat(1000);
        assert_eq!(quote(&long).chars().count(), MAX_QUOTE + 1);
        assert_eq!(quote("a\n\tb\u{7}c  "), "a b c");
    }

    #[test]
    fn unknown_statuses_and_shapes_still_give_a_message() {
        let p = parse(418, "application/json", "[1,2]");
        assert_eq!(p.envelope, Envelope::OtherJson);
        assert!(p.message.contains("I'm a teapot"), "{}", p.message);
        assert_eq!(kind_for(418, &p, false), ErrorKind::Other);
        assert_eq!(status_text(599), "Unknown Status");
    }
}
