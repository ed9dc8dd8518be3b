//! Keeping what the client sent out of what it shows. Gateways, block pages and debug endpoints
//! echo requests back; every answer body (and redirect target) is scrubbed of what its request
//! carried — the operation's client secret (with its Basic header's base64) and the access
//! token — in the encodings a server may echo them in, before anything reads it, so no error
//! message, log line or recorded value can carry one.
//!
//! The scope is one request: an answer can echo only what was sent to get it. A registry of
//! every secret the process ever sent grew with the number of connections (for 1,000
//! connections ~10,000 forms: 12 MB more memory and half again the CPU of a whole apply), for
//! no answer that could hold them.

use std::borrow::Cow;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::HeaderValue;

use crate::credentials::ClientCredentials;
use crate::secret::SecretString;

/// What replaces a credential.
pub(crate) const MASK: &str = "***";

/// Values shorter than this are not looked for: they would match ordinary words.
const MIN_LEN: usize = 6;

/// Every form in which a server could echo one credential, longest first (so a shorter form is
/// never masked inside a longer one, leaving the rest of it shown).
#[derive(Default)]
pub(crate) struct Echoes(Vec<SecretString>);

impl Echoes {
    /// A client ID and secret as a Basic header sends them: the secret in every encoding, and
    /// the header's base64 as sent (RFC 6749 §2.3.1: each part form-encoded) and as a server
    /// may rebuild it from the raw parts.
    pub fn of_credentials(credentials: &ClientCredentials) -> Self {
        let id = credentials.client_id.as_str();
        let secret = credentials.client_secret.expose_secret();
        let mut forms = encodings(secret);
        for pair in [
            format!("{}:{}", form_encoded(id), form_encoded(secret)),
            format!("{id}:{secret}"),
        ] {
            forms.push(STANDARD.encode(&pair));
            forms.push(URL_SAFE.encode(&pair));
            forms.push(URL_SAFE_NO_PAD.encode(&pair));
        }
        Self::from(forms)
    }

    /// The token of an `Authorization: <type> <token>` header; nothing for Basic credentials,
    /// which [`Echoes::of_credentials`] covers.
    fn of_token(value: Option<&HeaderValue>) -> Self {
        let token = value
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| !scheme.eq_ignore_ascii_case("basic"))
            .map(|(_, token)| token.trim());
        token.map(encodings).map(Self::from).unwrap_or_default()
    }

    fn from(mut forms: Vec<String>) -> Self {
        forms.retain(|f| f.len() >= MIN_LEN);
        forms.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        Self(forms.into_iter().map(SecretString::new).collect())
    }

    fn forms(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(SecretString::expose_secret)
    }
}

impl std::fmt::Debug for Echoes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Echoes({} forms)", self.0.len())
    }
}

/// What one request carries that its answer may echo: the operation's credentials (shared by
/// its requests) and the request's access token.
#[derive(Default)]
pub(crate) struct Sent {
    credentials: Option<Arc<Echoes>>,
    token: Echoes,
}

impl Sent {
    pub fn new(credentials: Option<Arc<Echoes>>, authorization: Option<&HeaderValue>) -> Self {
        Self {
            credentials,
            token: Echoes::of_token(authorization),
        }
    }

    fn forms(&self) -> impl Iterator<Item = &str> {
        self.credentials
            .iter()
            .flat_map(|c| c.forms())
            .chain(self.token.forms())
    }

    /// `text` with every form of what was sent replaced by [`MASK`].
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for form in self.forms() {
            if out.contains(form) {
                out = Cow::Owned(out.replace(form, MASK));
            }
        }
        out
    }

    /// `bytes` with every form of what was sent replaced by [`MASK`].
    pub fn scrub_bytes(&self, bytes: Vec<u8>) -> Vec<u8> {
        self.forms()
            .fold(bytes, |out, form| replace_bytes(out, form.as_bytes()))
    }
}

/// A value as a server may echo it: as is, form-encoded (`+` for a space), percent-encoded
/// (upper- and lower-case hex), JSON-escaped (`\/`, and `\u0026` for `&`, `<` and `>` as Go
/// writes them), and HTML-escaped (`&amp;`).
fn encodings(value: &str) -> Vec<String> {
    let percent = utf8_percent_encode(value, NON_ALPHANUMERIC).to_string();
    let lower = lower_hex_escapes(&percent);
    let json = serde_json::to_string(value)
        .ok()
        .and_then(|quoted| Some(quoted.strip_prefix('"')?.strip_suffix('"')?.to_owned()))
        .unwrap_or_default();
    let go_json = json
        .replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e");
    let html = value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;");
    vec![
        value.to_owned(),
        form_encoded(value),
        percent,
        lower,
        json.replace('/', "\\/"),
        json,
        go_json,
        html,
    ]
}

fn form_encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `%2F` → `%2f`: the hex digits of each escape in lower case.
fn lower_hex_escapes(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut escape = 0;
    for c in encoded.chars() {
        if c == '%' {
            escape = 2;
            out.push(c);
        } else if escape > 0 {
            escape -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn replace_bytes(haystack: Vec<u8>, needle: &[u8]) -> Vec<u8> {
    if memchr::memmem::find(&haystack, needle).is_none() {
        return haystack;
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack.as_slice();
    while let Some(at) = memchr::memmem::find(rest, needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(MASK.as_bytes());
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT_ID: &str = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b";
    const SECRET: &str = "dose Own+Secret/with=chars&more";
    const TOKEN: &str = "tok+en/with=special.chars";

    fn sent_with_token() -> Sent {
        Sent::new(
            Some(Arc::new(Echoes::of_credentials(&ClientCredentials::new(
                CLIENT_ID, SECRET,
            )))),
            Some(&HeaderValue::from_static(
                "Bearer tok+en/with=special.chars",
            )),
        )
    }

    #[test]
    fn every_encoding_of_the_operations_secret_and_of_the_requests_token_is_masked() {
        let sent = sent_with_token();
        let basic = STANDARD.encode(format!("{CLIENT_ID}:{}", form_encoded(SECRET)));
        let mut echoed = vec![format!("Authorization: Basic {basic}")];
        echoed.extend(encodings(SECRET));
        echoed.extend(encodings(TOKEN));
        for text in echoed {
            let shown = sent.scrub(&text);
            assert!(shown.contains(MASK), "{text} -> {shown}");
            for leak in encodings(SECRET)
                .into_iter()
                .chain(encodings(TOKEN))
                .chain([basic.clone()])
            {
                assert!(!shown.contains(&leak), "{leak} in {shown}");
            }
            let bytes = sent.scrub_bytes(text.clone().into_bytes());
            assert_eq!(String::from_utf8(bytes).unwrap(), shown);
        }
    }

    #[test]
    fn a_basic_header_is_covered_by_the_credentials_not_taken_for_a_token() {
        let basic = HeaderValue::from_static("Basic bm90LWEtdG9rZW4=");
        let sent = Sent::new(None, Some(&basic));
        assert_eq!(sent.scrub("bm90LWEtdG9rZW4="), "bm90LWEtdG9rZW4=");
    }

    #[test]
    fn text_without_credentials_is_unchanged_and_short_values_are_not_looked_for() {
        let sent = sent_with_token();
        assert!(matches!(
            sent.scrub("HTTP 400: nothing to see"),
            Cow::Borrowed(_)
        ));
        let short = Sent::new(
            Some(Arc::new(Echoes::of_credentials(&ClientCredentials::new(
                "id", "abc",
            )))),
            None,
        );
        assert_eq!(short.scrub("abcdef"), "abcdef");
    }

    #[test]
    fn a_longer_form_is_masked_whole_even_when_it_holds_a_shorter_one() {
        // "secret&" is a prefix of its own HTML-escaped form: "secret&amp;" must not become
        // "***amp;".
        let sent = Sent::new(
            Some(Arc::new(Echoes::of_credentials(&ClientCredentials::new(
                "id", "secret&",
            )))),
            None,
        );
        assert_eq!(sent.scrub("[secret&amp;]"), "[***]");
    }
}
