//! The built-in middleware, each a tower `Layer`, composed in Django's order:
//! security headers → allowed hosts → sessions → common (APPEND_SLASH) → CSRF → the user's
//! layers → views.
//!
//! Each is a [`Middleware`]: one function from the request and the inner service's future
//! to the response, as Django's `__call__(request)` around `get_response`. [`Wrapped`] is the
//! tower plumbing they share.

pub mod common;
pub mod csrf;
pub mod hosts;
pub mod security;
pub mod session;

use std::convert::Infallible;
use std::task::{Context, Poll};

use tower_service::Service;

pub use common::CommonLayer;
pub use csrf::CsrfLayer;
pub use hosts::AllowedHostsLayer;
pub use security::SecurityHeadersLayer;
pub use session::SessionLayer;

use crate::handler::BoxFuture;
use crate::http::{Body, Response};

/// What the inner service will answer.
pub type Next = BoxFuture<Result<Response, Infallible>>;

/// The rest of the stack, as a middleware sees it.
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
pub trait Middleware: Clone + Send + Sync + 'static {
    /// Handles one request; `next` is the rest of the stack, ready to be called once.
    fn call<S: Inner>(&self, req: http::Request<Body>, next: S) -> Next;
}

/// A middleware around the inner service `S`.
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
{
    type Response = Response;
    type Error = Infallible;
    type Future = Next;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Next {
        // The service that was polled ready goes to the middleware; a clone stays (tower's
        // usual way to move a service into a future).
        let clone = self.inner.clone();
        let ready = std::mem::replace(&mut self.inner, clone);
        self.middleware.call(req, ready)
    }
}
