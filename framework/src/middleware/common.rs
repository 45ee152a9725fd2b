//! Django's CommonMiddleware, APPEND_SLASH part: a 404 for `/path` becomes a 301 to `/path/`
//! when only the latter resolves (query string kept).

use std::future::Future;

use http::{HeaderValue, Method, StatusCode, header};
use tower_layer::Layer;

use super::{Middleware, OwnedLine, RequestLine, Wrapped};
use crate::error::{Error, ErrorKind};
use crate::handler::settings_of;
use crate::http::{Body, Response, escape_leading_slashes};
use crate::settings::Settings;
use crate::urls::decode_path;

/// APPEND_SLASH. `resolves` says whether a decoded path (with its leading `/`) has a route.
#[derive(Debug, Clone, Copy)]
pub struct CommonLayer {
    resolves: fn(&str) -> bool,
}

impl CommonLayer {
    /// The layer for a URLconf, given its resolution test.
    pub fn new(resolves: fn(&str) -> bool) -> Self {
        CommonLayer { resolves }
    }
}

impl<S> Layer<S> for CommonLayer {
    type Service = Wrapped<Self, S>;
    fn layer(&self, inner: S) -> Self::Service {
        Wrapped::new(*self, inner)
    }
}

impl Middleware for CommonLayer {
    fn call<N, F>(
        self,
        req: http::Request<Body>,
        next: N,
    ) -> impl Future<Output = Response> + Send + 'static
    where
        N: FnOnce(http::Request<Body>) -> F + Send + 'static,
        F: Future<Output = Response> + Send + 'static,
    {
        let settings = settings_of(&req);
        let line = OwnedLine::of(&req, &settings);
        let fut = next(req);
        async move {
            let mut response = fut.await;
            self.after(Some(line.line()), &mut response, &settings);
            response
        }
    }
}

impl CommonLayer {
    /// Replaces `response` with the redirect to `path/` when `path` was not found and
    /// `path/` is (in place: most responses pass untouched, and are not moved).
    pub(crate) fn after(
        &self,
        line: Option<RequestLine<'_>>,
        response: &mut Response,
        settings: &Settings,
    ) {
        let Some(line) = line else {
            return;
        };
        if !settings.append_slash
            || line.path.ends_with('/')
            || response.status() != StatusCode::NOT_FOUND
        {
            return;
        }
        let resolves = self.resolves;
        let path = decode_path(line.path);
        if resolves(&path) || !resolves(&format!("{path}/")) {
            return;
        }
        // Django's `escape_leading_slashes`: `//evil.example` must not become a redirect
        // off-site (CVE-2018-14574).
        let mut target = escape_leading_slashes(format!("{}/", line.path));
        if let Some(q) = line.query {
            target.push('?');
            target.push_str(q);
        }
        let method = line.method;
        let unsafe_method = matches!(
            *method,
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        );
        if settings.debug && unsafe_method {
            let host = line
                .host()
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default();
            let err = Error::new(
                ErrorKind::Internal,
                format!(
                    "You called this URL via {method}, but the URL doesn't end in a slash and you have APPEND_SLASH set. manouche can't redirect to the slash URL while maintaining {method} data. Change your form to point to {host}{}/ (note the trailing slash), or set APPEND_SLASH = false in your settings.",
                    line.path
                ),
            );
            *response = line.error_page(&err, settings);
            return;
        }
        let mut redirect = Response::new(Body::empty());
        *redirect.status_mut() = StatusCode::MOVED_PERMANENTLY;
        if let Ok(v) = HeaderValue::from_str(&target) {
            redirect.headers_mut().insert(header::LOCATION, v);
        }
        *response = redirect;
    }
}
