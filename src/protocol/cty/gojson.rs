//! JSON string quoting exactly as Go's `encoding/json` does it.
//!
//! go-cty writes type JSON and JSON values with `encoding/json`, which
//! escapes `<`, `>`, `&`, U+2028 and U+2029 (HTML safety) where serde_json
//! does not. Both are valid JSON; this exists only so that our bytes match
//! go-cty's byte for byte (Go >= 1.22 also writes `\b` and `\f` short forms).

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `s` to `out` as a quoted JSON string.
pub(super) fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    // Copy runs of bytes that need no escaping in one go.
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (escape, width): (Option<&[u8]>, usize) = match b {
            b'"' => (Some(b"\\\""), 1),
            b'\\' => (Some(b"\\\\"), 1),
            b'\n' => (Some(b"\\n"), 1),
            b'\r' => (Some(b"\\r"), 1),
            b'\t' => (Some(b"\\t"), 1),
            0x08 => (Some(b"\\b"), 1),
            0x0c => (Some(b"\\f"), 1),
            0x00..=0x1f | b'<' | b'>' | b'&' => (None, 1),
            // U+2028 / U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
            0xe2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)) =>
            {
                (None, 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        match escape {
            Some(e) => out.extend_from_slice(e),
            None if width == 3 => {
                let last = if bytes.get(i + 2) == Some(&0xa8) {
                    b'8'
                } else {
                    b'9'
                };
                out.extend_from_slice(b"\\u202");
                out.push(last);
            }
            None => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        i += width;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> String {
        let mut v = Vec::new();
        write_str(&mut v, s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn matches_go_encoding_json() {
        assert_eq!(q("plain"), r#""plain""#);
        assert_eq!(q("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(q("\n\r\t\u{8}\u{c}"), r#""\n\r\t\b\f""#);
        assert_eq!(q("\u{1}\u{1f}"), r#""\u0001\u001f""#);
        assert_eq!(q("<a&b>"), r#""\u003ca\u0026b\u003e""#);
        assert_eq!(q("x\u{2028}y\u{2029}z"), r#""x\u2028y\u2029z""#);
        assert_eq!(q("é\u{7f}€"), "\"é\u{7f}€\"");
        assert_eq!(q(""), r#""""#);
    }

    #[test]
    fn output_is_valid_json_for_the_same_string() {
        for s in ["<>&", "\u{2028}", "\u{0}", "ok\u{e2}", "tab\there"] {
            let back: String = serde_json::from_str(&q(s)).unwrap();
            assert_eq!(back, s);
        }
    }
}
