//! Django's `url_has_allowed_host_and_scheme`: whether a URL taken from the client (a
//! `?next=` parameter, say) is safe to redirect to, so that a login page cannot be turned
//! into an open redirect.

/// Whether `url` stays on one of `allowed_hosts` (a relative URL always does) with an
/// `http`/`https` scheme (only `https` when `require_https`). Follows Django 5.2 exactly,
/// including the browser quirks it guards against: `\` read as `/`, `///host`, a scheme
/// with no host, control characters in front, unbalanced IPv6 brackets.
///
/// ```
/// use manouche::http::url_has_allowed_host_and_scheme;
/// let hosts = ["testserver"];
/// assert!(url_has_allowed_host_and_scheme("/tasks/?page=2", &hosts, false));
/// assert!(url_has_allowed_host_and_scheme("https://testserver/", &hosts, false));
/// assert!(!url_has_allowed_host_and_scheme("//evil.example/", &hosts, false));
/// assert!(!url_has_allowed_host_and_scheme("javascript:alert(1)", &hosts, false));
/// ```
pub fn url_has_allowed_host_and_scheme(
    url: &str,
    allowed_hosts: &[&str],
    require_https: bool,
) -> bool {
    let url = url.trim();
    if url.is_empty() {
        return false;
    }
    // Chrome reads `\` as `/` in paths, but it may be part of credentials: check both.
    allowed(url, allowed_hosts, require_https)
        && allowed(&url.replace('\\', "/"), allowed_hosts, require_https)
}

/// Django's `escape_leading_slashes`: a path starting `//` would be read as a host
/// (`//evil.example/`), so its second slash is escaped.
pub(crate) fn escape_leading_slashes(url: String) -> String {
    match url.strip_prefix("//") {
        Some(rest) => format!("/%2F{rest}"),
        None => url,
    }
}

fn allowed(url: &str, allowed_hosts: &[&str], require_https: bool) -> bool {
    // Browsers take any URL starting with three slashes as absolute.
    if url.starts_with("///") {
        return false;
    }
    let Some((scheme, netloc)) = urlsplit(url) else {
        return false;
    };
    // `http:///example.com`: a scheme without a host, which Chrome reads as the host.
    if netloc.is_empty() && !scheme.is_empty() {
        return false;
    }
    // Browsers skip control characters in front and may then see `//host`.
    if url.chars().next().is_some_and(is_other_category) {
        return false;
    }
    let scheme = if scheme.is_empty() && !netloc.is_empty() {
        "http"
    } else {
        &scheme
    };
    let scheme_ok = scheme.is_empty() || scheme == "https" || (!require_https && scheme == "http");
    (netloc.is_empty() || allowed_hosts.contains(&netloc.as_str())) && scheme_ok
}

/// Unicode category C (control, format, surrogate, private use, unassigned), as far as
/// Rust's standard library can tell: controls, the common format characters and private use.
fn is_other_category(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E000}'..='\u{F8FF}')
}

/// The scheme (lower case) and netloc of Python's `urlsplit`, or `None` where it raises
/// (unbalanced IPv6 brackets).
fn urlsplit(url: &str) -> Option<(String, String)> {
    // What Python removes first: tabs and newlines anywhere, C0 controls and spaces in front.
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let rest = cleaned.trim_start_matches(|c: char| c <= ' ');
    let (scheme, rest) = match rest.find(':') {
        Some(i)
            if i > 0
                && rest.as_bytes()[0].is_ascii_alphabetic()
                && rest[..i]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) =>
        {
            (rest[..i].to_ascii_lowercase(), &rest[i + 1..])
        }
        _ => (String::new(), rest),
    };
    let netloc = match rest.strip_prefix("//") {
        Some(after) => after.split(['/', '?', '#']).next().unwrap_or(""),
        None => "",
    };
    if netloc.contains('[') != netloc.contains(']') {
        return None;
    }
    Some((scheme, netloc.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::url_has_allowed_host_and_scheme as safe;

    const HOSTS: &[&str] = &["otherserver", "testserver"];

    /// Django's `URLHasAllowedHostAndSchemeTests.test_bad_urls`.
    #[test]
    fn djangos_bad_urls() {
        let bad = [
            "http://example.com",
            "http:///example.com",
            "https://example.com",
            "ftp://example.com",
            r"\\example.com",
            r"\\\example.com",
            r"/\\/example.com",
            r"\\//example.com",
            r"/\/example.com",
            r"\/example.com",
            r"/\example.com",
            r"http:/\//example.com",
            r"http:\/example.com",
            r"http:/\example.com",
            "javascript:alert(\"XSS\")",
            "\njavascript:alert(x)",
            "java\nscript:alert(x)",
            "\x08//example.com",
            r"http://otherserver\@example.com",
            r"http:\\testserver\@example.com",
            r"http://testserver\me:pass@example.com",
            r"http://testserver\@example.com",
            r"http:\\testserver\confirm\me@example.com",
            "http:999999999",
            "ftp:9999999999",
            "\n",
            "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
            "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
        ];
        for url in bad {
            assert!(!safe(url, HOSTS, false), "{url:?} should be refused");
        }
    }

    /// Django's `test_good_urls`.
    #[test]
    fn djangos_good_urls() {
        let good = [
            "/view/?param=http://example.com",
            "/view/?param=https://example.com",
            "/view?param=ftp://example.com",
            "view/?param=//example.com",
            "https://testserver/",
            "HTTPS://testserver/",
            "//testserver/",
            "http://testserver/confirm?email=me@example.com",
            "/url%20with%20spaces/",
            "path/http:2222222222",
        ];
        for url in good {
            assert!(safe(url, HOSTS, false), "{url:?} should be allowed");
        }
    }

    /// Django's `test_secure_param_https_urls` and `test_secure_param_non_https_urls`.
    #[test]
    fn require_https() {
        for url in [
            "https://example.com/p",
            "HTTPS://example.com/p",
            "/view/?param=http://example.com",
        ] {
            assert!(safe(url, &["example.com"], true), "{url:?}");
        }
        for url in [
            "http://example.com/p",
            "ftp://example.com/p",
            "//example.com/p",
        ] {
            assert!(!safe(url, &["example.com"], true), "{url:?}");
        }
    }

    /// Django's `test_no_allowed_hosts` and `test_basic_auth`.
    #[test]
    fn no_hosts_and_credentials() {
        assert!(safe("/confirm/me@example.com", &[], false));
        assert!(!safe("http://testserver/", &[], false));
        assert!(safe(
            "http://user:pass@testserver/",
            &["user:pass@testserver"],
            false
        ));
        assert!(!safe("", HOSTS, false));
        assert!(!safe("   ", HOSTS, false));
    }
}
