//! The innermost service (Django's request handler): reads the body within its limit,
//! resolves the path, calls the view — a panic becomes a 500 for that request only — and
//! writes the error page for any error response.

use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Uri, header};
use http_body_util::BodyExt;
use tower_service::Service;

use crate::error::{Error, ErrorKind};
use crate::http::{Body, ErrorResponse, FieldCount, IntoResponse, Request, Response};
use crate::middleware::PerRequest;
use crate::settings::Settings;
use crate::urls::{Dispatch, Pattern, UrlConf};
use crate::views::debug::{PageRequest, technical_404, technical_500};
use crate::views::{CatchPanic, ErrorContext, ErrorHandlers, catch_panic, defaults, install_hook};

/// A boxed, sendable future: what the built-in layers return.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The settings the server attached to the request (defaults when there are none).
pub fn settings_of<B>(req: &http::Request<B>) -> Arc<Settings> {
    req.extensions()
        .get::<Arc<Settings>>()
        .cloned()
        .unwrap_or_default()
}

/// Calls the views of URLconf `U`.
pub struct ViewService<U> {
    handlers: ErrorHandlers,
    _urlconf: PhantomData<fn() -> U>,
}

impl<U> ViewService<U> {
    /// The service for URLconf `U`, with the project's error pages.
    pub fn new(handlers: ErrorHandlers) -> Self {
        install_hook();
        ViewService {
            handlers,
            _urlconf: PhantomData,
        }
    }
}

impl<U> Clone for ViewService<U> {
    fn clone(&self) -> Self {
        ViewService {
            handlers: self.handlers,
            _urlconf: PhantomData,
        }
    }
}

impl<U: UrlConf> Service<http::Request<Body>> for ViewService<U> {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let per_request = PerRequest::from_extensions(&req);
        let fut = handle::<U>(req, self.handlers, per_request);
        Box::pin(async move { Ok(fut.await.0) })
    }
}

impl<U: UrlConf> crate::middleware::Next for ViewService<U> {
    const DIRECT: bool = true;

    fn run(
        &self,
        req: http::Request<Body>,
        per_request: PerRequest,
    ) -> impl Future<Output = (Response, Option<Box<Request>>)> + Send + 'static {
        handle::<U>(req, self.handlers, per_request)
    }
}

/// The response, and the request the view had (none when the body could not be read).
fn handle<U: UrlConf>(
    req: http::Request<Body>,
    handlers: ErrorHandlers,
    per_request: PerRequest,
) -> impl Future<Output = (Response, Option<Box<Request>>)> + Send + 'static {
    // The future keeps little while the view runs: the request is boxed, the rare paths (a
    // body to read, a static file) are boxed futures of their own, and the route is resolved
    // by a plain function. Small, it is cheap to move and to box.
    let request = if http_body::Body::is_end_stream(req.body()) {
        Ok(Box::new(Request::new(
            req.into_parts().0,
            Bytes::new(),
            per_request,
        )))
    } else {
        Err(Box::pin(with_body::<U>(req, handlers, per_request)))
    };
    async move {
        let request = match request {
            Ok(request) => request,
            Err(reading) => match reading.await {
                Ok(request) => Box::new(request),
                Err(response) => return (response, None),
            },
        };
        let (response, request) = respond::<U>(request, handlers).await;
        (response, Some(request))
    }
}

/// Answers a request whose body has been read: a static file (DEBUG on), or the view its
/// path resolves to.
async fn respond<U: UrlConf>(
    mut request: Box<Request>,
    handlers: ErrorHandlers,
) -> (Response, Box<Request>) {
    if request.settings().debug
        && let Some(rel) = crate::staticfiles::static_path(request.settings(), request.path())
    {
        let served = Box::pin(crate::staticfiles::serve(
            request.settings(),
            request.method(),
            request.headers(),
            rel,
        ))
        .await;
        let mut response = served.unwrap_or_else(IntoResponse::into_response);
        finish_response::<U>(&mut response, &request, &handlers);
        return (response, request);
    }
    let mut response = match resolve::<U>(&mut request) {
        // A plain `fn` view runs here; an `async fn` view's future, boxed by `dispatch` at
        // its own size (the largest would otherwise set the size of every request's future),
        // is awaited. A panic in either is a 500.
        Some(m) => {
            let answered = match catch_panic(|| U::dispatch(m, &mut request)) {
                Ok(Dispatch::Now(response)) => Ok(response),
                Ok(Dispatch::Later(future)) => CatchPanic::new(future).await,
                Err(e) => Err(e),
            };
            answered.unwrap_or_else(IntoResponse::into_response)
        }
        None => Error::new(
            ErrorKind::NotFound,
            format!(
                "The current path, {}, didn’t match any of the URL patterns.",
                request.path()
            ),
        )
        .into_response(),
    };
    finish_response::<U>(&mut response, &request, &handlers);
    (response, request)
}

/// The request with its body read, or the error page.
async fn with_body<U: UrlConf>(
    req: http::Request<Body>,
    handlers: ErrorHandlers,
    per_request: PerRequest,
) -> Result<Request, Response> {
    let (head, body) = req.into_parts();
    match read_body(&head.headers, body, &per_request.settings).await {
        Ok(body) => Ok(Request::new(head, body, per_request)),
        Err(e) => {
            let page = PageRequest::new(&head.method, &head.uri, &head.headers, None);
            Err(error_page(
                &e,
                &page,
                &per_request.settings,
                U::patterns(),
                &handlers,
            ))
        }
    }
}

/// Resolves the request's path, recording the match in the request.
fn resolve<U: UrlConf>(request: &mut Request) -> Option<U::Match> {
    request.resolve_with(|path, rm| U::resolve(path.strip_prefix('/').unwrap_or(path), rm))
}

fn finish_response<U: UrlConf>(
    response: &mut Response,
    request: &Request,
    handlers: &ErrorHandlers,
) {
    let Some(ErrorResponse(err)) = response.extensions().get::<ErrorResponse>().cloned() else {
        return;
    };
    let uri: Uri = request.full_path().parse().unwrap_or_default();
    let raised_by = request.resolver_match().map(|m| m.func());
    let page = PageRequest::new(request.method(), &uri, request.headers(), raised_by);
    let mut page_response = error_page(&err, &page, request.settings(), U::patterns(), handlers);
    // Keep what the view set (cookies, headers) apart from the body and its type.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page_response.headers_mut().append(name, value.clone());
        }
    }
    *response = page_response;
}

/// Reads the whole body within REQUEST_BODY_TIMEOUT (408 after it: a client that sends a
/// byte now and then cannot hold the request open), refusing one over
/// DATA_UPLOAD_MAX_MEMORY_SIZE with a 413 before reading it when Content-Length announces
/// it, or as soon as it grows past the limit otherwise. A urlencoded form with more fields
/// than DATA_UPLOAD_MAX_NUMBER_FIELDS is a 400 as soon as the count is passed: a flood of
/// `a&a&a…` is refused after its first kilobytes, not kept whole.
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    settings: &Settings,
) -> Result<Bytes, Error> {
    let limits = Limits {
        size: settings.data_upload_max_memory_size,
        fields: settings
            .data_upload_max_number_fields
            .filter(|_| crate::http::is_form_urlencoded(headers)),
    };
    if body.as_bytes().is_some() {
        // Already in memory (the test client, or a body read by the CSRF check).
        return read_body_within(headers, body, limits).await;
    }
    let deadline = std::time::Duration::from_secs(settings.request_body_timeout.max(1));
    tokio::time::timeout(deadline, read_body_within(headers, body, limits))
        .await
        .unwrap_or_else(|_| {
            Err(Error::new(
                ErrorKind::RequestTimeout,
                format!(
                    "The request body was not received within settings.REQUEST_BODY_TIMEOUT ({} s).",
                    deadline.as_secs()
                ),
            ))
        })
}

/// What a body may hold: bytes, and fields when it is a form.
#[derive(Clone, Copy)]
struct Limits {
    size: Option<u64>,
    fields: Option<usize>,
}

async fn read_body_within(headers: &HeaderMap, body: Body, limits: Limits) -> Result<Bytes, Error> {
    let too_big = || {
        Error::new(
            ErrorKind::PayloadTooLarge,
            "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.",
        )
    };
    let unreadable = |e| {
        Error::new(
            ErrorKind::BadRequest,
            format!("Could not read the request body: {e}"),
        )
    };
    let size_limit = limits
        .size
        .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    if let Some(bytes) = body.as_bytes() {
        if bytes.len() > size_limit {
            return Err(too_big());
        }
        FieldCount::check(limits.fields, bytes)?;
        return Ok(Bytes::copy_from_slice(bytes));
    }
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| limits.size.is_some_and(|limit| n > limit)) {
        return Err(too_big());
    }
    let mut fields = limits.fields.map(FieldCount::new);
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut rest: Vec<u8> = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(unreadable)?.into_data() else {
            continue; // trailers
        };
        let held = first.as_ref().map_or(0, Bytes::len) + rest.len();
        if held.saturating_add(data.len()) > size_limit {
            return Err(too_big());
        }
        if let Some(count) = &mut fields {
            count.feed(&data)?;
        }
        // One chunk (most bodies) is kept as it came; more are joined.
        match &first {
            None if rest.is_empty() => first = Some(data),
            _ => {
                if let Some(first) = first.take() {
                    rest.extend_from_slice(&first);
                }
                rest.extend_from_slice(&data);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(rest)))
}

impl<'a> PageRequest<'a> {
    pub(crate) fn new(
        method: &'a Method,
        uri: &'a Uri,
        headers: &'a HeaderMap,
        raised_by: Option<&'a str>,
    ) -> Self {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| uri.authority().map(|a| a.as_str()))
            .unwrap_or("");
        let full = uri.path_and_query().map_or("/", |pq| pq.as_str());
        PageRequest {
            method,
            path: uri.path(),
            url: format!("http://{host}{full}"),
            headers,
            query: uri.query().unwrap_or(""),
            raised_by,
        }
    }
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
    match err.kind() {
        ErrorKind::Internal => eprintln!(
            "Internal Server Error: {path}\n{}: {} (at {})",
            err.type_name(),
            err.message(),
            err.location().unwrap_or("unknown location")
        ),
        ErrorKind::NotFound => eprintln!("Not Found: {path}"),
        ErrorKind::PermissionDenied => eprintln!("Forbidden ({}): {path}", err.message()),
        ErrorKind::DisallowedHost => eprintln!("{}", err.message()),
        _ => eprintln!(
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
                .map_err(|e| eprintln!("The project's {} page failed: {e}", err.status().as_u16()))
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
