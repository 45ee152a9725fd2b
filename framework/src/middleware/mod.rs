//! The built-in middleware, each a tower `Layer`, composed in Django's order:
//! security headers → allowed hosts → sessions → common (APPEND_SLASH) → CSRF → the user's
//! layers → views.
//!
//! A project runs them as one future per request (`builtin.rs`): each one's work on the
//! request, then the views, then each one's work on the response. Each is also a
//! [`Middleware`] on its own: one function from the request and the inner service's future
//! to the response, as Django's `__call__(request)` around `get_response`, which [`Wrapped`]
//! makes a tower service.

mod builtin;
pub mod common;
pub mod csrf;
pub mod hosts;
mod request_line;
pub mod security;
pub mod session;

use std::convert::Infallible;
use std::future::Future;
use std::task::{Context, Poll};

use tower_service::Service;

pub use common::CommonLayer;
pub use csrf::CsrfLayer;
pub use hosts::AllowedHostsLayer;
pub use security::SecurityHeadersLayer;
pub use session::SessionLayer;

pub(crate) use builtin::{Builtin, CsrfSource, Next, PerRequest};
pub(crate) use request_line::{OwnedLine, RequestLine};

use crate::handler::BoxFuture;
use crate::http::{Body, Response};

/// The rest of the stack, as a tower service.
pub trait Inner:
    Service<http::Request<Body>, Response = Response, Error = Infallible, Future: Send + 'static>
    + Send
    + 'static
{
}

impl<S> Inner for S where
    S: Service<
            http::Request<Body>,
            Response = Response,
            Error = Infallible,
            Future: Send + 'static,
        > + Send
        + 'static
{
}

/// One middleware: look at the request, maybe answer it, else call `next` and look at the
/// response — Django's `__call__(request)` around `get_response`.
///
/// `next` is a plain function to a future, so middleware compose without a tower service
/// between them, while [`Wrapped`] makes each a tower layer on its own.
pub trait Middleware: Clone + Send + Sync + 'static {
    /// Handles one request; `next` runs the rest of the stack.
    fn call<N, F>(
        self,
        req: http::Request<Body>,
        next: N,
    ) -> impl Future<Output = Response> + Send + 'static
    where
        N: FnOnce(http::Request<Body>) -> F + Send + 'static,
        F: Future<Output = Response> + Send + 'static;
}

/// `next` for a middleware whose inner part is a tower service.
pub(crate) fn service_next<S: Inner>(
    mut service: S,
) -> impl FnOnce(http::Request<Body>) -> OkResponse<S::Future> + Send + 'static {
    move |req| OkResponse(service.call(req))
}

/// A service's future with its `Infallible` error taken off.
#[derive(Debug)]
pub(crate) struct OkResponse<F>(F);

impl<F: Future<Output = Result<Response, Infallible>> + Unpin> Future for OkResponse<F> {
    type Output = Response;
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        std::pin::Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.unwrap_or_else(|e| match e {}))
    }
}

/// The service that was polled ready, to move into the future; a clone stays (tower's
/// usual way to call a service from a future).
fn take_ready<S: Clone>(inner: &mut S) -> S {
    let clone = inner.clone();
    std::mem::replace(inner, clone)
}

/// A middleware around the inner service `S`: a tower service.
#[derive(Debug, Clone)]
pub struct Wrapped<M, S> {
    middleware: M,
    inner: S,
}

impl<M, S> Wrapped<M, S> {
    pub(crate) fn new(middleware: M, inner: S) -> Self {
        Wrapped { middleware, inner }
    }
}

impl<M, S> Service<http::Request<Body>> for Wrapped<M, S>
where
    M: Middleware,
    S: Inner + Clone,
    S::Future: Unpin,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let ready = take_ready(&mut self.inner);
        let fut = self.middleware.clone().call(req, service_next(ready));
        Box::pin(async move { Ok(fut.await) })
    }
}
