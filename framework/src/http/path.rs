//! The request's decoded path, shared by the request, its resolver match and the template
//! context without a copy: most paths have no `%` escape, and are the URI's own bytes.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use http::uri::PathAndQuery;

/// A percent-decoded path; cloning it shares the bytes.
#[derive(Clone)]
pub(crate) struct SharedPath(Repr);

#[derive(Clone)]
enum Repr {
    /// The path as sent, which decoding leaves as it is.
    Sent(PathAndQuery),
    /// A decoded copy.
    Decoded(Arc<str>),
}

impl SharedPath {
    /// The path as sent, when decoding leaves it as it is.
    pub(crate) fn sent(pq: &PathAndQuery) -> Self {
        SharedPath(Repr::Sent(pq.clone()))
    }

    /// A decoded copy.
    pub(crate) fn decoded(path: &Arc<str>) -> Self {
        SharedPath(Repr::Decoded(path.clone()))
    }

    /// The path with its query string, when this is the URI's own.
    pub(crate) fn full(&self) -> Option<&PathAndQuery> {
        match &self.0 {
            Repr::Sent(pq) => Some(pq),
            Repr::Decoded(_) => None,
        }
    }
}

/// The decoded copy a request keeps of its path, if it needs one: when the path has `%`
/// escapes, or when the URI has no path (`/`). Most requests need none.
pub(crate) fn decoded_copy(sent: Option<&PathAndQuery>) -> Option<Arc<str>> {
    match sent {
        Some(pq) if pq.path().contains('%') => Some(decode_path(pq.path()).into()),
        Some(_) => None,
        None => Some(Arc::from("/")),
    }
}

impl From<&str> for SharedPath {
    fn from(path: &str) -> Self {
        SharedPath(Repr::Decoded(Arc::from(path)))
    }
}

impl Deref for SharedPath {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.0 {
            Repr::Sent(pq) => pq.path(),
            Repr::Decoded(path) => path,
        }
    }
}

impl fmt::Debug for SharedPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Decodes `%XX` escapes as Django does for `path_info`; bytes that are not UTF-8 stay escaped.
pub fn decode_path(raw: &str) -> String {
    if !raw.contains('%') {
        return raw.to_owned();
    }
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(raw).collect();
    let mut out = String::with_capacity(bytes.len());
    let mut rest = &bytes[..];
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let n = e.error_len().unwrap_or(bad.len());
                for b in &bad[..n] {
                    out.push_str(&format!("%{b:02X}"));
                }
                rest = &bad[n..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{SharedPath, decoded_copy};
    use http::uri::PathAndQuery;

    #[test]
    fn a_plain_path_is_the_uris_and_an_escaped_one_is_decoded() {
        let plain = PathAndQuery::from_static("/hello/brian?x=1");
        assert_eq!(decoded_copy(Some(&plain)), None);
        let path = SharedPath::sent(&plain);
        assert_eq!(&*path, "/hello/brian");
        // The same bytes, not a copy; and the full path with them.
        assert_eq!(path.as_ptr(), plain.as_str().as_ptr());
        assert_eq!(
            path.full().map(PathAndQuery::as_str),
            Some("/hello/brian?x=1")
        );
        let escaped = PathAndQuery::from_static("/hello/a%20b?x=%20");
        let decoded = decoded_copy(Some(&escaped)).unwrap();
        assert_eq!(&*decoded, "/hello/a b");
        assert_eq!(SharedPath::decoded(&decoded).full(), None);
        assert_eq!(decoded_copy(None).as_deref(), Some("/"));
    }
}
