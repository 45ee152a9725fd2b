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
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};

use tower_service::Service;

pub use common::CommonLayer;
pub use csrf::CsrfLayer;
pub use hosts::AllowedHostsLayer;
pub use security::SecurityHeadersLayer;
pub use session::SessionLayer;

use crate::handler::{BoxFuture, settings_of};
use crate::http::{Body, Response};
use crate::sessions::SessionHandle;
use crate::settings::Settings;

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
/// `next` is a plain function to a future, so the built-in middleware compose without a
/// tower service between them (see [`Builtin`]), while [`Wrapped`] still makes each a tower
/// layer on its own.
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

/// What the middleware hand the view of one request: the settings, the session, the CSRF
/// state. Passed to the views directly; in the request's extensions only when the project's
/// own layers stand between (or a middleware is used on its own, as a tower layer).
#[derive(Clone, Default)]
pub(crate) struct PerRequest {
    pub(crate) settings: Arc<Settings>,
    pub(crate) session: Option<Arc<SessionHandle>>,
    pub(crate) csrf: Option<csrf::Shared>,
}

impl PerRequest {
    /// What the middleware put in the request's extensions.
    pub(crate) fn from_extensions<B>(req: &http::Request<B>) -> Self {
        let ext = req.extensions();
        PerRequest {
            settings: settings_of(req),
            session: ext.get::<Arc<SessionHandle>>().cloned(),
            csrf: ext.get::<csrf::Shared>().cloned(),
        }
    }

    /// Puts it in the request's extensions, for layers and views further in.
    pub(crate) fn into_extensions(self, req: &mut http::Request<Body>) {
        let ext = req.extensions_mut();
        ext.insert(self.settings);
        if let Some(session) = self.session {
            ext.insert(session);
        }
        if let Some(csrf) = self.csrf {
            ext.insert(csrf);
        }
    }
}

/// What the middleware's work on a response may need of the request, which the view has by
/// then: the method and path (for a redirect or an error page), and the host with DEBUG on.
/// Its path shares the request's bytes.
#[derive(Debug, Clone)]
pub(crate) struct RequestLine {
    pub(crate) method: http::Method,
    path_and_query: Option<http::uri::PathAndQuery>,
    pub(crate) host: Option<http::HeaderValue>,
}

impl RequestLine {
    pub(crate) fn of(req: &http::Request<Body>, settings: &Settings) -> Self {
        RequestLine {
            method: req.method().clone(),
            path_and_query: req.uri().path_and_query().cloned(),
            host: settings
                .debug
                .then(|| req.headers().get(http::header::HOST).cloned())
                .flatten(),
        }
    }

    /// The path, still percent-encoded.
    pub(crate) fn path(&self) -> &str {
        self.path_and_query.as_ref().map_or("/", |pq| pq.path())
    }

    /// The query string, if any.
    pub(crate) fn query(&self) -> Option<&str> {
        self.path_and_query.as_ref().and_then(|pq| pq.query())
    }

    /// The error page for `err` raised while answering this request.
    pub(crate) fn error_page(&self, err: &crate::error::Error, settings: &Settings) -> Response {
        let uri = self
            .path_and_query
            .clone()
            .map(http::Uri::from)
            .unwrap_or_default();
        let headers = http::HeaderMap::new();
        let page = crate::views::debug::PageRequest::new(&self.method, &uri, &headers, None);
        crate::handler::error_page(err, &page, settings, &[], &Default::default())
    }
}

/// What the built-in middleware call after themselves: the views, or the project's own
/// layers around them. Its future is awaited inside the built-in middleware's own, not boxed
/// apart.
pub(crate) trait Next: Send + Sync + 'static {
    /// Runs the rest of the stack for one request.
    fn run(
        &self,
        req: http::Request<Body>,
        per_request: PerRequest,
    ) -> impl Future<Output = Response> + Send + 'static;
}

impl Next for crate::project::ProjectService {
    fn run(
        &self,
        mut req: http::Request<Body>,
        per_request: PerRequest,
    ) -> impl Future<Output = Response> + Send + 'static {
        per_request.into_extensions(&mut req);
        self.respond(req)
    }
}

/// The built-in middleware in Django's order around `S` (the user's layers and the views):
/// security headers → allowed hosts → sessions → common → CSRF → `S`.
///
/// One request is one future: each layer's work before the view runs in order, the view's
/// future is awaited in place, and each layer's work on the response runs in reverse order.
/// Only the rare paths that wait (a CSRF check that reads the body, a session save) are
/// boxed futures of their own.
pub(crate) struct Builtin<S> {
    pub(crate) session: SessionLayer,
    pub(crate) common: CommonLayer,
    pub(crate) csrf: CsrfLayer,
    pub(crate) security: security::Cached,
    pub(crate) inner: S,
}

/// Where a request stands once the middleware's work on it is done: the rest of the stack
/// running, or the CSRF checks that must read the body first.
enum View {
    Running(BoxFuture<Response>, csrf::Shared),
    Checking(csrf::Checking),
}

impl<S: Next> Builtin<S> {
    /// Answers one request.
    pub(crate) fn respond(
        self: Arc<Self>,
        req: http::Request<Body>,
        settings: Option<Arc<Settings>>,
    ) -> impl Future<Output = Response> + Send + 'static {
        let settings = settings.unwrap_or_else(|| settings_of(&req));
        let secure = security::is_secure(&req);
        // Everything up to the view is done now, so that the future keeps only what the
        // response needs: small, it is cheap to box (glibc's per-thread cache takes blocks up
        // to 1 KiB) and to move.
        let started = self.start(req, &settings);
        async move {
            let mut response = match started {
                Ok((session, line, view)) => {
                    let response = match view {
                        View::Running(view, state) => {
                            self.after_view(view, state, &settings, &session).await
                        }
                        View::Checking(check) => match check.await {
                            Ok((req, state)) => {
                                let view = self.run(req, &state, &settings, &session);
                                self.after_view(view, state, &settings, &session).await
                            }
                            Err(refused) => refused,
                        },
                    };
                    let mut response = self.common.after(&line, response, &settings);
                    if let Some(saving) = session.finish(&mut response, &settings, &line) {
                        response = saving.await;
                    }
                    response
                }
                Err(answered) => *answered,
            };
            self.security.add(&settings, &mut response, secure);
            response
        }
    }

    /// Each middleware's work on the request, in order (hosts, session, CSRF); the answer
    /// when the host is refused or the session store cannot be used.
    fn start(
        &self,
        req: http::Request<Body>,
        settings: &Arc<Settings>,
    ) -> Result<(session::Attached, RequestLine, View), Box<Response>> {
        if let Some(refused) = hosts::refusal(&req, settings) {
            return Err(Box::new(refused));
        }
        let session = self.session.attach(&req, settings)?;
        let line = RequestLine::of(&req, settings);
        let view = match self.csrf.before(req, settings, session.handle()) {
            csrf::Before::Ready(req, state) => {
                View::Running(self.run(req, &state, settings, &session), state)
            }
            csrf::Before::Checking(check) => View::Checking(check),
        };
        Ok((session, line, view))
    }

    /// The rest of the stack, started.
    fn run(
        &self,
        req: http::Request<Body>,
        state: &csrf::Shared,
        settings: &Arc<Settings>,
        session: &session::Attached,
    ) -> BoxFuture<Response> {
        let per_request = PerRequest {
            settings: settings.clone(),
            session: session.handle().cloned(),
            csrf: Some(state.clone()),
        };
        Box::pin(self.inner.run(req, per_request))
    }

    /// The view's response, with CSRF's work on it.
    async fn after_view(
        &self,
        view: BoxFuture<Response>,
        state: csrf::Shared,
        settings: &Settings,
        session: &session::Attached,
    ) -> Response {
        let mut response = view.await;
        if let Some(saving) = self
            .csrf
            .after(&state, &mut response, settings, session.handle())
        {
            saving.await;
        }
        response
    }
}
