//! Django's CsrfViewMiddleware: every unsafe request (not GET, HEAD, OPTIONS or TRACE) to a
//! view that is not `#[view(csrf_exempt)]` must carry the token that matches its
//! `csrftoken` cookie. Checks run in Django's order — Origin; strict Referer on HTTPS; the
//! cookie; the token — and the first failure is a 403 with Django's reason. The cookie is
//! sent only when a page used a token, or a malformed one had to be replaced.

use std::future::Future;
use std::sync::{Arc, Mutex};

use super::{Middleware, Wrapped};
use crate::csrf::{self, DontEnforceCsrfChecks, State, reasons};
use crate::handler::{BoxFuture, error_page, read_body, settings_of};
use crate::http::{
    Body, Response, SetCookie, cookie_from_headers, header_name_of, is_form_urlencoded, last_value,
};
use crate::middleware::CsrfSource;
use crate::middleware::hosts::raw_host;
use crate::sessions::SessionHandle;
use crate::settings::Settings;
use crate::urls::decode_path;
use crate::views::debug::PageRequest;
use crate::views::{ErrorContext, ErrorHandler};
use http::{HeaderValue, Method, header};
use tower_layer::Layer;

/// CSRF protection. `exempt` says whether the view a decoded path resolves to is
/// `#[view(csrf_exempt)]`.
#[derive(Debug, Clone, Copy)]
pub struct CsrfLayer {
    exempt: fn(&str) -> bool,
    failure: Option<ErrorHandler>,
}

impl CsrfLayer {
    /// The layer for a URLconf, given its exemption test.
    pub fn new(exempt: fn(&str) -> bool) -> Self {
        CsrfLayer {
            exempt,
            failure: None,
        }
    }

    /// The project's own failure page (Django's CSRF_FAILURE_VIEW); it gets the reason as
    /// the exception.
    pub fn failure_page(mut self, page: Option<ErrorHandler>) -> Self {
        self.failure = page;
        self
    }
}

impl<S> Layer<S> for CsrfLayer {
    type Service = Wrapped<Self, S>;
    fn layer(&self, inner: S) -> Self::Service {
        Wrapped::new(*self, inner)
    }
}

/// Django's `is_same_domain`, for origins and referers (a host with its port).
fn is_same_domain(host: &str, pattern: &str) -> bool {
    let (host, pattern) = (host.to_ascii_lowercase(), pattern.to_ascii_lowercase());
    match pattern.strip_prefix('.') {
        Some(bare) => host == bare || host.ends_with(&pattern),
        None => host == pattern,
    }
}

/// `scheme://netloc` of a URL, as `urlsplit` gives them; `None` when there is no `//`.
fn split_url(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let netloc = rest.split(['/', '?', '#']).next().unwrap_or("");
    let valid_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid_scheme.then_some((scheme, netloc))
}

/// Django's `_origin_verified`.
fn origin_verified(origin: &str, host: &str, secure: bool, settings: &Settings) -> bool {
    let good = format!("{}://{host}", if secure { "https" } else { "http" });
    if origin == good || settings.csrf_trusted_origins.iter().any(|o| o == origin) {
        return true;
    }
    let Some((scheme, netloc)) = split_url(origin) else {
        return false;
    };
    settings.csrf_trusted_origins.iter().any(|trusted| {
        trusted.contains('*')
            && split_url(trusted).is_some_and(|(s, n)| {
                s.eq_ignore_ascii_case(scheme) && is_same_domain(netloc, n.trim_start_matches('*'))
            })
    })
}

/// Django's `_check_referer` (HTTPS requests only).
fn check_referer(referer: Option<&str>, host: &str, settings: &Settings) -> Result<(), String> {
    let Some(referer) = referer else {
        return Err(reasons::NO_REFERER.into());
    };
    let Some((scheme, netloc)) = split_url(referer).filter(|(_, n)| !n.is_empty()) else {
        return Err(reasons::MALFORMED_REFERER.into());
    };
    if scheme != "https" {
        return Err(reasons::INSECURE_REFERER.into());
    }
    let trusted = settings.csrf_trusted_origins.iter().any(|o| {
        split_url(o).is_some_and(|(_, n)| is_same_domain(netloc, n.trim_start_matches('*')))
    });
    if trusted {
        return Ok(());
    }
    // The domain the secret is kept for: the session cookie's with CSRF_USE_SESSIONS.
    let domain = if settings.csrf_use_sessions {
        &settings.session_cookie_domain
    } else {
        &settings.csrf_cookie_domain
    };
    let good = match domain {
        Some(domain) => {
            let port = host.rsplit_once(':').map(|(_, p)| p).unwrap_or("");
            if port.is_empty() || port == "443" || port == "80" {
                domain.clone()
            } else {
                format!("{domain}:{port}")
            }
        }
        None => host.to_string(),
    };
    if is_same_domain(netloc, &good) {
        Ok(())
    } else {
        Err(reasons::BAD_REFERER.replace("%s", referer))
    }
}

/// The header name as Django shows it (`HTTP_X_CSRFTOKEN` → `X-Csrftoken`).
fn shown_header_name(setting: &str) -> String {
    let bare = setting.strip_prefix("HTTP_").unwrap_or(setting);
    bare.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Django's `_check_token`: cookie, then the token from the form or the header.
fn check_token(
    cookie_value: Option<&str>,
    form_token: Option<&str>,
    header_token: Option<&str>,
    settings: &Settings,
) -> Result<(), String> {
    let Some(cookie_value) = cookie_value else {
        return Err(reasons::NO_CSRF_COOKIE.into());
    };
    csrf::check_format(cookie_value).map_err(|r| format!("CSRF cookie {r}."))?;
    let secret = csrf::secret_of(cookie_value);
    let (token, source) = match form_token.filter(|t| !t.is_empty()) {
        Some(t) => (t, "POST".to_string()),
        None => match header_token {
            Some(t) => (
                t,
                format!(
                    "the '{}' HTTP header",
                    shown_header_name(&settings.csrf_header_name)
                ),
            ),
            None => return Err(reasons::CSRF_TOKEN_MISSING.into()),
        },
    };
    csrf::check_format(token).map_err(|r| format!("CSRF token from {source} {r}."))?;
    if csrf::constant_time_eq(&csrf::secret_of(token), &secret) {
        Ok(())
    } else {
        Err(format!("CSRF token from {source} incorrect."))
    }
}

fn set_cookie(response: &mut Response, secret: &str, settings: &Settings) {
    let cookie = SetCookie {
        name: &settings.csrf_cookie_name,
        value: secret,
        max_age: Some(settings.csrf_cookie_age),
        domain: settings.csrf_cookie_domain.as_deref(),
        path: &settings.csrf_cookie_path,
        secure: settings.csrf_cookie_secure,
        http_only: settings.csrf_cookie_httponly,
        same_site: &settings.csrf_cookie_samesite,
    };
    if let Ok(v) = cookie.to_header_value() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    patch_vary(response, "Cookie");
}

/// Adds `name` to `Vary` unless it is there (Django's `patch_vary_headers`).
pub(crate) fn patch_vary(response: &mut Response, name: &str) {
    let present = response
        .headers()
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case(name));
    if !present && let Ok(v) = HeaderValue::from_str(name) {
        response.headers_mut().append(header::VARY, v);
    }
}

fn reject(
    reason: &str,
    req: &http::Request<Body>,
    settings: &Settings,
    own: Option<ErrorHandler>,
) -> Response {
    let path = decode_path(req.uri().path());
    eprintln!("Forbidden ({reason}): {path}");
    let context = ErrorContext {
        request_path: &path,
        exception: reason,
        status: http::StatusCode::FORBIDDEN,
    };
    let page = own
        .and_then(|page| page(&context).ok())
        .unwrap_or_else(|| csrf::failure_page(reason, settings.debug));
    let mut r = Response::new(Body::from(page));
    *r.status_mut() = http::StatusCode::FORBIDDEN;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

/// Where CSRF_USE_SESSIONS keeps the secret (Django's `CSRF_SESSION_KEY`).
const SESSION_KEY: &str = "_csrftoken";

/// Django's `process_request` and `process_view`: the secret from the session
/// (CSRF_USE_SESSIONS) or the cookie — a malformed cookie is replaced — then the checks for
/// an unsafe method. On success, the state templates use and the request to pass on.
async fn process_request(
    mut req: http::Request<Body>,
    settings: &Settings,
    session: Option<&Arc<SessionHandle>>,
    cookie_value: Option<String>,
    enforce: bool,
    failure: Option<ErrorHandler>,
) -> Result<(http::Request<Body>, Arc<Mutex<State>>), Response> {
    let sent = match session {
        Some(handle) if settings.csrf_use_sessions => match handle.loaded().await {
            Ok(state) => state
                .data
                .get(SESSION_KEY)
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            Err(_) => None,
        },
        _ if settings.csrf_use_sessions => None,
        _ => cookie_value,
    };
    let state = state_for(sent.as_deref());
    if enforce {
        req = match check(req, settings, sent.as_deref(), failure).await {
            Ok(req) => req,
            Err(mut refused) => {
                // Django's process_response runs on the 403 too: a malformed cookie's
                // replacement goes out with it.
                let s = state.lock().unwrap_or_else(|e| e.into_inner());
                if s.needs_update
                    && !settings.csrf_use_sessions
                    && let Some(secret) = &s.secret
                {
                    set_cookie(&mut refused, secret, settings);
                }
                return Err(*refused);
            }
        };
    }
    Ok((req, state))
}

/// The request's CSRF state from the secret the client sent, if any.
pub(crate) fn state_for(sent: Option<&str>) -> Arc<Mutex<State>> {
    let mut state = State::default();
    if let Some(value) = sent {
        match csrf::check_format(value) {
            Ok(()) => state.secret = Some(csrf::secret_of(value)),
            Err(_) => {
                state.secret = Some(csrf::new_secret());
                state.needs_update = true;
            }
        }
    }
    Arc::new(Mutex::new(state))
}

impl Middleware for CsrfLayer {
    fn call<N, F>(
        self,
        req: http::Request<Body>,
        next: N,
    ) -> impl Future<Output = Response> + Send + 'static
    where
        N: FnOnce(http::Request<Body>) -> F + Send + 'static,
        F: Future<Output = Response> + Send + 'static,
    {
        let settings = settings_of(&req);
        let session = req.extensions().get::<Arc<SessionHandle>>().cloned();
        // Usually nothing here waits (a safe method, the secret in the cookie): the rest of
        // the stack is called now and this future only keeps a pointer to it.
        let next = move |mut req: http::Request<Body>, state: &Shared| {
            req.extensions_mut().insert(state.clone());
            next(req)
        };
        let sent =
            cookie_from_headers(req.headers(), &settings.csrf_cookie_name).map(str::to_owned);
        let ready = match self.before(req, &settings, session.as_ref(), false, sent) {
            Before::Ready(req, state) => {
                // Not asked to wait (`lazy` is false), so made already; made from the same
                // cookie all the same should that change.
                let state = match state {
                    CsrfSource::Made(state) => state,
                    CsrfSource::Lazy(cookie) => state_for(cookie.as_deref()),
                    CsrfSource::Off => state_for(None),
                };
                Ok((next(req, &state), state))
            }
            Before::Checking(check) => Err(Box::pin(async move {
                let (req, state) = check.await?;
                Ok::<_, Response>((next(req, &state), state))
            })),
        };
        async move {
            let (fut, state) = match ready {
                Ok(ready) => ready,
                Err(pending) => match pending.await {
                    Ok(ready) => ready,
                    Err(refused) => return refused,
                },
            };
            let mut response = fut.await;
            if let Some(saving) = self.after(&state, &mut response, &settings, session.as_ref()) {
                saving.await;
            }
            response
        }
    }
}

/// The CSRF state shared by the middleware and `{% csrf_token %}` for one request.
pub(crate) type Shared = Arc<Mutex<State>>;

/// The request after the CSRF middleware's `process_request` and `process_view`.
#[allow(clippy::large_enum_variant)] // `Ready` is the usual case: boxing it would cost every request.
pub(crate) enum Before {
    /// Nothing to wait for (a safe method, the secret in the cookie): the request to pass on,
    /// and its state — made now, or when a token is first asked for.
    Ready(http::Request<Body>, CsrfSource),
    /// The checks of an unsafe method, or the secret read from the session: the request to
    /// pass on, or the 403 page.
    Checking(Checking),
}

/// The CSRF checks that wait (an unsafe method, or the secret in the session): the request
/// to pass on, or the 403 page.
pub(crate) type Checking = BoxFuture<Result<(http::Request<Body>, Shared), Response>>;

impl CsrfLayer {
    /// Django's `process_request` and `process_view`.
    /// `sent` is the CSRF cookie's value, read from `req` by the caller.
    pub(crate) fn before(
        &self,
        req: http::Request<Body>,
        settings: &Arc<Settings>,
        session: Option<&Arc<SessionHandle>>,
        lazy: bool,
        sent: Option<String>,
    ) -> Before {
        let safe = matches!(
            *req.method(),
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        );
        let enforce = !safe
            && req.extensions().get::<DontEnforceCsrfChecks>().is_none()
            && !(self.exempt)(&decode_path(req.uri().path()));
        if !settings.csrf_use_sessions && !enforce {
            // A malformed cookie is replaced whether or not a token is used: made now.
            let malformed = sent
                .as_deref()
                .is_some_and(|s| csrf::check_format(s).is_err());
            let state = if !lazy || malformed {
                CsrfSource::Made(state_for(sent.as_deref()))
            } else {
                CsrfSource::Lazy(sent)
            };
            return Before::Ready(req, state);
        }
        // The rare case is boxed, so that its state does not make every request's future
        // bigger.
        let (settings, session, failure) = (settings.clone(), session.cloned(), self.failure);
        Before::Checking(Box::pin(async move {
            process_request(req, &settings, session.as_ref(), sent, enforce, failure).await
        }))
    }

    /// Django's `process_response`: sends the secret when a token was used or a secret made
    /// — as a cookie, or with CSRF_USE_SESSIONS into the session, which the future returned
    /// does (the session middleware, outside this one, then saves it with the response).
    pub(crate) fn after(
        &self,
        state: &Shared,
        response: &mut Response,
        settings: &Settings,
        session: Option<&Arc<SessionHandle>>,
    ) -> Option<BoxFuture<()>> {
        let secret = {
            let s = state.lock().unwrap_or_else(|e| e.into_inner());
            s.needs_update.then(|| s.secret.clone()).flatten()
        }?;
        if !settings.csrf_use_sessions {
            set_cookie(response, &secret, settings);
            return None;
        }
        let handle = session?.clone();
        Some(Box::pin(async move {
            if let Ok(mut state) = handle.loaded().await {
                state.data.insert(SESSION_KEY.into(), secret.into());
                state.modified = true;
            }
        }))
    }
}

/// Django's `process_view` checks; on success the request (its body read, if a form).
async fn check(
    req: http::Request<Body>,
    settings: &Settings,
    cookie_value: Option<&str>,
    failure: Option<ErrorHandler>,
) -> Result<http::Request<Body>, Box<Response>> {
    let (head, body) = req.into_parts();
    let host = raw_host(&head).unwrap_or("").to_string();
    let secure = settings.is_secure(&head.headers, &head.extensions);
    let header_str = |name: &str| head.headers.get(name).and_then(|v| v.to_str().ok());
    let rejected = |reason: &str, head: http::request::Parts| {
        let req = http::Request::from_parts(head, Body::empty());
        Err(Box::new(reject(reason, &req, settings, failure)))
    };
    if let Some(origin) = header_str("origin") {
        if !origin_verified(origin, &host, secure, settings) {
            let reason = reasons::BAD_ORIGIN.replace("%s", origin);
            return rejected(&reason, head);
        }
    } else if secure && let Err(reason) = check_referer(header_str("referer"), &host, settings) {
        return rejected(&reason, head);
    }
    // The form's token, when the body is a form (read here, handed on as bytes).
    let is_form = head.method == Method::POST && is_form_urlencoded(&head.headers);
    let (body, form_token) = if is_form {
        match read_body(&head.headers, body, settings).await {
            Ok(bytes) => {
                let token = last_value(&bytes, csrf::FORM_FIELD);
                (Body::from(bytes), token)
            }
            Err(e) => {
                let page = PageRequest::new(&head.method, &head.uri, &head.headers, None);
                return Err(Box::new(error_page(
                    &e,
                    &page,
                    settings,
                    &[],
                    &Default::default(),
                )));
            }
        }
    } else {
        (body, None)
    };
    let header_token = header_str(&header_name_of(&settings.csrf_header_name)).map(str::to_owned);
    if let Err(reason) = check_token(
        cookie_value,
        form_token.as_deref(),
        header_token.as_deref(),
        settings,
    ) {
        return rejected(&reason, head);
    }
    Ok(http::Request::from_parts(head, body))
}
