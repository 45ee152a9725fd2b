//! The built-in middleware, each a tower `Layer`, composed in Django's order:
//! security headers → allowed hosts → common (APPEND_SLASH) → the user's layers → views.
//!
//! Each is a [`Middleware`]: one function from the request and the inner service's future
//! to the response, as Django's `__call__(request)` around `get_response`. [`Wrapped`] is the
//! tower plumbing they share.

pub mod common;
pub mod hosts;
pub mod security;

use std::convert::Infallible;
use std::task::{Context, Poll};

use tower_service::Service;

pub use common::CommonLayer;
pub use hosts::AllowedHostsLayer;
pub use security::SecurityHeadersLayer;

use crate::handler::BoxFuture;
use crate::http::{Body, Response};

/// What the inner service will answer.
pub type Next = BoxFuture<Result<Response, Infallible>>;

/// One middleware: look at the request, maybe answer it, else call `next` and look at the
/// response.
pub trait Middleware: Clone + Send + Sync + 'static {
    /// Handles one request; `next` calls the rest of the stack (call it at most once).
    fn call(
        &self,
        req: http::Request<Body>,
        next: impl FnOnce(http::Request<Body>) -> Next,
    ) -> Next;
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
    S: Service<http::Request<Body>, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Next;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<Body>) -> Next {
        let inner = &mut self.inner;
        self.middleware
            .call(req, |req| -> Next { Box::pin(inner.call(req)) })
    }
}
