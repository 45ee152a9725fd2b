//! ALLOWED_HOSTS: a request for a host the site does not serve gets a 400 (Django's
//! `DisallowedHost`), which protects absolute URLs and CSRF origin checks.

use http::header;

use super::Middleware;
use crate::error::{Error, ErrorKind};
use crate::http::{IntoResponse, Request, Response};

/// Splits `host` into domain and port as Django's `split_domain_port` (host validated by
/// `^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$`); `None` when it is not valid.
pub fn split_domain_port(host: &str) -> Option<(String, String)> {
    let host = host.to_ascii_lowercase();
    split_lowercase(&host).map(|(d, p)| (d.to_string(), p.to_string()))
}

/// [`split_domain_port`] of a host already in lower case, borrowing its parts.
fn split_lowercase(host: &str) -> Option<(&str, &str)> {
    let (domain, rest) = if host.starts_with('[') {
        let close = host.find(']')?;
        host.split_at(close + 1)
    } else {
        host.split_at(host.find(':').unwrap_or(host.len()))
    };
    let valid_domain = match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        Some(inside) => inside.split_once(':').is_some_and(|(head, tail)| {
            head.bytes().all(|b| b.is_ascii_hexdigit())
                && !tail.is_empty()
                && tail
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }),
        None => {
            !domain.is_empty()
                && domain
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        }
    };
    let port = match rest.strip_prefix(':') {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p,
        None if rest.is_empty() => "",
        _ => return None,
    };
    if !valid_domain {
        return None;
    }
    let domain = if domain.starts_with('[') {
        domain
    } else {
        domain.strip_suffix('.').unwrap_or(domain)
    };
    Some((domain, port))
}

fn is_same_domain(host: &str, pattern: &str) -> bool {
    match pattern.strip_prefix('.') {
        Some(bare) => {
            host.eq_ignore_ascii_case(bare)
                || (host.len() > pattern.len()
                    && host.is_char_boundary(host.len() - pattern.len())
                    && host[host.len() - pattern.len()..].eq_ignore_ascii_case(pattern))
        }
        None => host.eq_ignore_ascii_case(pattern),
    }
}

/// Whether `host` is a lower-case name (with a port or not) that ALLOWED_HOSTS names exactly
/// or allows with `*`: the usual request, answered without splitting and lower-casing. Any
/// other host goes through [`host_error`], which this agrees with.
fn plainly_allowed(host: &[u8], allowed: &[String]) -> bool {
    let name_end = host
        .iter()
        .position(|&b| !PLAIN_NAME[b as usize])
        .unwrap_or(host.len());
    let (domain, rest) = host.split_at(name_end);
    // Nothing after the name, or a colon and a port of one digit or more.
    let plain_port = match rest.split_first() {
        None => true,
        Some((b':', port)) => !port.is_empty() && port.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    };
    plain_port
        && !domain.is_empty()
        && domain.last() != Some(&b'.')
        && allowed
            .iter()
            .any(|p| p.as_bytes() == b"*" || p.as_bytes() == domain)
}

/// The bytes of a plain host name: lower-case letters, digits, `.` and `-`.
static PLAIN_NAME: [bool; 256] = crate::html::byte_set(b"abcdefghijklmnopqrstuvwxyz0123456789.-");

/// Django's `validate_host`.
pub fn validate_host(domain: &str, allowed: &[String]) -> bool {
    allowed
        .iter()
        .any(|p| p == "*" || is_same_domain(domain, p))
}

/// Why a host is refused, in Django's words; `None` when it is allowed.
pub fn host_error(host: &str, allowed: &[String]) -> Option<String> {
    // Lower-cased only when it has to be: no allocation for the usual host.
    let lower = if host.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(host.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(host)
    };
    match split_lowercase(&lower) {
        Some((domain, _)) if validate_host(domain, allowed) => None,
        Some((domain, _)) => Some(format!(
            "Invalid HTTP_HOST header: '{host}'. You may need to add '{domain}' to ALLOWED_HOSTS."
        )),
        None => Some(format!(
            "Invalid HTTP_HOST header: '{host}'. The domain name provided is not valid according to RFC 1034/1035."
        )),
    }
}

/// Django's ALLOWED_HOSTS check: a request for a host the site does not serve is answered
/// 400 (`DisallowedHost`).
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowedHostsMiddleware;

impl Middleware for AllowedHostsMiddleware {
    async fn process_request(&self, request: &mut Request) -> Option<Response> {
        refusal(request)
            .map(|message| Error::new(ErrorKind::DisallowedHost, message).into_response())
    }
}

/// Why `request`'s host is refused; `None` when ALLOWED_HOSTS allows it.
pub(crate) fn refusal(request: &Request) -> Option<String> {
    let header = request.headers().get(header::HOST);
    let allowed = request.settings().effective_allowed_hosts();
    if let Some(h) = header
        && plainly_allowed(h.as_bytes(), &allowed)
    {
        return None;
    }
    // Borrowed when visible ASCII, or valid UTF-8: no allocation per request.
    let host = match header {
        Some(h) => match h.to_str() {
            Ok(ascii) => std::borrow::Cow::Borrowed(ascii),
            Err(_) => String::from_utf8_lossy(h.as_bytes()),
        },
        None => std::borrow::Cow::Borrowed(request.uri().authority().map_or("", |a| a.as_str())),
    };
    host_error(&host, &allowed)
}

#[cfg(test)]
mod tests {
    use super::{host_error, plainly_allowed};

    #[test]
    fn the_fast_path_never_allows_what_the_full_check_refuses() {
        let lists: [&[&str]; 4] = [
            &["example.com"],
            &[".example.com", "127.0.0.1"],
            &["*"],
            &["EXAMPLE.com", "[::1]"],
        ];
        let hosts = [
            "example.com",
            "example.com:8000",
            "example.com.",
            "Example.com",
            "sub.example.com",
            "example.com:",
            "example.com:80:80",
            "example.com:8o",
            "example.com:8000.",
            "a:b",
            "127.0.0.1",
            "127.0.0.1:8192",
            "[::1]:8000",
            "",
            ":80",
            "exa mple.com",
            "example.com/x",
            "évil.com",
        ];
        let mut fast = 0;
        for list in lists {
            let allowed: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            for host in hosts {
                if plainly_allowed(host.as_bytes(), &allowed) {
                    fast += 1;
                    assert_eq!(host_error(host, &allowed), None, "{host} with {list:?}");
                }
            }
        }
        // The usual hosts do take the fast path.
        assert!(fast >= 6, "{fast}");
        assert!(plainly_allowed(b"127.0.0.1:8192", &["127.0.0.1".into()]));
        assert!(!plainly_allowed(b"example.com.", &["example.com".into()]));
    }
}
