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
    /// The decoded path of a request whose URI holds `sent` (or `/` when it has none).
    pub(crate) fn of(sent: Option<&PathAndQuery>) -> Self {
        match sent {
            Some(pq) if pq.path().contains('%') => {
                SharedPath(Repr::Decoded(crate::urls::decode_path(pq.path()).into()))
            }
            Some(pq) => SharedPath(Repr::Sent(pq.clone())),
            None => SharedPath(Repr::Decoded(Arc::from("/"))),
        }
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

#[cfg(test)]
mod tests {
    use super::SharedPath;
    use http::uri::PathAndQuery;

    #[test]
    fn a_plain_path_is_the_uris_and_an_escaped_one_is_decoded() {
        let plain = PathAndQuery::from_static("/hello/brian?x=1");
        let path = SharedPath::of(Some(&plain));
        assert_eq!(&*path, "/hello/brian");
        // The same bytes, not a copy.
        assert_eq!(path.as_ptr(), plain.as_str().as_ptr());
        let escaped = PathAndQuery::from_static("/hello/a%20b?x=%20");
        assert_eq!(&*SharedPath::of(Some(&escaped)), "/hello/a b");
        assert_eq!(&*SharedPath::of(None), "/");
    }
}
