//! Django's built-in middleware as one future per request: each layer's work on the request
//! runs before the future is made, the rest of the stack is awaited, and each layer's work
//! on the response runs after it, in reverse order.

use std::future::Future;
use std::sync::Arc;

use super::request_line::{OwnedLine, RequestLine};
use super::{CommonLayer, CsrfLayer, SessionLayer, csrf, hosts, security, session};
use crate::handler::{BoxFuture, settings_of};
use crate::http::{Body, Request, Response, cookies_from_headers};
use crate::sessions::{SessionHandle, SessionSource};
use crate::settings::Settings;

/// What the middleware hand the view of one request: the settings, the session, the CSRF
/// state. Passed to the views directly; in the request's extensions only when the project's
/// own layers stand between (or a middleware is used on its own, as a tower layer).
#[derive(Clone, Default)]
pub(crate) struct PerRequest {
    pub(crate) settings: Arc<Settings>,
    pub(crate) session: SessionSource,
    pub(crate) csrf: CsrfSource,
    /// The security headers, for a page to start with (built-in stack only).
    pub(crate) security: Option<Arc<security::Cached>>,
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
            csrf: ext
                .get::<csrf::Shared>()
                .map_or(CsrfSource::Off, |s| CsrfSource::Made(s.clone())),
            security: None,
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
        if let CsrfSource::Made(csrf) = self.csrf {
            ext.insert(csrf);
        }
    }
}

/// How a request reaches its CSRF state.
#[derive(Debug, Clone, Default)]
pub(crate) enum CsrfSource {
    /// The CSRF middleware is not on.
    #[default]
    Off,
    /// Made by the middleware.
    Made(csrf::Shared),
    /// Made when a token is first asked for, from the cookie's value (sent or not).
    Lazy(Option<String>),
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
    pub(crate) security: Arc<security::Cached>,
    pub(crate) inner: S,
}

/// What the middleware's work before the view leaves for after it.
struct Started {
    session: session::Attached,
    /// The request line, kept when the request does not come back from the project's own
    /// layers (boxed: most requests do not need it).
    kept_line: Option<Box<OwnedLine>>,
    view: View,
}

/// Where a request stands once the middleware's work on it is done: the rest of the stack
/// running, or the CSRF checks that must read the body first.
enum View {
    Running(Answer, Option<csrf::Shared>),
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
    ) -> BoxFuture<Response> {
        let settings = settings.unwrap_or_else(|| settings_of(&req));
        let secure = settings.is_secure(req.headers(), req.extensions());
        // Everything up to the view is done now, so that the future keeps only what the
        // response needs: small, it is cheap to box (glibc's per-thread cache takes blocks up
        // to 1 KiB) and to move.
        let mut started = self.start(req, &settings, secure);
        // Boxed here, where it is made: it is copied into its box once.
        Box::pin(async move {
            // Used in place, not moved out: the future keeps one copy of it.
            let mut response = match &mut started {
                Ok(Started {
                    session,
                    kept_line,
                    view,
                }) => {
                    let (mut response, request) = self.after_view(view, &settings, session).await;
                    // The request the view had, or the line kept of it.
                    let line = match (&request, &kept_line) {
                        (Some(request), _) => Some(RequestLine::of(request)),
                        (None, Some(kept)) => Some(kept.line()),
                        (None, None) => None,
                    };
                    self.common.after(line, &mut response, &settings);
                    let made = request.as_deref().and_then(Request::made_session);
                    if let Some(saving) = session.finish(&mut response, &settings, made, line) {
                        response = saving.await;
                    }
                    response
                }
                Err(answered) => std::mem::take(&mut **answered),
            };
            self.security.add(&settings, &mut response, secure);
            response
        })
    }

    /// Each middleware's work on the request, in order (hosts, session, CSRF); the answer
    /// when the host is refused or the session store cannot be used.
    fn start(
        &self,
        req: http::Request<Body>,
        settings: &Arc<Settings>,
        secure: bool,
    ) -> Result<Started, Box<Response>> {
        if let Some(refused) = hosts::refusal(&req, settings) {
            return Err(Box::new(refused));
        }
        if let Some(redirect) = security::ssl_redirect(&req, settings, secure) {
            return Err(Box::new(redirect));
        }
        // The session is made now only when something before the view needs it, or when
        // the request will not come back from the project's own layers.
        let session_now = !S::DIRECT || settings.csrf_use_sessions;
        let [session_cookie, csrf_cookie] = cookies_from_headers(
            req.headers(),
            [&settings.session_cookie_name, &settings.csrf_cookie_name],
        );
        let session = self
            .session
            .attach(&req, settings, session_now, session_cookie)?;
        let csrf_cookie = csrf_cookie.map(str::to_owned);
        let kept_line = (!S::DIRECT).then(|| Box::new(OwnedLine::of(&req, settings)));
        // Behind the views directly, the CSRF state waits for a token to be asked for.
        let view = match self
            .csrf
            .before(req, settings, session.handle(), S::DIRECT, csrf_cookie)
        {
            csrf::Before::Ready(req, csrf) => {
                let made = match &csrf {
                    CsrfSource::Made(state) => Some(state.clone()),
                    _ => None,
                };
                View::Running(self.run(req, csrf, settings, &session), made)
            }
            csrf::Before::Checking(check) => View::Checking(check),
        };
        Ok(Started {
            session,
            kept_line,
            view,
        })
    }

    /// The rest of the stack, started.
    fn run(
        &self,
        req: http::Request<Body>,
        csrf: CsrfSource,
        settings: &Arc<Settings>,
        session: &session::Attached,
    ) -> Answer {
        let per_request = PerRequest {
            settings: settings.clone(),
            session: session.source(),
            csrf,
            security: S::DIRECT.then(|| self.security.clone()),
        };
        Box::pin(self.inner.run(req, per_request))
    }

    /// The view's answer (once the CSRF checks that read the body pass), with CSRF's work
    /// on its response.
    async fn after_view(
        &self,
        view: &mut View,
        settings: &Arc<Settings>,
        session: &session::Attached,
    ) -> (Response, Option<Box<Request>>) {
        let mut checked = None;
        // The check's result is gone before the view is awaited: the future does not keep
        // room for both.
        let (view, state) = match view {
            View::Running(view, state) => (view, state.take()),
            View::Checking(check) => match check.as_mut().await {
                Ok((req, state)) => {
                    let csrf = CsrfSource::Made(state.clone());
                    let view = checked.insert(self.run(req, csrf, settings, session));
                    (view, Some(state))
                }
                Err(refused) => return (refused, None),
            },
        };
        let (mut response, request) = view.as_mut().await;
        let made = request
            .as_deref()
            .and_then(Request::made_session)
            .or(session.handle());
        // The state made before the view, or by the view when it asked for a token.
        let state = state
            .as_ref()
            .or_else(|| request.as_deref().and_then(Request::csrf_if_made));
        if let Some(state) = state
            && let Some(saving) = self.csrf.after(state, &mut response, settings, made)
        {
            saving.await;
        }
        (response, request)
    }
}
