//! Percent-encoding of URL parts and `application/x-www-form-urlencoded` data (token request
//! bodies, query strings, Basic credentials), with the `percent-encoding` and
//! `form_urlencoded` crates. Decoding never fails: a bad escape is kept as written, invalid
//! UTF-8 becomes U+FFFD.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but the unreserved characters of RFC 3986 §2.3.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path segment with its `%XX` escapes decoded (`+` stays a plus).
pub(crate) fn decode_path_segment(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

/// One form-encoded value: `+` is a space, `%XX` an escaped byte.
pub(crate) fn decode_form_value(value: &str) -> String {
    decode_path_segment(&value.replace('+', " "))
}

/// `s` with everything but unreserved characters percent-encoded, for a query value.
pub(crate) fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

/// `a=1&b=2` (form body or query string) into decoded pairs, in order.
pub(crate) fn parse_form(s: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(s.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The first value of `name` in a query string.
pub(crate) fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    parse_form(query.unwrap_or(""))
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_and_plus() {
        assert_eq!(decode_form_value("a%2Bb+c%zz%4"), "a+b c%zz%4");
        assert_eq!(decode_path_segment("a+b"), "a+b");
        assert_eq!(decode_path_segment("%61b%2F"), "ab/");
        assert_eq!(decode_path_segment("%ff"), "\u{fffd}");
        assert_eq!(
            parse_form("grant_type=client_credentials&scope=all-apis&x&&y=a+b%26c"),
            vec![
                ("grant_type".into(), "client_credentials".into()),
                ("scope".into(), "all-apis".into()),
                ("x".into(), "".into()),
                ("y".into(), "a b&c".into())
            ]
        );
        assert_eq!(query_param(Some("a=1&b=2&a=3"), "a").as_deref(), Some("1"));
        assert_eq!(query_param(None, "a"), None);
    }

    #[test]
    fn encodes_all_but_unreserved_characters() {
        assert_eq!(encode_component("/a b?c=d"), "%2Fa%20b%3Fc%3Dd");
        assert_eq!(encode_component("A-z_0.9~"), "A-z_0.9~");
        assert_eq!(encode_component("é"), "%C3%A9");
    }
}
