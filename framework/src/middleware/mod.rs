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
use crate::http::{Body, Request, Response};
use crate::sessions::{SessionHandle, SessionSource};
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
    pub(crate) session: SessionSource,
    pub(crate) csrf: Option<csrf::Shared>,
}

impl PerRequest {
    /// What the middleware put in the request's extensions.
    pub(crate) fn from_extensions<B>(req: &http::Request<B>) -> Self {
        let ext = req.extensions();
        PerRequest {
            settings: settings_of(req),
            session: ext
                .get::<Arc<SessionHandle>>()
                .map_or(SessionSource::Off, |h| SessionSource::Made(h.clone())),
            csrf: ext.get::<csrf::Shared>().cloned(),
        }
    }

    /// Puts it in the request's extensions, for layers and views further in. The session
    /// must be made already: nothing would see one made later.
    pub(crate) fn into_extensions(self, req: &mut http::Request<Body>) {
        let ext = req.extensions_mut();
        ext.insert(self.settings);
        if let SessionSource::Made(session) = self.session {
            ext.insert(session);
        }
        if let Some(csrf) = self.csrf {
            ext.insert(csrf);
        }
    }
}

/// What the middleware's work on a response may need of the request, which the view has
/// had by then: the method and path (for a redirect or an error page), and the host.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestLine<'a> {
    pub(crate) method: &'a http::Method,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    host: HostOf<'a>,
}

/// Where a [`RequestLine`]'s host is: looked up only if asked for (rarely: one DEBUG page).
#[derive(Debug, Clone, Copy)]
enum HostOf<'a> {
    Headers(&'a http::HeaderMap),
    Value(Option<&'a http::HeaderValue>),
}

impl<'a> RequestLine<'a> {
    /// The line of the request a view had.
    pub(crate) fn of(request: &'a Request) -> Self {
        RequestLine {
            method: request.method(),
            path: request.raw_path(),
            query: request.path_and_query().and_then(|pq| pq.query()),
            host: HostOf::Headers(request.headers()),
        }
    }

    /// The Host header.
    pub(crate) fn host(&self) -> Option<&'a http::HeaderValue> {
        match self.host {
            HostOf::Headers(headers) => headers.get(http::header::HOST),
            HostOf::Value(value) => value,
        }
    }

    /// A copy that outlives the request.
    pub(crate) fn kept(self) -> OwnedLine {
        let path_and_query = match self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.to_owned(),
        };
        OwnedLine {
            method: self.method.clone(),
            path_and_query: path_and_query.parse().ok(),
            host: self.host().cloned(),
        }
    }

    /// The error page for `err` raised while answering this request.
    pub(crate) fn error_page(&self, err: &crate::error::Error, settings: &Settings) -> Response {
        let uri = self.kept().uri();
        let headers = http::HeaderMap::new();
        let page = crate::views::debug::PageRequest::new(self.method, &uri, &headers, None);
        crate::handler::error_page(err, &page, settings, &[], &Default::default())
    }
}

/// A [`RequestLine`] kept apart from its request (its path shares the request's bytes).
#[derive(Debug, Clone, Default)]
pub(crate) struct OwnedLine {
    method: http::Method,
    path_and_query: Option<http::uri::PathAndQuery>,
    host: Option<http::HeaderValue>,
}

impl OwnedLine {
    pub(crate) fn of(req: &http::Request<Body>, settings: &Settings) -> Self {
        OwnedLine {
            method: req.method().clone(),
            path_and_query: req.uri().path_and_query().cloned(),
            // Only the DEBUG page about APPEND_SLASH shows it.
            host: settings
                .debug
                .then(|| req.headers().get(http::header::HOST).cloned())
                .flatten(),
        }
    }

    /// The line, borrowed.
    pub(crate) fn line(&self) -> RequestLine<'_> {
        RequestLine {
            method: &self.method,
            path: self.path_and_query.as_ref().map_or("/", |pq| pq.path()),
            query: self.path_and_query.as_ref().and_then(|pq| pq.query()),
            host: HostOf::Value(self.host.as_ref()),
        }
    }

    fn uri(self) -> http::Uri {
        self.path_and_query.map(http::Uri::from).unwrap_or_default()
    }
}

/// What the built-in middleware call after themselves: the views, or the project's own
/// layers around them.
pub(crate) trait Next: Send + Sync + 'static {
    /// Whether the views are right behind: then the request comes back with the response,
    /// and the session can wait for the view to ask for it.
    const DIRECT: bool;

    /// Runs the rest of the stack for one request: the response, and the request the view
    /// had when it comes back.
    fn run(
        &self,
        req: http::Request<Body>,
        per_request: PerRequest,
    ) -> impl Future<Output = (Response, Option<Box<Request>>)> + Send + 'static;
}

impl Next for crate::project::ProjectService {
    const DIRECT: bool = false;

    fn run(
        &self,
        mut req: http::Request<Body>,
        per_request: PerRequest,
    ) -> impl Future<Output = (Response, Option<Box<Request>>)> + Send + 'static {
        per_request.into_extensions(&mut req);
        let response = self.respond(req);
        async move { (response.await, None) }
    }
}

/// The built-in middleware in Django's order around `S` (the user's layers and the views):
/// security headers → allowed hosts → sessions → common → CSRF → `S`.
///
/// One request is one future: each layer's work before the view runs in order, the view's
/// future is awaited, and each layer's work on the response runs in reverse order. Only the
/// rare paths that wait (a CSRF check that reads the body, a session save) are boxed futures
/// of their own.
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
    Running(Answer, csrf::Shared),
    Checking(csrf::Checking),
}

/// The rest of the stack's answer: the response, and the request the view had.
type Answer = BoxFuture<(Response, Option<Box<Request>>)>;

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
                Ok((session, kept_line, view)) => {
                    let (response, request) = match view {
                        View::Running(view, state) => {
                            self.after_view(view, state, &settings, &session).await
                        }
                        View::Checking(check) => match check.await {
                            Ok((req, state)) => {
                                let view = self.run(req, &state, &settings, &session);
                                self.after_view(view, state, &settings, &session).await
                            }
                            Err(refused) => (refused, None),
                        },
                    };
                    // The request the view had, or the line kept of it.
                    let line = match (&request, &kept_line) {
                        (Some(request), _) => Some(RequestLine::of(request)),
                        (None, Some(kept)) => Some(kept.line()),
                        (None, None) => None,
                    };
                    let mut response = self.common.after(line, response, &settings);
                    let made = request.as_deref().and_then(Request::made_session);
                    if let Some(saving) = session.finish(&mut response, &settings, made, line) {
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
    ) -> Result<(session::Attached, Option<OwnedLine>, View), Box<Response>> {
        if let Some(refused) = hosts::refusal(&req, settings) {
            return Err(Box::new(refused));
        }
        // The session is made now only when something before the view needs it, or when
        // the request will not come back from the project's own layers.
        let session_now = !S::DIRECT || settings.csrf_use_sessions;
        let session = self.session.attach(&req, settings, session_now)?;
        let kept_line = (!S::DIRECT).then(|| OwnedLine::of(&req, settings));
        let view = match self.csrf.before(req, settings, session.handle()) {
            csrf::Before::Ready(req, state) => {
                View::Running(self.run(req, &state, settings, &session), state)
            }
            csrf::Before::Checking(check) => View::Checking(check),
        };
        Ok((session, kept_line, view))
    }

    /// The rest of the stack, started.
    fn run(
        &self,
        req: http::Request<Body>,
        state: &csrf::Shared,
        settings: &Arc<Settings>,
        session: &session::Attached,
    ) -> Answer {
        let per_request = PerRequest {
            settings: settings.clone(),
            session: session.source(),
            csrf: Some(state.clone()),
        };
        Box::pin(self.inner.run(req, per_request))
    }

    /// The view's answer, with CSRF's work on its response.
    async fn after_view(
        &self,
        view: Answer,
        state: csrf::Shared,
        settings: &Settings,
        session: &session::Attached,
    ) -> (Response, Option<Box<Request>>) {
        let (mut response, request) = view.await;
        let made = request
            .as_deref()
            .and_then(Request::made_session)
            .or(session.handle());
        if let Some(saving) = self.csrf.after(&state, &mut response, settings, made) {
            saving.await;
        }
        (response, request)
    }
}
