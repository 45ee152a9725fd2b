//! Middleware of a project's own, as the book's "Middleware" chapter writes them.

use manouche::http::{HeaderValue, Request, StatusCode};
use manouche::middleware::Middleware;
use manouche::{IntoResponse, Response};

// ANCHOR: timing
/// Says how long the view took, in a `Server-Timing` header.
pub struct Timing;

/// When the request reached this middleware (kept in the request's extensions).
#[derive(Clone, Copy)]
struct Started(std::time::Instant);

impl Middleware for Timing {
    async fn process_request(&self, request: &mut Request) -> Option<Response> {
        request
            .extensions_mut()
            .insert(Started(std::time::Instant::now()));
        None // on to the view
    }

    async fn process_response(&self, request: &mut Request, response: &mut Response) {
        let Some(Started(at)) = request.extensions().get::<Started>().copied() else {
            return;
        };
        let header = format!("view;dur={:.3}", at.elapsed().as_secs_f64() * 1000.0);
        if let Ok(value) = HeaderValue::from_str(&header) {
            response.headers_mut().insert("server-timing", value);
        }
    }
}
// ANCHOR_END: timing

// ANCHOR: closed
/// Answers every request under `/closed/` itself: the view is never called.
pub struct Closed;

impl Middleware for Closed {
    async fn process_request(&self, request: &mut Request) -> Option<Response> {
        request
            .path()
            .starts_with("/closed/")
            .then(|| (StatusCode::SERVICE_UNAVAILABLE, "closed for the night").into_response())
    }
}
// ANCHOR_END: closed

/// Adds its name to the `x-trace` header on the way out, to show the order.
pub struct Trace(pub &'static str);

impl Middleware for Trace {
    async fn process_response(&self, _request: &mut Request, response: &mut Response) {
        response
            .headers_mut()
            .append("x-trace", HeaderValue::from_static(self.0));
    }
}
