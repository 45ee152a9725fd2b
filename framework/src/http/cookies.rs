//! Reading the `Cookie` header as Django's `parse_cookie` does: lenient, never failing.

use http::HeaderValue;

/// Splits a `Cookie` header into `(name, value)` pairs; the last value of a name wins when
/// the caller collects them into a map, as in Django. Malformed parts are skipped.
pub fn parse_cookies(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header.split(';').filter_map(|chunk| {
        let (name, value) = match chunk.split_once('=') {
            Some((n, v)) => (n.trim(), v.trim()),
            // Django: a chunk without "=" is a value with an empty name (Mozilla bug 169091).
            None => ("", chunk.trim()),
        };
        if name.is_empty() && value.is_empty() {
            return None;
        }
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        Some((name, value))
    })
}

/// A cookie's value from request headers; the last one sent wins, as in Django.
pub fn cookie_from_headers<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    let [found] = cookies_from_headers(headers, [name]);
    found
}

/// Several cookies' values, read in one pass over the headers (the middleware want the
/// session's and CSRF's of every request); the last one sent wins, as in Django.
pub(crate) fn cookies_from_headers<'a, const N: usize>(
    headers: &'a http::HeaderMap,
    names: [&str; N],
) -> [Option<&'a str>; N] {
    let mut found = [None; N];
    for header in headers.get_all(http::header::COOKIE) {
        let Ok(text) = header.to_str() else {
            continue;
        };
        for (n, v) in parse_cookies(text) {
            for (slot, name) in found.iter_mut().zip(names) {
                if n == name {
                    *slot = Some(v);
                }
            }
        }
    }
    found
}

/// A `Set-Cookie` value written as Django writes it (Python's attribute order: Domain,
/// expires, HttpOnly, Max-Age, Path, SameSite, Secure).
#[derive(Debug, Clone, Default)]
pub struct SetCookie<'a> {
    /// The name.
    pub name: &'a str,
    /// The value, as is (session keys and tokens need no quoting).
    pub value: &'a str,
    /// Seconds to live; `None` for a browser-session cookie.
    pub max_age: Option<u64>,
    /// The domain, if any.
    pub domain: Option<&'a str>,
    /// The path.
    pub path: &'a str,
    /// HTTPS only.
    pub secure: bool,
    /// Hidden from JavaScript.
    pub http_only: bool,
    /// `Lax`, `Strict`, `None`, or empty for none.
    pub same_site: &'a str,
}

impl<'a> SetCookie<'a> {
    /// Django's `delete_cookie`: empty and expired, with `Secure` where a browser would
    /// otherwise ignore the deletion (a `__Secure-`/`__Host-` name, or SameSite=None).
    pub fn deletion(
        name: &'a str,
        path: &'a str,
        domain: Option<&'a str>,
        same_site: &'a str,
    ) -> Self {
        SetCookie {
            name,
            value: "\"\"",
            max_age: Some(0),
            domain,
            path,
            secure: name.starts_with("__Secure-")
                || name.starts_with("__Host-")
                || same_site.eq_ignore_ascii_case("none"),
            http_only: false,
            same_site,
        }
    }

    /// The header value.
    pub fn to_header(&self) -> String {
        use std::fmt::Write;
        // One buffer, written in place: this runs on every page with a form.
        let mut out = String::with_capacity(160);
        let _ = write!(out, "{}={}", self.name, self.value);
        if let Some(domain) = self.domain {
            let _ = write!(out, "; Domain={domain}");
        }
        if let Some(age) = self.max_age {
            out.push_str("; expires=");
            if age == 0 {
                out.push_str("Thu, 01 Jan 1970 00:00:00 GMT");
            } else {
                // Past the year 9999 no date can be written: the last one that can.
                match crate::timezone::expires_after(std::time::Duration::from_secs(age)) {
                    Some(t) => {
                        let _ = write!(out, "{}", httpdate::HttpDate::from(t));
                    }
                    None => out.push_str("Fri, 31 Dec 9999 23:59:59 GMT"),
                }
            }
        }
        if self.http_only {
            out.push_str("; HttpOnly");
        }
        if let Some(age) = self.max_age {
            let _ = write!(out, "; Max-Age={age}");
        }
        let _ = write!(out, "; Path={}", self.path);
        if !self.same_site.is_empty() {
            let _ = write!(out, "; SameSite={}", self.same_site);
        }
        if self.secure {
            out.push_str("; Secure");
        }
        out
    }

    /// The header value, refused when a part holds a control character or a `;` that would
    /// end it early: CR/LF could inject headers (Django's `BadHeaderError`), a `;` attributes.
    pub fn to_header_value(&self) -> Result<HeaderValue, crate::Error> {
        let parts = [
            ("name", self.name),
            ("value", self.value),
            ("domain", self.domain.unwrap_or("")),
            ("path", self.path),
            ("samesite", self.same_site),
        ];
        for (what, text) in parts {
            if text.chars().any(|c| c.is_control() || c == ';') {
                return Err(crate::Error::new(
                    crate::ErrorKind::Internal,
                    format!("Cookie {what} can't contain control characters or ';' (got {text:?})"),
                ));
            }
        }
        HeaderValue::from_str(&self.to_header()).map_err(|e| {
            crate::Error::new(crate::ErrorKind::Internal, format!("bad Set-Cookie: {e}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{SetCookie, cookie_from_headers, cookies_from_headers};

    #[test]
    fn several_cookies_are_read_in_one_pass_and_the_last_sent_wins() {
        let mut headers = http::HeaderMap::new();
        headers.append("cookie", "sessionid=old; csrftoken=abc".parse().unwrap());
        headers.append("cookie", "other=1; sessionid=new".parse().unwrap());
        assert_eq!(
            cookies_from_headers(&headers, ["sessionid", "csrftoken", "missing"]),
            [Some("new"), Some("abc"), None]
        );
        assert_eq!(cookie_from_headers(&headers, "sessionid"), Some("new"));
        assert_eq!(
            cookies_from_headers(&http::HeaderMap::new(), ["sessionid", "csrftoken"]),
            [None, None]
        );
    }

    #[test]
    fn control_characters_and_semicolons_are_refused_in_every_part() {
        let ok = SetCookie {
            name: "flavour",
            value: "oatmeal",
            path: "/",
            same_site: "Lax",
            ..Default::default()
        };
        assert_eq!(
            ok.to_header_value().unwrap(),
            "flavour=oatmeal; Path=/; SameSite=Lax"
        );
        let injected = [
            SetCookie {
                value: "x\r\nSet-Cookie: admin=1",
                ..ok.clone()
            },
            SetCookie {
                value: "x; Domain=evil.example",
                ..ok.clone()
            },
            SetCookie {
                name: "a\nb",
                ..ok.clone()
            },
            SetCookie {
                path: "/\r\nX: y",
                ..ok.clone()
            },
            SetCookie {
                domain: Some("example.com\n"),
                ..ok.clone()
            },
        ];
        for cookie in injected {
            let err = cookie.to_header_value().unwrap_err();
            assert!(err.message().contains("can't contain"), "{err:?}");
        }
    }
}
