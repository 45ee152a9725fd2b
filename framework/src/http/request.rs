//! The request: Django's `HttpRequest` (method, path, GET, POST, COOKIES, body, …), made
//! once at the top of the stack. What the middleware attach to it (the session, the CSRF
//! state) lives in its extensions, under types only their own modules define.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method, request::Parts};

use super::{Body, SharedPath};
use crate::error::Error;
use crate::files::Files;
use crate::settings::Settings;

/// An HTTP request. Its body is read (within DATA_UPLOAD_MAX_MEMORY_SIZE) before the view
/// runs, or earlier by a middleware that needs it (the CSRF check of a form).
#[derive(Debug)]
pub struct Request {
    head: Parts,
    body: RequestBody,
    /// The decoded path when it differs from the URI's (`%` escapes); most requests use the
    /// URI's own.
    decoded_path: Option<Arc<str>>,
    settings: Arc<Settings>,
    /// What the resolver and the built-in middleware attached (the session's, the CSRF state's).
    slots: super::slots::Slots,
    /// Whether the request has a Cookie header at all (the headers do not change).
    sends_cookies: bool,
}

/// A request's body: still arriving, or read. (The stream is behind a mutex, never locked,
/// only so that a `&Request` can be held across an `.await` in a `Send` future.)
#[derive(Debug)]
enum RequestBody {
    Unread(std::sync::Mutex<Body>),
    Read(Bytes),
    /// A `multipart/form-data` POST, parsed as it arrived (its files may be on disk).
    Multipart(Box<super::multipart::Multipart>),
}

impl Request {
    /// A request from its head and body, answered with `settings`.
    pub fn new(head: Parts, body: Body, settings: Arc<Settings>) -> Self {
        let decoded_path = super::path::decoded_copy(head.uri.path_and_query());
        let body = if http_body::Body::is_end_stream(&body) {
            RequestBody::Read(Bytes::new())
        } else {
            RequestBody::Unread(std::sync::Mutex::new(body))
        };
        let sends_cookies = head.headers.contains_key(http::header::COOKIE);
        Request {
            head,
            body,
            decoded_path,
            settings,
            slots: Default::default(),
            sends_cookies,
        }
    }

    /// The method: `request.method() == Method::POST`.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The percent-decoded path, like Django's `request.path` (`/hello/a b` for `/hello/a%20b`).
    pub fn path(&self) -> &str {
        match &self.decoded_path {
            Some(decoded) => decoded,
            None => self.head.uri.path(),
        }
    }

    /// The decoded path, sharing the request's bytes.
    pub(crate) fn shared_path(&self) -> SharedPath {
        match (&self.decoded_path, self.head.uri.path_and_query()) {
            (Some(decoded), _) => SharedPath::decoded(decoded),
            (None, Some(sent)) => SharedPath::sent(sent),
            (None, None) => SharedPath::from("/"),
        }
    }

    /// The path as the client sent it, still percent-encoded.
    pub fn raw_path(&self) -> &str {
        self.head.uri.path()
    }

    /// The URI as the client sent it.
    pub fn uri(&self) -> &http::Uri {
        &self.head.uri
    }

    /// The path with its query string, as sent (`request.get_full_path()`).
    pub fn full_path(&self) -> &str {
        self.head.uri.path_and_query().map_or("/", |pq| pq.as_str())
    }

    /// The raw query string, without the `?`.
    pub fn query_string(&self) -> &str {
        self.head.uri.query().unwrap_or("")
    }

    /// The query string parsed (Django's `request.GET`).
    pub fn query(&self) -> QueryDict {
        QueryDict::parse(self.query_string().as_bytes())
    }

    /// The form body parsed when it is `application/x-www-form-urlencoded`, or the fields of
    /// a `multipart/form-data` POST (Django's `request.POST`). A body with more fields than
    /// DATA_UPLOAD_MAX_NUMBER_FIELDS was refused before the view ran.
    pub fn post(&self) -> QueryDict {
        match &self.body {
            RequestBody::Multipart(parsed) => parsed.fields.clone(),
            _ if super::is_form_urlencoded(&self.head.headers) => QueryDict::parse(self.body()),
            _ => QueryDict::default(),
        }
    }

    /// The files of a `multipart/form-data` POST (Django's `request.FILES`); none otherwise.
    /// The form needs `enctype="multipart/form-data"` for a browser to send them.
    pub fn files(&self) -> &Files {
        static NONE: Files = Files::new();
        match &self.body {
            RequestBody::Multipart(parsed) => &parsed.files,
            _ => &NONE,
        }
    }

    /// The last value of a form field, decoding only that one (what the CSRF check needs).
    pub(crate) fn form_value(&self, key: &str) -> Option<String> {
        match &self.body {
            RequestBody::Multipart(parsed) => parsed.fields.get(key).map(str::to_owned),
            RequestBody::Read(bytes) if super::is_form_urlencoded(&self.head.headers) => {
                super::last_value(bytes, key)
            }
            _ => None,
        }
    }

    /// The media type of the body, without parameters.
    pub fn content_type(&self) -> Option<&str> {
        super::media_type(&self.head.headers)
    }

    /// All headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// One header as text; `None` when absent or not visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.headers.get(name)?.to_str().ok()
    }

    /// A cookie's value (Django's `request.COOKIES[name]`); the last one sent wins.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        // Several middleware ask for their cookie: a request without any answers at once.
        if !self.sends_cookies {
            return None;
        }
        crate::http::cookie_from_headers(&self.head.headers, name)
    }

    /// The body (empty until it is read, which happens before the view runs). A multipart
    /// POST's is not kept whole: read its [`post`](Self::post) and [`files`](Self::files).
    pub fn body(&self) -> &Bytes {
        static EMPTY: Bytes = Bytes::new();
        match &self.body {
            RequestBody::Read(bytes) => bytes,
            RequestBody::Unread(_) | RequestBody::Multipart(_) => &EMPTY,
        }
    }

    /// Whether the body is still to be read.
    pub(crate) fn has_unread_body(&self) -> bool {
        matches!(self.body, RequestBody::Unread(_))
    }

    /// Reads the body, if it is not read yet: within DATA_UPLOAD_MAX_MEMORY_SIZE (413),
    /// DATA_UPLOAD_MAX_NUMBER_FIELDS for a form (400) and REQUEST_BODY_TIMEOUT (408). A
    /// `multipart/form-data` POST is parsed into its fields and files as it arrives.
    pub async fn read_body(&mut self) -> Result<&Bytes, Error> {
        if let RequestBody::Unread(body) = &mut self.body {
            let body = std::mem::take(body.get_mut().unwrap_or_else(|e| e.into_inner()));
            self.body = if self.head.method == Method::POST
                && super::multipart::is_multipart(&self.head.headers)
            {
                let parsed = super::multipart::parse(&self.head.headers, body, &self.settings);
                RequestBody::Multipart(Box::new(parsed.await?))
            } else {
                RequestBody::Read(super::read_body(&self.head.headers, body, &self.settings).await?)
            };
        }
        Ok(self.body())
    }

    /// The project's database: the process's one pool (made on first use), for
    /// `request.db()?.run(|c| …).await`.
    pub fn db(&self) -> Result<crate::db::Database, Error> {
        crate::db::shared(&self.settings)
    }

    /// The body read as JSON into `T` (an API view's input): a body that is not JSON, or not
    /// of `T`'s shape, is a 400 with serde's message (what is wrong, and where).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(self.body()).map_err(|e| {
            Error::new(
                crate::error::ErrorKind::BadRequest,
                format!("The request body is not valid JSON for this view: {e}"),
            )
        })
    }

    /// The host the client asked for, with its port (Django's `get_host()`), already checked
    /// against ALLOWED_HOSTS by the middleware.
    pub fn host(&self) -> &str {
        super::host_of(&self.head.headers, &self.head.uri).unwrap_or("")
    }

    /// Whether the request came over HTTPS (Django's `is_secure()`: SECURE_PROXY_SSL_HEADER,
    /// or TLS the server terminated).
    pub fn is_secure(&self) -> bool {
        is_secure(&self.settings, &self.head.headers, &self.head.extensions)
    }

    /// The project's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The settings, shared.
    pub(crate) fn shared_settings(&self) -> Arc<Settings> {
        self.settings.clone()
    }

    /// The settings' shared handle, borrowed (what a cache made for these settings checks).
    pub(crate) fn shared_settings_ref(&self) -> &Arc<Settings> {
        &self.settings
    }

    /// Attaches a value of the resolver's or a built-in middleware's, under a type only its
    /// module defines.
    pub(crate) fn attach<T: std::any::Any + Send + Sync>(&mut self, value: T) {
        self.slots.attach(value);
    }

    /// A value a built-in middleware attached.
    pub(crate) fn attached<T: std::any::Any + Send + Sync>(&self) -> Option<&T> {
        self.slots.get()
    }

    /// A value a built-in middleware attached, shared.
    pub(crate) fn attached_shared<T: std::any::Any + Send + Sync>(&self) -> Option<Arc<T>> {
        self.slots.shared()
    }

    /// The value of type `T` attached to this request, made by `make` (and kept) when there
    /// is none yet: for values a view adds through a shared request.
    pub(crate) fn attached_or_make<T: std::any::Any + Send + Sync>(
        &self,
        make: impl FnOnce() -> T,
    ) -> Arc<T> {
        self.slots.shared_or_make(make)
    }

    /// Per-request data that middleware attached, each under a type of its own.
    pub fn extensions(&self) -> &http::Extensions {
        &self.head.extensions
    }

    /// Per-request data, mutable.
    pub fn extensions_mut(&mut self) -> &mut http::Extensions {
        &mut self.head.extensions
    }

    /// The HTTP version, for the access log.
    pub fn version(&self) -> http::Version {
        self.head.version
    }
}

/// Django's `request.is_secure()`: the header SECURE_PROXY_SSL_HEADER names decides when
/// the proxy sent it (its first value, before any `,`); otherwise whether the server itself
/// terminated TLS for the request ([`ServedOverTls`](super::ServedOverTls)). A URI's own
/// `https://` scheme is the client's word, and is not trusted.
fn is_secure(settings: &Settings, headers: &HeaderMap, extensions: &http::Extensions) -> bool {
    if let [name, value] = settings.secure_proxy_ssl_header.as_slice()
        && let Some(sent) = headers.get(super::header_name_of(name))
    {
        let first = sent.to_str().ok().and_then(|v| v.split(',').next());
        return first.is_some_and(|v| v.trim() == value);
    }
    extensions.get::<super::ServedOverTls>().is_some()
}

/// Ordered multi-valued parameters (Django's `QueryDict`): `get` gives the last value of a key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryDict {
    pairs: Vec<(String, String)>,
}

impl QueryDict {
    /// The pairs, in order.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.pairs
    }

    /// Parses `a=1&b=2&a=3`; `+` is a space; invalid percent escapes are kept as written.
    pub fn parse(input: &[u8]) -> Self {
        QueryDict {
            pairs: super::form::decode_pairs(input),
        }
    }

    /// Appends a pair (a multipart field, in the order sent).
    pub(crate) fn push(&mut self, key: String, value: String) {
        self.pairs.push((key, value));
    }

    /// The last value for `key`, as Django's `QueryDict.__getitem__`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value for `key`, in order (Django's `getlist`).
    pub fn get_list(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether `key` was sent.
    pub fn contains(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }

    /// The pairs in the order they were sent.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// How many pairs were sent.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether nothing was sent.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}
