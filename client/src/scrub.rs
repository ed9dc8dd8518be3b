//! Keeping what the client sent out of what it shows. Gateways, block pages and debug endpoints
//! echo requests back; every answer body (and redirect target) is scrubbed of every credential
//! the client has sent — client secrets, the Basic header's base64, access tokens, in the
//! encodings a server may echo them in — before anything reads it, so no error message, log
//! line or recorded value can carry one.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use aho_corasick::AhoCorasick;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};

use crate::credentials::ClientCredentials;
use crate::secret::SecretString;

/// What replaces a credential.
pub(crate) const MASK: &str = "***";

/// Values shorter than this are not looked for: they would match ordinary words.
const MIN_LEN: usize = 6;

/// New values are looked for one by one until there are this many; then they join the
/// compiled automaton, so a process that sends thousands of credentials rebuilds it rarely.
const PENDING_MAX: usize = 32;

/// The credentials sent so far, in every form, and a matcher for them. Shared by every
/// operation of a client.
#[derive(Debug, Default)]
pub(crate) struct Scrubber {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// SHA-256 of every form registered, so each is kept once.
    seen: HashSet<[u8; 32]>,
    /// Every form, compiled into `compiled` except the last `pending`.
    forms: Vec<SecretString>,
    pending: usize,
    compiled: Option<Arc<AhoCorasick>>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("forms", &self.forms.len())
            .finish_non_exhaustive()
    }
}

impl Scrubber {
    /// A client ID and secret about to be sent (in a Basic header).
    pub fn credentials_sent(&self, credentials: &ClientCredentials) {
        let id = credentials.client_id.as_str();
        let secret = credentials.client_secret.expose_secret();
        let mut forms = encodings(secret);
        // The Basic header as sent (RFC 6749 §2.3.1: each part form-encoded), and as a server
        // may rebuild it from the raw parts.
        for pair in [
            format!("{}:{}", form_encoded(id), form_encoded(secret)),
            format!("{id}:{secret}"),
        ] {
            for engine in [&STANDARD, &URL_SAFE] {
                forms.push(engine.encode(&pair));
            }
            forms.push(URL_SAFE_NO_PAD.encode(&pair));
            // The pair itself holds the secret, which the raw form already covers.
        }
        self.add(forms);
    }

    /// An access token received, which every later API call sends as a bearer token.
    pub fn token_received(&self, token: &str) {
        self.add(encodings(token));
    }

    /// `text` with every registered credential replaced by [`MASK`].
    pub fn scrub<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let (compiled, pending) = self.matchers();
        let mut out = Cow::Borrowed(text);
        if let Some(ac) = compiled
            && ac.is_match(out.as_ref())
        {
            out = Cow::Owned(ac.replace_all(out.as_ref(), &vec![MASK; ac.patterns_len()]));
        }
        for form in &pending {
            let form = form.expose_secret();
            if out.contains(form) {
                out = Cow::Owned(out.replace(form, MASK));
            }
        }
        out
    }

    /// `bytes` with every registered credential replaced by [`MASK`].
    pub fn scrub_bytes(&self, bytes: Vec<u8>) -> Vec<u8> {
        let (compiled, pending) = self.matchers();
        let mut out = bytes;
        if let Some(ac) = compiled
            && ac.is_match(&out)
        {
            let masks = vec![MASK.as_bytes(); ac.patterns_len()];
            out = ac.replace_all_bytes(&out, &masks);
        }
        for form in &pending {
            out = replace_bytes(&out, form.expose_secret().as_bytes());
        }
        out
    }

    fn add(&self, forms: Vec<String>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        for form in forms {
            if form.len() < MIN_LEN {
                continue;
            }
            let digest: [u8; 32] = Sha256::digest(form.as_bytes()).into();
            if state.seen.insert(digest) {
                state.forms.push(SecretString::new(form));
                state.pending += 1;
            }
        }
        if state.pending > PENDING_MAX {
            // Longest first, so a form that contains another is masked whole.
            let mut patterns: Vec<&str> = state.forms.iter().map(|f| f.expose_secret()).collect();
            patterns.sort_by_key(|p| std::cmp::Reverse(p.len()));
            state.compiled = AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(patterns)
                .ok()
                .map(Arc::new);
            // Should the automaton not build (it always does for these sizes), every form
            // stays pending and is looked for one by one.
            state.pending = if state.compiled.is_some() {
                0
            } else {
                state.forms.len()
            };
        }
    }

    /// The compiled matcher and the forms not compiled into it.
    fn matchers(&self) -> (Option<Arc<AhoCorasick>>, Vec<SecretString>) {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let pending = state.forms[state.forms.len() - state.pending..].to_vec();
        (state.compiled.clone(), pending)
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

fn replace_bytes(haystack: &[u8], needle: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
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

    const SECRET: &str = "dose Own+Secret/with=chars&more";

    fn scrubber() -> Scrubber {
        let s = Scrubber::default();
        s.credentials_sent(&ClientCredentials::new(
            "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
            SECRET,
        ));
        s.token_received("tok+en/with=special.chars");
        s
    }

    /// Every form a test may look for.
    fn forms(value: &str) -> Vec<String> {
        encodings(value)
    }

    #[test]
    fn every_encoding_of_a_secret_and_a_token_is_masked() {
        let s = scrubber();
        let basic = STANDARD.encode(format!(
            "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b:{}",
            form_encoded(SECRET)
        ));
        let mut echoed = vec![format!("Authorization: Basic {basic}")];
        echoed.extend(forms(SECRET));
        echoed.extend(forms("tok+en/with=special.chars"));
        for text in echoed {
            let shown = s.scrub(&text);
            assert!(shown.contains(MASK), "{text} -> {shown}");
            for leak in forms(SECRET)
                .into_iter()
                .chain(forms("tok+en/with=special.chars"))
                .chain([basic.clone()])
            {
                assert!(!shown.contains(&leak), "{leak} in {shown}");
            }
            let bytes = s.scrub_bytes(text.clone().into_bytes());
            assert_eq!(String::from_utf8(bytes).unwrap(), shown);
        }
    }

    #[test]
    fn text_without_credentials_is_unchanged_and_short_values_are_not_looked_for() {
        let s = scrubber();
        assert!(matches!(
            s.scrub("HTTP 400: nothing to see"),
            Cow::Borrowed(_)
        ));
        s.token_received("abc");
        assert_eq!(s.scrub("abcdef"), "abcdef");
    }

    #[test]
    fn thousands_of_credentials_are_all_masked_once_compiled() {
        let s = Scrubber::default();
        for i in 0..200 {
            s.token_received(&format!("token-number-{i:04}"));
        }
        let state = s.state.lock().unwrap();
        assert!(state.compiled.is_some() && state.pending <= PENDING_MAX);
        drop(state);
        for i in [0, 57, 199] {
            let text = format!("echo: Bearer token-number-{i:04}!");
            assert_eq!(s.scrub(&text), "echo: Bearer ***!");
        }
    }
}
