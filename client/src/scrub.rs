//! Keeping what the client sent out of what it shows. Gateways, block pages and debug endpoints
//! echo requests back; every answer body (and redirect target) is scrubbed of every client
//! secret the client has sent (with its Basic header's base64) and of the access token its
//! request carried, in the encodings a server may echo them in, before anything reads it, so
//! no error message, log line or recorded value can carry one. Client secrets are kept for the
//! client's life; a token only for its request, as tokens are many and short-lived.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use aho_corasick::AhoCorasick;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::HeaderValue;
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
    /// SHA-256 of every form registered (and of every credential pair), so each is kept once.
    seen: HashSet<[u8; 32]>,
    /// Every form, compiled into the matcher except the last `pending`.
    forms: Vec<SecretString>,
    pending: usize,
    /// What every scrub uses until the next registration: shared, never copied per answer.
    matcher: Arc<Matcher>,
}

/// The forms registered so far: most compiled into one automaton, the newest looked for one
/// by one.
#[derive(Default)]
struct Matcher {
    compiled: Option<Arc<AhoCorasick>>,
    plain: Vec<SecretString>,
}

impl Matcher {
    fn scrub<'t>(&self, text: &'t str, sent: &Sent) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        if let Some(ac) = &self.compiled
            && ac.is_match(out.as_ref())
        {
            out = Cow::Owned(ac.replace_all(out.as_ref(), &vec![MASK; ac.patterns_len()]));
        }
        for form in self.plain.iter().chain(&sent.0) {
            let form = form.expose_secret();
            if out.contains(form) {
                out = Cow::Owned(out.replace(form, MASK));
            }
        }
        out
    }

    fn scrub_bytes(&self, bytes: Vec<u8>, sent: &Sent) -> Vec<u8> {
        let mut out = bytes;
        if let Some(ac) = &self.compiled
            && ac.is_match(&out)
        {
            let masks = vec![MASK.as_bytes(); ac.patterns_len()];
            out = ac.replace_all_bytes(&out, &masks);
        }
        for form in self.plain.iter().chain(&sent.0) {
            out = replace_bytes(out, form.expose_secret().as_bytes());
        }
        out
    }
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
        let mut pair = Sha256::new();
        pair.update(id.as_bytes());
        pair.update([0]);
        pair.update(secret.as_bytes());
        if !self.first_time(pair.finalize().into()) {
            return;
        }
        let mut forms = encodings(secret);
        // The Basic header as sent (RFC 6749 §2.3.1: each part form-encoded), and as a server
        // may rebuild it from the raw parts; the pair itself holds the secret, which its own
        // forms cover.
        for pair in [
            format!("{}:{}", form_encoded(id), form_encoded(secret)),
            format!("{id}:{secret}"),
        ] {
            forms.push(STANDARD.encode(&pair));
            forms.push(URL_SAFE.encode(&pair));
            forms.push(URL_SAFE_NO_PAD.encode(&pair));
        }
        self.add(forms);
    }

    /// `text` with every registered credential, and every form of `sent`, replaced by
    /// [`MASK`].
    pub fn scrub<'t>(&self, text: &'t str, sent: &Sent) -> Cow<'t, str> {
        self.matcher().scrub(text, sent)
    }

    /// `bytes` with every registered credential, and every form of `sent`, replaced by
    /// [`MASK`].
    pub fn scrub_bytes(&self, bytes: Vec<u8>, sent: &Sent) -> Vec<u8> {
        self.matcher().scrub_bytes(bytes, sent)
    }

    /// Whether a credential with this digest is new (and notes it).
    fn first_time(&self, digest: [u8; 32]) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.seen.insert(digest)
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
        let rebuild = state.pending > PENDING_MAX;
        let compiled = if rebuild {
            let patterns: Vec<&str> = state.forms.iter().map(|f| f.expose_secret()).collect();
            AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(patterns)
                .ok()
                .map(Arc::new)
        } else {
            state.matcher.compiled.clone()
        };
        // Should the automaton not build (it always does for these sizes), the forms stay
        // plain and are looked for one by one.
        if rebuild && compiled.is_some() {
            state.pending = 0;
        }
        let plain = state.forms[state.forms.len() - state.pending..].to_vec();
        state.matcher = Arc::new(Matcher { compiled, plain });
    }

    fn matcher(&self) -> Arc<Matcher> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(&state.matcher)
    }
}

/// What one request carries besides the client secrets: its access token, in every form.
#[derive(Default)]
pub(crate) struct Sent(Vec<SecretString>);

impl Sent {
    /// The token of an `Authorization: <type> <token>` header; nothing for Basic credentials,
    /// which the scrubber keeps already.
    pub fn authorization(value: Option<&HeaderValue>) -> Self {
        let token = value
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| !scheme.eq_ignore_ascii_case("basic"))
            .map(|(_, token)| token.trim());
        match token {
            Some(token) if token.len() >= MIN_LEN => Self(
                encodings(token)
                    .into_iter()
                    .map(SecretString::new)
                    .collect(),
            ),
            _ => Self::default(),
        }
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

    const SECRET: &str = "dose Own+Secret/with=chars&more";

    const TOKEN: &str = "tok+en/with=special.chars";

    fn scrubber() -> Scrubber {
        let s = Scrubber::default();
        s.credentials_sent(&ClientCredentials::new(
            "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
            SECRET,
        ));
        s
    }

    fn bearer() -> Sent {
        Sent::authorization(Some(&HeaderValue::from_static(
            "Bearer tok+en/with=special.chars",
        )))
    }

    #[test]
    fn every_encoding_of_a_secret_and_of_the_requests_token_is_masked() {
        let s = scrubber();
        let basic = STANDARD.encode(format!(
            "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b:{}",
            form_encoded(SECRET)
        ));
        let mut echoed = vec![format!("Authorization: Basic {basic}")];
        echoed.extend(encodings(SECRET));
        echoed.extend(encodings(TOKEN));
        for text in echoed {
            let shown = s.scrub(&text, &bearer());
            assert!(shown.contains(MASK), "{text} -> {shown}");
            for leak in encodings(SECRET)
                .into_iter()
                .chain(encodings(TOKEN))
                .chain([basic.clone()])
            {
                assert!(!shown.contains(&leak), "{leak} in {shown}");
            }
            let bytes = s.scrub_bytes(text.clone().into_bytes(), &bearer());
            assert_eq!(String::from_utf8(bytes).unwrap(), shown);
        }
        // A token is the request's own: another request's scrubbing does not know it.
        assert_eq!(s.scrub(TOKEN, &Sent::default()), TOKEN);
    }

    #[test]
    fn text_without_credentials_is_unchanged_and_short_values_are_not_looked_for() {
        let s = scrubber();
        assert!(matches!(
            s.scrub("HTTP 400: nothing to see", &bearer()),
            Cow::Borrowed(_)
        ));
        s.credentials_sent(&ClientCredentials::new("id", "abc"));
        assert_eq!(s.scrub("abcdef", &Sent::default()), "abcdef");
    }

    #[test]
    fn thousands_of_credentials_are_all_masked_once_compiled() {
        let s = Scrubber::default();
        for i in 0..200 {
            s.credentials_sent(&ClientCredentials::new(
                "id",
                format!("secret-number-{i:04}"),
            ));
        }
        let state = s.state.lock().unwrap();
        assert!(state.matcher.compiled.is_some() && state.pending <= PENDING_MAX);
        drop(state);
        for i in [0, 57, 199] {
            let text = format!("echo: secret-number-{i:04}!");
            assert_eq!(s.scrub(&text, &Sent::default()), "echo: ***!");
        }
    }

    #[test]
    fn the_same_credentials_are_kept_once() {
        let s = scrubber();
        let kept = s.state.lock().unwrap().forms.len();
        s.credentials_sent(&ClientCredentials::new(
            "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
            SECRET,
        ));
        assert_eq!(s.state.lock().unwrap().forms.len(), kept);
    }
}
