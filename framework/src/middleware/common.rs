//! Django's CommonMiddleware, APPEND_SLASH part: a 404 for `/path` becomes a 301 to `/path/`
//! when only the latter resolves (query string kept).

use http::{HeaderValue, Method, StatusCode, header};

use super::Middleware;
use crate::error::{Error, ErrorKind};
use crate::http::{Body, IntoResponse, Request, Response, escape_leading_slashes};

/// APPEND_SLASH. `resolves` says whether a decoded path (with its leading `/`) has a route.
#[derive(Debug, Clone, Copy)]
pub struct CommonMiddleware {
    resolves: fn(&str) -> bool,
}

impl CommonMiddleware {
    /// The middleware for a URLconf, given its resolution test.
    pub fn new(resolves: fn(&str) -> bool) -> Self {
        CommonMiddleware { resolves }
    }
}

impl Middleware for CommonMiddleware {
    /// Replaces a 404 for `path` with the redirect to `path/` when only that resolves.
    async fn process_response(&self, request: &mut Request, response: &mut Response) {
        let settings = request.settings();
        if !settings.append_slash
            || response.status() != StatusCode::NOT_FOUND
            || request.raw_path().ends_with('/')
            || request.resolver_match().is_some()
            || !(self.resolves)(&format!("{}/", request.path()))
        {
            return;
        }
        let unsafe_method = matches!(
            *request.method(),
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        );
        if settings.debug && unsafe_method {
            let method = request.method();
            *response = Error::new(
                ErrorKind::Internal,
                format!(
                    "You called this URL via {method}, but the URL doesn't end in a slash and you have APPEND_SLASH set. manouche can't redirect to the slash URL while maintaining {method} data. Change your form to point to {}{}/ (note the trailing slash), or set APPEND_SLASH = false in your settings.",
                    request.host(),
                    request.raw_path()
                ),
            )
            .into_response();
            return;
        }
        // Django's `escape_leading_slashes`: `//evil.example` must not become a redirect
        // off-site (CVE-2018-14574).
        let mut target = escape_leading_slashes(format!("{}/", request.raw_path()));
        if let Some(q) = request.uri().query() {
            target.push('?');
            target.push_str(q);
        }
        let mut redirect = Response::new(Body::empty());
        *redirect.status_mut() = StatusCode::MOVED_PERMANENTLY;
        if let Ok(v) = HeaderValue::from_str(&target) {
            redirect.headers_mut().insert(header::LOCATION, v);
        }
        *response = redirect;
    }
}
