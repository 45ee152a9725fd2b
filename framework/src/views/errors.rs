//! The page for an error response: a view's `Err`, a middleware's refusal, a panic. With
//! DEBUG on, the technical pages (the URL patterns tried for a 404; the error, where it was
//! raised and the request for the rest); with it off, the project's own page for the status
//! or Django's plain one. Each error is logged as Django's handlers log it.

use http::{HeaderMap, HeaderValue, header};

use super::debug::{PageRequest, technical_404, technical_500};
use super::{ErrorContext, ErrorHandlers, defaults};
use crate::error::{Error, ErrorKind};
use crate::http::{Body, ErrorResponse, Request, Response};
use crate::settings::Settings;
use crate::urls::Pattern;

/// Writes the page of an error response in place, keeping what else the response carries
/// (cookies, headers); other responses are left as they are.
pub(crate) fn render(
    request: &Request,
    response: &mut Response,
    patterns: &'static [Pattern],
    handlers: &ErrorHandlers,
) {
    let Some(ErrorResponse(err)) = response.extensions_mut().remove::<ErrorResponse>() else {
        return;
    };
    let raised_by = request.resolver_match().map(|m| m.func());
    let page = PageRequest::new(
        request.method(),
        request.uri(),
        request.headers(),
        raised_by,
    );
    let mut page_response = error_page(&err, &page, request.settings(), patterns, handlers);
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page_response.headers_mut().append(name, value.clone());
        }
    }
    *response = page_response;
}

/// Whether the client takes HTML (Django's `request.accepts("text/html")`).
fn accepts_html(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    accept.split(',').any(|item| {
        let media = item.split(';').next().unwrap_or("").trim();
        matches!(media, "text/html" | "text/*" | "*/*" | "*")
    })
}

/// Logs an error as Django's handlers do (`Not Found: /path`, `Internal Server Error: /path`).
fn log_error(err: &Error, path: &str) {
    use crate::log::targets::{ERROR, SECURITY};
    match err.kind() {
        ErrorKind::Internal => tracing::error!(
            target: ERROR,
            "Internal Server Error: {path}\n{}: {} (at {})",
            err.type_name(),
            err.message(),
            err.location().unwrap_or("unknown location")
        ),
        ErrorKind::NotFound => tracing::warn!(target: ERROR, "Not Found: {path}"),
        ErrorKind::PermissionDenied => {
            tracing::warn!(target: ERROR, "Forbidden ({}): {path}", err.message())
        }
        ErrorKind::DisallowedHost => tracing::error!(target: SECURITY, "{}", err.message()),
        _ => tracing::warn!(
            target: ERROR,
            "{}: {path}",
            err.status().canonical_reason().unwrap_or("Error")
        ),
    }
}

/// The page for an error: technical with DEBUG on, Django's plain page with it off.
pub(crate) fn error_page(
    err: &Error,
    req: &PageRequest<'_>,
    settings: &Settings,
    patterns: &'static [Pattern],
    handlers: &ErrorHandlers,
) -> Response {
    log_error(err, req.path);
    let (body, content_type) = if !settings.debug {
        let own = handlers.for_status(err.status()).and_then(|handler| {
            let decoded = crate::urls::decode_path(req.path);
            let exception = if err.status().is_server_error() {
                ""
            } else {
                err.message()
            };
            let context = ErrorContext {
                request_path: &decoded,
                exception,
                status: err.status(),
            };
            handler(&context)
                .map_err(|e| {
                    tracing::error!(
                        target: crate::log::targets::ERROR,
                        "The project's {} page failed: {e}",
                        err.status().as_u16()
                    )
                })
                .ok()
        });
        (
            own.unwrap_or_else(|| defaults::page_for(err.status())),
            "text/html; charset=utf-8",
        )
    } else if err.kind() == ErrorKind::NotFound {
        (
            technical_404(err, req, patterns),
            "text/html; charset=utf-8",
        )
    } else if accepts_html(req.headers) {
        (
            technical_500(err, req, settings, true),
            "text/html; charset=utf-8",
        )
    } else {
        (
            technical_500(err, req, settings, false),
            "text/plain; charset=utf-8",
        )
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = err.status();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
