//! Responses and what a view may return: `Response`, strings, `Html`, `Json`, redirects and
//! `Result<_, Error>`, each turned into a response by [`IntoResponse`].

use std::sync::Arc;

use http::{HeaderValue, StatusCode, header};

use super::Body;
use crate::error::{Error, ErrorKind};

/// The response type of every layer and view.
pub type Response = http::Response<Body>;

/// What a view may return.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a view",
    label = "a view must return a response",
    note = "a view returns `Response`, `String`, `&'static str`, `Html<_>`, `Json<_>`, `(StatusCode, _)`, or `Result<T, E>` where T is one of those and E converts into `manouche::Error`"
)]
pub trait IntoResponse {
    /// Makes the response.
    fn into_response(self) -> Response;
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

fn with_type(body: impl Into<Body>, content_type: &'static str) -> Response {
    let mut r = Response::new(body.into());
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// Plain text. Unlike Django's `HttpResponse`, text is not sent as HTML, so that a path
/// parameter echoed back cannot inject markup; use [`Html`] for HTML.
impl IntoResponse for String {
    fn into_response(self) -> Response {
        with_type(self, "text/plain; charset=utf-8")
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        with_type(self, "text/plain; charset=utf-8")
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::new(Body::empty())
    }
}

/// HTML the view vouches for (already escaped, or from a template).
#[derive(Debug, Clone)]
pub struct Html<T>(pub T);

impl<T: Into<Body>> IntoResponse for Html<T> {
    fn into_response(self) -> Response {
        with_type(self.0, "text/html; charset=utf-8")
    }
}

/// A value serialised as JSON (Django's `JsonResponse`).
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(v) => with_type(v, "application/json"),
            Err(e) => Error::from(e).into_response(),
        }
    }
}

impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        let mut r = self.1.into_response();
        *r.status_mut() = self.0;
        r
    }
}

impl<T: IntoResponse, E: Into<Error>> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response {
        match self {
            Ok(v) => v.into_response(),
            Err(e) => e.into().into_response(),
        }
    }
}

/// An error on its way out: the response carries it, bodiless, until the error-page stage
/// (which knows DEBUG, the request and the URL patterns) writes the page.
#[derive(Debug, Clone)]
pub struct ErrorResponse(pub Arc<Error>);

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = self.status();
        r.extensions_mut().insert(ErrorResponse(Arc::new(self)));
        r
    }
}

/// Django's `HttpResponseRedirectBase.allowed_schemes`.
const REDIRECT_SCHEMES: [&str; 3] = ["http", "https", "ftp"];

/// The scheme of a URL, as `urlsplit` finds it (letters, digits, `+-.` before a `:`).
fn scheme_of(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let valid = scheme.bytes().next()?.is_ascii_alphabetic()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    valid.then_some(scheme)
}

fn redirect_with(status: StatusCode, to: &str) -> Response {
    // Django's DisallowedRedirect: `javascript:` and the like are refused (400).
    // As Python's `urlsplit` reads it: tabs and newlines anywhere are dropped first
    // (`java\tscript:` is `javascript:` to a browser too), then controls and spaces in front.
    let cleaned: String = to
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    if let Some(scheme) = scheme_of(cleaned.trim_start_matches(|c: char| c <= ' '))
        && !REDIRECT_SCHEMES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(scheme))
    {
        return Error::new(
            ErrorKind::BadRequest,
            format!(
                "Unsafe redirect to URL with protocol '{}'",
                scheme.to_ascii_lowercase()
            ),
        )
        .into_response();
    }
    match HeaderValue::from_str(to) {
        Ok(location) if !to.contains(['\r', '\n']) => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = status;
            r.headers_mut().insert(header::LOCATION, location);
            r
        }
        _ => Error::new(
            ErrorKind::Internal,
            format!("Unsafe redirect to URL with control characters or non-ASCII bytes: {to:?}"),
        )
        .into_response(),
    }
}

/// A 302 to `to` (Django's `redirect()`/`HttpResponseRedirect`): `redirect(url!("tasks:index"))`.
pub fn redirect(to: impl AsRef<str>) -> Response {
    redirect_with(StatusCode::FOUND, to.as_ref())
}

/// A 301 to `to` (Django's `HttpResponsePermanentRedirect`).
pub fn permanent_redirect(to: impl AsRef<str>) -> Response {
    redirect_with(StatusCode::MOVED_PERMANENTLY, to.as_ref())
}

/// Adds `name` to `Vary` unless it is there (Django's `patch_vary_headers`).
pub(crate) fn patch_vary(response: &mut Response, name: &str) {
    let present = response
        .headers()
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case(name));
    if !present && let Ok(v) = HeaderValue::from_str(name) {
        response.headers_mut().append(header::VARY, v);
    }
}
