//! One request, from the socket's `http::Request` to the response: the request is made once,
//! its path resolved once, each middleware's `process_request` runs in order (the first to
//! answer stops the way in), then the view, then each `process_response` in reverse, and the
//! page of an error response is written.

use std::marker::PhantomData;
use std::sync::Arc;

use super::{
    AllowedHostsMiddleware, AuthenticationMiddleware, CommonMiddleware, CsrfMiddleware,
    DynMiddleware, MessageMiddleware, Middleware, SecurityMiddleware, SessionMiddleware,
};
use crate::error::{Error, ErrorKind};
use crate::http::{Body, IntoResponse, Request, Response};
use crate::settings::Settings;
use crate::urls::UrlConf;
use crate::views::{Called, CatchPanic, ErrorHandlers, catch_panic, errors};

/// The middleware of a project with root URLconf `U`, in Django's order, and its views.
pub(crate) struct Stack<U> {
    pub(crate) security: SecurityMiddleware,
    pub(crate) hosts: AllowedHostsMiddleware,
    pub(crate) session: SessionMiddleware,
    pub(crate) common: CommonMiddleware,
    pub(crate) csrf: CsrfMiddleware,
    pub(crate) auth: AuthenticationMiddleware,
    pub(crate) messages: MessageMiddleware,
    /// The project's own, after the built-in ones (where Django's MIDDLEWARE lists them).
    pub(crate) own: Vec<Arc<dyn DynMiddleware>>,
    pub(crate) handlers: ErrorHandlers,
    pub(crate) urlconf: PhantomData<fn() -> U>,
}

/// How many built-in middleware run before the project's own.
const BUILTIN: usize = 7;

impl<U: UrlConf> Stack<U> {
    /// Answers one request with `settings`. The request is made and resolved before the
    /// future is, and boxed: the future keeps a pointer to it, and stays small to box itself.
    pub(crate) fn respond(
        self: &Arc<Self>,
        req: http::Request<Body>,
        settings: Arc<Settings>,
    ) -> impl std::future::Future<Output = Response> + Send + 'static {
        let (head, body) = req.into_parts();
        let mut request = Box::new(Request::new(head, body, settings));
        let matched =
            request.resolve_with(|path, rm| U::resolve(path.strip_prefix('/').unwrap_or(path), rm));
        let stack = self.clone();
        async move {
            let (ran, answered) = stack.process_request(&mut request).await;
            let mut response = match answered {
                Some(response) => response,
                None => stack.view(&mut request, matched).await,
            };
            // Written before the middleware see it, and again for an error one of them made.
            errors::render(&request, &mut response, U::patterns(), &stack.handlers);
            stack
                .process_response(&mut request, &mut response, ran)
                .await;
            errors::render(&request, &mut response, U::patterns(), &stack.handlers);
            response
        }
    }

    /// Each middleware's `process_request`, in order: how many ran, and the answer of the
    /// one that answered, if one did.
    async fn process_request(&self, request: &mut Request) -> (usize, Option<Response>) {
        if let Some(answer) = self.security.process_request(request).await {
            return (1, Some(answer));
        }
        if let Some(answer) = self.hosts.process_request(request).await {
            return (2, Some(answer));
        }
        if let Some(answer) = self.session.process_request(request).await {
            return (3, Some(answer));
        }
        if let Some(answer) = self.common.process_request(request).await {
            return (4, Some(answer));
        }
        if let Some(answer) = self.csrf.process_request(request).await {
            return (5, Some(answer));
        }
        if let Some(answer) = self.auth.process_request(request).await {
            return (6, Some(answer));
        }
        if let Some(answer) = self.messages.process_request(request).await {
            return (7, Some(answer));
        }
        for (i, own) in self.own.iter().enumerate() {
            if let Some(answer) = own.boxed_request(request).await {
                return (BUILTIN + i + 1, Some(answer));
            }
        }
        (BUILTIN + self.own.len(), None)
    }

    /// The `process_response` of the first `ran` middleware, in reverse order.
    async fn process_response(&self, request: &mut Request, response: &mut Response, ran: usize) {
        for own in self.own.iter().take(ran.saturating_sub(BUILTIN)).rev() {
            own.boxed_response(request, response).await;
        }
        if ran >= 7 {
            self.messages.process_response(request, response).await;
        }
        if ran >= 5 {
            self.csrf.process_response(request, response).await;
        }
        if ran >= 4 {
            self.common.process_response(request, response).await;
        }
        if ran >= 3 {
            self.session.process_response(request, response).await;
        }
        if ran >= 2 {
            self.hosts.process_response(request, response).await;
        }
        self.security.process_response(request, response).await;
    }

    /// The view's answer: its body read first, then a static or media file, the view the
    /// path resolved to (a panic in it is a 500 for this request only), or a 404.
    async fn view(&self, request: &mut Request, matched: Option<U::Match>) -> Response {
        // Boxed: most requests have no body to wait for, and do not carry this future.
        if request.has_unread_body()
            && let Err(e) = Box::pin(request.read_body()).await
        {
            return e.into_response();
        }
        if let Some(route) = crate::staticfiles::route(request.settings(), request.path()) {
            // Boxed: most requests are for views, and do not carry this future.
            return Box::pin(crate::staticfiles::respond(route, request)).await;
        }
        let Some(matched) = matched else {
            return Error::new(
                ErrorKind::NotFound,
                format!(
                    "The current path, {}, didn’t match any of the URL patterns.",
                    request.path()
                ),
            )
            .into_response();
        };
        // A plain `fn` view answers at once; an `async fn` view's future is awaited.
        let answered = match catch_panic(|| U::dispatch(matched, request)) {
            Ok(Called::Now(response)) => Ok(response),
            Ok(Called::Later(future)) => CatchPanic::new(future).await,
            Err(e) => Err(e),
        };
        answered.unwrap_or_else(IntoResponse::into_response)
    }
}
