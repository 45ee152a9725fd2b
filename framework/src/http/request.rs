//! The request a view receives: Django's `HttpRequest` (method, path, GET, COOKIES, body, …).

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use http::{HeaderMap, Method, request::Parts};

use super::SharedPath;
use crate::middleware::csrf::{Shared, state_for};
use crate::middleware::{CsrfSource, PerRequest};
use crate::sessions::{SessionHandle, SessionSource};
use crate::settings::Settings;
use crate::urls::ResolverMatch;

/// An HTTP request whose body has been read (within DATA_UPLOAD_MAX_MEMORY_SIZE).
#[derive(Debug)]
pub struct Request {
    head: Parts,
    body: Bytes,
    /// The decoded path when it differs from the URI's (`%` escapes); most requests use the
    /// URI's own, and share it (no copy) only with what asks for it.
    decoded_path: Option<Arc<str>>,
    settings: Arc<Settings>,
    session: SessionSource,
    /// The session, once made on first use.
    made_session: OnceLock<Arc<SessionHandle>>,
    csrf: CsrfSource,
    /// The CSRF state, once made on first use.
    made_csrf: OnceLock<Shared>,
    security: Option<Arc<crate::middleware::security::Cached>>,
    resolver_match: Option<ResolverMatch>,
}

/// The decoded path: the request's copy when it has one, else the URI's own.
fn decoded_or_sent<'a>(decoded: &'a Option<Arc<str>>, head: &'a Parts) -> &'a str {
    match decoded {
        Some(decoded) => decoded,
        None => head.uri.path(),
    }
}

impl Request {
    /// Builds a request from its parts (the path is decoded here, when it needs to be).
    pub(crate) fn new(head: Parts, body: Bytes, per_request: PerRequest) -> Self {
        let decoded_path = super::path::decoded_copy(head.uri.path_and_query());
        Request {
            head,
            body,
            decoded_path,
            settings: per_request.settings,
            session: per_request.session,
            made_session: OnceLock::new(),
            csrf: per_request.csrf,
            made_csrf: OnceLock::new(),
            security: per_request.security,
            resolver_match: None,
        }
    }

    /// The method: `request.method() == Method::POST`.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The percent-decoded path, like Django's `request.path` (`/hello/a b` for `/hello/a%20b`).
    pub fn path(&self) -> &str {
        decoded_or_sent(&self.decoded_path, &self.head)
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

    /// The path and query string as the request's URI holds them (shared bytes).
    pub(crate) fn path_and_query(&self) -> Option<&http::uri::PathAndQuery> {
        self.head.uri.path_and_query()
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

    /// The form body parsed when it is `application/x-www-form-urlencoded` (Django's `request.POST`).
    /// The server refused a body with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS before
    /// the view ran.
    pub fn post(&self) -> QueryDict {
        if super::is_form_urlencoded(&self.head.headers) {
            QueryDict::parse(&self.body)
        } else {
            QueryDict::default()
        }
    }

    /// The media type of the body, without parameters.
    pub fn content_type(&self) -> Option<&str> {
        let ct = self.header("content-type")?;
        Some(ct.split(';').next().unwrap_or(ct).trim())
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
        crate::http::cookie_from_headers(&self.head.headers, name)
    }

    /// The body, read once by the server.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The host the client asked for, with its port (Django's `get_host()`), already checked
    /// against ALLOWED_HOSTS by the middleware.
    pub fn host(&self) -> &str {
        crate::middleware::hosts::raw_host(&self.head).unwrap_or("")
    }

    /// Whether the request came over HTTPS (Django's `is_secure()`: SECURE_PROXY_SSL_HEADER,
    /// or TLS the server terminated).
    pub fn is_secure(&self) -> bool {
        self.settings
            .is_secure(&self.head.headers, &self.head.extensions)
    }

    /// The project's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub(crate) fn shared_settings(&self) -> Arc<Settings> {
        self.settings.clone()
    }

    /// The headers a rendered page starts with: its type and the security headers the
    /// middleware would add (so that it finds them there).
    pub(crate) fn page_headers(&self) -> Option<http::HeaderMap> {
        self.security.as_ref()?.page(&self.settings)
    }

    /// The CSRF state, if the middleware is on: made now from the cookie if nothing asked
    /// for it before.
    pub(crate) fn csrf_state(&self) -> Option<&Shared> {
        match &self.csrf {
            CsrfSource::Off => None,
            CsrfSource::Made(state) => Some(state),
            CsrfSource::Lazy(cookie) => {
                Some(self.made_csrf.get_or_init(|| state_for(cookie.as_deref())))
            }
        }
    }

    /// The CSRF state, if something made it.
    pub(crate) fn csrf_if_made(&self) -> Option<&Shared> {
        match &self.csrf {
            CsrfSource::Made(state) => Some(state),
            CsrfSource::Lazy(_) => self.made_csrf.get(),
            CsrfSource::Off => None,
        }
    }

    /// The CSRF cookie's value, when the CSRF state waits to be asked for.
    pub(crate) fn lazy_csrf(&self) -> Option<&Option<String>> {
        match &self.csrf {
            CsrfSource::Lazy(cookie) if self.made_csrf.get().is_none() => Some(cookie),
            _ => None,
        }
    }

    /// Keeps the CSRF state a template made while rendering (see `templates::render`).
    pub(crate) fn keep_csrf(&self, state: Shared) {
        if matches!(self.csrf, CsrfSource::Lazy(_)) {
            let _ = self.made_csrf.set(state);
        }
    }

    /// The visitor's session, loaded (Django's `request.session`), to read and change with
    /// plain calls: `let mut session = request.session().await?;`. The middleware saves it
    /// after the view when it changed. Open it once per view.
    pub async fn session(&self) -> Result<crate::sessions::Session, crate::Error> {
        let handle = match &self.session {
            SessionSource::Off => return Err(crate::sessions::not_installed()),
            SessionSource::Made(handle) => handle,
            SessionSource::Lazy(store) => self.made_session.get_or_init(|| {
                let cookie = self.cookie(&self.settings.session_cookie_name);
                Arc::new(SessionHandle::new(
                    store.clone(),
                    self.settings.clone(),
                    cookie,
                ))
            }),
        };
        handle.open().await
    }

    /// The session, if the middleware or the view made it.
    pub(crate) fn made_session(&self) -> Option<&Arc<SessionHandle>> {
        match &self.session {
            SessionSource::Made(handle) => Some(handle),
            SessionSource::Lazy(_) => self.made_session.get(),
            SessionSource::Off => None,
        }
    }

    /// Which route matched: view, route, names (Django's `request.resolver_match`).
    pub fn resolver_match(&self) -> Option<&ResolverMatch> {
        self.resolver_match.as_ref()
    }

    /// Resolves the request's path with `resolve`, which fills the request's resolver match
    /// in place (its captures point into the path, which it shares); cleared on no match.
    pub(crate) fn resolve_with<R>(
        &mut self,
        resolve: impl FnOnce(&str, &mut ResolverMatch) -> Option<R>,
    ) -> Option<R> {
        let rm = ResolverMatch::for_path(self.shared_path());
        // Fields apart, so that the path is read while the match is filled.
        let path = decoded_or_sent(&self.decoded_path, &self.head);
        let matched = resolve(path, self.resolver_match.insert(rm));
        if matched.is_none() {
            self.resolver_match = None;
        }
        matched
    }

    /// Per-request data that middleware attached.
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

/// Ordered multi-valued parameters (Django's `QueryDict`): `get` gives the last value of a key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryDict {
    pairs: Vec<(String, String)>,
}

impl QueryDict {
    /// Parses `a=1&b=2&a=3`; `+` is a space; invalid percent escapes are kept as written.
    pub fn parse(input: &[u8]) -> Self {
        QueryDict {
            pairs: super::form::decode_pairs(input),
        }
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
