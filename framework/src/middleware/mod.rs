//! Middleware, Django's way: each one sees the request before the view
//! ([`Middleware::process_request`], which may answer it) and the response after it
//! ([`Middleware::process_response`]), in the order of the stack going in and in reverse
//! coming out. The built-in ones, in Django's order:
//!
//! security (HTTPS redirect; security headers on the way out) → allowed hosts → sessions →
//! common (APPEND_SLASH) → CSRF → the project's own (`Project::middleware`) → the view.
//!
//! Each is an ordinary implementation of the one trait; [`stack`] runs them.

pub mod auth;
pub mod common;
pub mod csrf;
pub mod hosts;
pub mod messages;
pub mod security;
pub mod session;
pub(crate) mod stack;

use std::future::Future;
use std::pin::Pin;

use crate::http::{Request, Response};

pub use auth::AuthenticationMiddleware;
pub use common::CommonMiddleware;
pub use csrf::CsrfMiddleware;
pub use hosts::AllowedHostsMiddleware;
pub use messages::MessageMiddleware;
pub use security::SecurityMiddleware;
pub use session::SessionMiddleware;

/// One middleware (Django's `MiddlewareMixin`).
///
/// ```
/// use manouche::Response;
/// use manouche::http::{HeaderValue, Request};
/// use manouche::middleware::Middleware;
///
/// /// Says how long each request took, in a header.
/// struct Timing;
///
/// #[derive(Clone, Copy)]
/// struct Started(std::time::Instant);
///
/// impl Middleware for Timing {
///     async fn process_request(&self, request: &mut Request) -> Option<Response> {
///         request.extensions_mut().insert(Started(std::time::Instant::now()));
///         None
///     }
///
///     async fn process_response(&self, request: &mut Request, response: &mut Response) {
///         if let Some(Started(at)) = request.extensions().get::<Started>().copied() {
///             let took = format!("{}us", at.elapsed().as_micros());
///             if let Ok(value) = HeaderValue::from_str(&took) {
///                 response.headers_mut().insert("x-took", value);
///             }
///         }
///     }
/// }
/// ```
pub trait Middleware: Send + Sync + 'static {
    /// Before the view (Django's `process_request` and `process_view`: the path is
    /// resolved already, `request.resolver_match()` names the view). `Some(response)`
    /// answers the request: the view is not called, and only the middleware that ran so far
    /// see the response.
    fn process_request(
        &self,
        request: &mut Request,
    ) -> impl Future<Output = Option<Response>> + Send {
        let _ = request;
        std::future::ready(None)
    }

    /// After the view, or after a middleware answered (Django's `process_response`): may
    /// change the response in place.
    fn process_response(
        &self,
        request: &mut Request,
        response: &mut Response,
    ) -> impl Future<Output = ()> + Send {
        let _ = (request, response);
        std::future::ready(())
    }
}

/// A boxed future borrowing for `'a`: what a project's own middleware return, behind `dyn`.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// [`Middleware`] behind `dyn`, for the project's own list.
pub(crate) trait DynMiddleware: Send + Sync {
    fn boxed_request<'a>(&'a self, request: &'a mut Request) -> BoxFuture<'a, Option<Response>>;

    fn boxed_response<'a>(
        &'a self,
        request: &'a mut Request,
        response: &'a mut Response,
    ) -> BoxFuture<'a, ()>;
}

impl<M: Middleware> DynMiddleware for M {
    fn boxed_request<'a>(&'a self, request: &'a mut Request) -> BoxFuture<'a, Option<Response>> {
        Box::pin(Middleware::process_request(self, request))
    }

    fn boxed_response<'a>(
        &'a self,
        request: &'a mut Request,
        response: &'a mut Response,
    ) -> BoxFuture<'a, ()> {
        Box::pin(Middleware::process_response(self, request, response))
    }
}
