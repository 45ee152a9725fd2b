//! Reading the `Cookie` header as Django's `parse_cookie` does: lenient, never failing.

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
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(parse_cookies)
        .filter(|(n, _)| *n == name)
        .last()
        .map(|(_, v)| v)
}
