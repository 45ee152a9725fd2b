//! HTTP as a view sees it: the request, the response and its builders, cookies, query strings.

mod body;
mod cookies;
mod form;
mod multipart;
mod path;
mod read_body;
mod request;
mod response;
mod safe_url;
mod slots;

pub use body::{Body, BoxError};
pub use cookies::{SetCookie, cookie_from_headers, parse_cookies};
pub(crate) use form::{FieldCount, is_form_urlencoded, last_value};
pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
pub(crate) use multipart::is_multipart;
pub(crate) use path::SharedPath;
pub use path::decode_path;
pub(crate) use read_body::read_body;
pub use request::{QueryDict, Request};
pub(crate) use response::patch_vary;
pub use response::{
    ErrorResponse, Html, IntoResponse, Json, Response, permanent_redirect, redirect,
};
pub(crate) use safe_url::escape_leading_slashes;
pub use safe_url::url_has_allowed_host_and_scheme;

/// Marks a request whose connection the server itself made secure (it terminated TLS), in
/// the request's extensions: the one thing besides SECURE_PROXY_SSL_HEADER that makes a
/// request secure. A URI's own `https://` (a client's absolute-form target) does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServedOverTls;

/// The HTTP header a setting names, in Django's `request.META` spelling
/// (`HTTP_X_FORWARDED_PROTO`) or as sent (`X-Forwarded-Proto`): `x-forwarded-proto`.
pub(crate) fn header_name_of(setting: &str) -> String {
    setting
        .strip_prefix("HTTP_")
        .unwrap_or(setting)
        .replace('_', "-")
        .to_ascii_lowercase()
}

/// The media type a request's `Content-Type` names, without its parameters.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<&str> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(ct.split(';').next().unwrap_or(ct).trim())
}

/// The body's length as `Content-Length` announces it, when it does.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The host a request names: its `Host` header, or the authority of an absolute-form target
/// (HTTP/2's `:authority`).
pub(crate) fn host_of<'a>(headers: &'a HeaderMap, uri: &'a Uri) -> Option<&'a str> {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
}
