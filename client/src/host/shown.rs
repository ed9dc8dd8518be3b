//! A configured host as it may be shown in a message: without what might be a secret typed
//! into it — user info (`user:password@`) and a query or fragment (`?access_token=…`) — whether
//! or not the rest of it is a valid URL.

/// What replaces a hidden part.
const HIDDEN: &str = "***";

/// `input` with its user info and its query or fragment replaced by `***`. Works on the text,
/// so a URL that does not parse (a bad port, a broken IPv6 address) is hidden the same way.
/// When an `@` follows a `?` or `#`, it cannot be told whether the `?` is in a password or the
/// `@` in a query, so everything after the scheme is hidden.
pub fn displayable_host(input: &str) -> String {
    let input = input.trim();
    let (scheme, rest) = match input.find("://") {
        Some(at) => input.split_at(at + 3),
        None => ("", input),
    };
    let query = rest.find(['?', '#']);
    let at = rest.rfind('@');
    let (userinfo, rest) = match (at, query) {
        (Some(at), Some(q)) if q < at => return format!("{scheme}{HIDDEN}"),
        (Some(at), _) => (true, &rest[at + 1..]),
        (None, _) => (false, rest),
    };
    let mut shown = String::from(scheme);
    if userinfo {
        shown.push_str(HIDDEN);
        shown.push('@');
    }
    match rest.find(['?', '#']) {
        Some(q) => {
            shown.push_str(&rest[..=q]);
            shown.push_str(HIDDEN);
        }
        None => shown.push_str(rest),
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_and_queries_are_hidden_whether_or_not_the_url_parses() {
        for (input, shown) in [
            ("ftp://user:pw@x.example.com", "ftp://***@x.example.com"),
            ("https://user:pw@[bad", "https://***@[bad"),
            ("https://user:pw@host:99999", "https://***@host:99999"),
            (
                "https://x.example.com/?access_token=abc",
                "https://x.example.com/?***",
            ),
            ("https://x.example.com/#frag", "https://x.example.com/#***"),
            ("user:pw@x.example.com", "***@x.example.com"),
            ("https://user:p/w@host/path", "https://***@host/path"),
            ("https://user:p?w@host", "https://***"),
            ("https://host/?a=b@c", "https://***"),
            (
                "https://u:pw@host/p?access_token=abc",
                "https://***@host/p?***",
            ),
            (
                " https://accounts.cloud.databricks.com/ ",
                "https://accounts.cloud.databricks.com/",
            ),
        ] {
            assert_eq!(displayable_host(input), shown, "{input}");
        }
    }
}
