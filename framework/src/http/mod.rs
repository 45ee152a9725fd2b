//! HTTP as a view sees it: the request, the response and its builders, cookies, query strings.

mod body;
mod cookies;
mod path;
mod request;
mod response;
mod safe_url;

pub use body::{Body, BoxError};
pub(crate) use cookies::cookies_from_headers;
pub use cookies::{SetCookie, cookie_from_headers, parse_cookies};
pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
pub(crate) use path::SharedPath;
pub use request::{QueryDict, Request};
pub use response::{
    ErrorResponse, Html, IntoResponse, Json, Response, permanent_redirect, redirect,
};
pub use safe_url::url_has_allowed_host_and_scheme;
