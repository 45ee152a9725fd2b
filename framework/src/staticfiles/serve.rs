//! Files served from one folder by `tower-http`'s `ServeDir` (ETag and Last-Modified with
//! 304s, `Range` with 206, precompressed `.gz`/`.br` siblings, MIME types): STATIC_ROOT
//! when the server runs without a proxy in front (WhiteNoise's job in Django), and
//! MEDIA_ROOT under the development server.

use std::path::Path;

use http::{HeaderValue, StatusCode, header};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::error::{Error, ErrorKind};
use crate::http::{Body, Request, Response};

/// How long a browser may keep a file: a hashed name's content never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caching {
    /// `max-age=31536000, immutable`: a hashed name.
    Forever,
    /// `max-age=60` (WhiteNoise's default for names that are not hashed).
    Briefly,
    /// `no-cache`: development, where files change.
    Revalidate,
}

/// What a path segment keeps when the decoded path is put back into a URI for `ServeDir`.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Serves `rel` (the decoded path under the URL prefix) from `root`.
pub(crate) async fn serve_from(
    root: &Path,
    rel: &str,
    request: &Request,
    caching: Caching,
) -> Result<Response, Error> {
    let not_found = || Error::new(ErrorKind::NotFound, format!("“{rel}” could not be found"));
    if rel.is_empty() || rel.contains(['\0', '\\']) || rel.split('/').any(|s| s == "..") {
        return Err(not_found());
    }
    let uri = format!("/{}", percent_encoding::utf8_percent_encode(rel, SEGMENT));
    let mut inner = http::Request::new(http_body_util::Empty::<bytes::Bytes>::new());
    *inner.method_mut() = request.method().clone();
    *inner.uri_mut() = uri.parse().map_err(|_| not_found())?;
    for name in [
        header::RANGE,
        header::IF_RANGE,
        header::IF_NONE_MATCH,
        header::IF_MATCH,
        header::IF_MODIFIED_SINCE,
        header::IF_UNMODIFIED_SINCE,
        header::ACCEPT_ENCODING,
    ] {
        for value in request.headers().get_all(&name) {
            inner.headers_mut().append(name.clone(), value.clone());
        }
    }
    let service = ServeDir::new(root)
        .append_index_html_on_directories(false)
        .redirect_to_trailing_slash(false)
        .precompressed_br()
        .precompressed_gzip();
    let Ok(answer) = service.oneshot(inner).await;
    match answer.status() {
        StatusCode::NOT_FOUND => return Err(not_found()),
        StatusCode::METHOD_NOT_ALLOWED => {
            return Err(Error::new(
                ErrorKind::MethodNotAllowed,
                "static files take GET and HEAD",
            ));
        }
        _ => {}
    }
    let (mut parts, body) = answer.into_parts();
    if parts.status.is_success() || parts.status == StatusCode::NOT_MODIFIED {
        parts.headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(match caching {
                Caching::Forever => "max-age=31536000, public, immutable",
                Caching::Briefly => "max-age=60, public",
                Caching::Revalidate => "no-cache",
            }),
        );
    }
    Ok(Response::from_parts(parts, Body::new(body)))
}
