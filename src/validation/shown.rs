//! What a message may repeat of a value the user typed. A host is shown without its user info
//! and query, which may hold credentials; a value in an ID field that has the shape of a
//! secret is not shown at all, and the diagnostic about it points at the block, so Terraform
//! does not print its line either.

use databricks_account_client::{AccountHost, displayable_host, parse_host};

/// Whether `s` looks like a secret rather than an ID: a Databricks OAuth secret (`dose` and
/// dozens of letters and digits), or a long token of random letters and digits. IDs are
/// UUIDs, decimal or hexadecimal digits, so neither shape is a mistyped ID, and neither is a
/// path of them such as a connection ID (`aws/<account>/<principal>/<secret>`).
pub fn looks_like_secret(s: &str) -> bool {
    let t = s.trim();
    let tokenish = t.bytes().all(|b| {
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'+' | b'/' | b'=')
    });
    let databricks = t.len() >= 20 && t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("dose"));
    let random = t.len() >= 32
        && tokenish
        && !is_path_of_ids(t)
        && t.bytes().any(|b| b.is_ascii_digit())
        && t.bytes()
            .any(|b| b.is_ascii_alphabetic() && !b.is_ascii_hexdigit());
    (databricks && tokenish) || random
}

/// `/`-separated parts that are each an ID (hexadecimal or decimal digits, a UUID) or a word
/// (letters): a connection ID, or one with a part too many. A base64 secret that happens to
/// hold a `/` has parts that mix letters, digits, `+` and `=`, which are neither.
fn is_path_of_ids(t: &str) -> bool {
    let id = |p: &str| p.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    let word = |p: &str| {
        p.bytes()
            .all(|b| b.is_ascii_alphabetic() || matches!(b, b'-' | b'_'))
    };
    t.contains('/') && t.split('/').all(|p| id(p) || word(p))
}

/// `"value"` (with control characters escaped), or a note that it looks like a secret.
pub fn shown_value(s: &str) -> String {
    if looks_like_secret(s) {
        "a value that looks like an OAuth secret (not shown)".to_owned()
    } else {
        format!("{s:?}")
    }
}

/// Whether the host as typed holds user info or a query, which may be credentials.
pub fn host_holds_secrets(raw: &str) -> bool {
    displayable_host(raw) != raw.trim()
}

/// [`parse_host`], with a reason that never repeats the user info or query of `raw`: such a
/// host is refused anyway (an account host has neither), so the reason is the one the
/// redacted host gets.
pub fn parse_account_host(raw: &str) -> Result<AccountHost, String> {
    let result = parse_host(raw);
    if !host_holds_secrets(raw) {
        return result.map_err(|e| e.to_string());
    }
    let shown = displayable_host(raw);
    Err(match parse_host(&shown) {
        Err(e) => e.to_string(),
        Ok(_) => format!(
            "the host {shown:?} holds user info or a query, which an account host never has"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_id_fields_are_recognised_and_ids_are_not() {
        for secret in [
            "dose1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e",
            "DOSEabcdefghijklmnopqrstuv",
            "x8ipcf0482bcaah6b3dfcb3fb217461f8b83zq",
        ] {
            assert!(looks_like_secret(secret), "{secret}");
            assert!(!shown_value(secret).contains(secret));
        }
        for id in [
            "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b",
            "6f7c4a1e2b3d4e5f8a9b0c1d2e3f4a5b",
            "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110",
            "2323502488275632",
            "azure-app",
            "dose",
            "acc-1",
        ] {
            assert!(!looks_like_secret(id), "{id}");
        }
        assert_eq!(shown_value("a\u{7}b"), "\"a\\u{7}b\"");
    }

    #[test]
    fn connection_ids_are_not_secrets_and_secrets_with_slashes_still_are() {
        for id in [
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e3230c8",
            "aws/0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e3230c8/extra",
            "0d2a7b1c-1234-4abc-9def-0123456789ab/2323502488275632/09094e3230c8",
            "gcp/0d2a7b1c-1234-4abc-9def-0123456789ab//09094e3230c8/",
        ] {
            assert!(!looks_like_secret(id), "{id}");
            assert_eq!(shown_value(id), format!("{id:?}"));
        }
        for secret in [
            "dose1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e/extra",
            "q8Zk3/vX9pLmN2rT7yWb4Hs1Jd6Fg0Ca5Ee+Uo==",
            "x8ipcf0482bcaah6b3dfcb3fb217461f8b83zq/aws",
        ] {
            assert!(looks_like_secret(secret), "{secret}");
            assert!(!shown_value(secret).contains(secret));
        }
    }

    #[test]
    fn hosts_are_shown_without_user_info_or_query() {
        // How a host is hidden is the client's (`displayable_host`); here: that the provider's
        // checks use it, including for a password with a slash in it.
        assert!(host_holds_secrets("https://user:p/w@host/path"));
        assert!(host_holds_secrets("https://host/p?access_token=abc"));
        assert!(!host_holds_secrets(" https://host/path "));
        for raw in [
            "ftp://user:pw@host",
            "https://user:pw@[bad",
            "https://user:pw@host:99999",
            "https://accounts.cloud.databricks.com/?access_token=abc",
            "https://user:p/w@accounts.cloud.databricks.com",
        ] {
            let reason = parse_account_host(raw).unwrap_err();
            assert!(
                !reason.contains("pw")
                    && !reason.contains("p/w")
                    && !reason.contains("abc")
                    && !reason.contains("user:"),
                "{raw}: {reason}"
            );
        }
        assert!(parse_account_host("http://10.0.0.1").is_err());
        assert!(parse_account_host("https://accounts.cloud.databricks.us").is_ok());
    }
}
