//! Django's SessionMiddleware: attaches the session to the request, and after the view saves
//! it when it changed (never on a 5xx), sets or deletes the `sessionid` cookie, and adds
//! `Vary: Cookie` when the session was used.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use http::{HeaderValue, header};
use tower_layer::Layer;

use super::csrf::patch_vary;
use super::{Middleware, RequestLine, Wrapped};
use crate::db::Database;
use crate::error::{Error, ErrorKind};
use crate::handler::{BoxFuture, error_page, settings_of};
use crate::http::{Body, Response, SetCookie, cookie_from_headers};
use crate::sessions::{
    DatabaseStore, MemoryStore, SessionData, SessionHandle, SessionStore, SignedCookieStore, State,
    run,
};
use crate::settings::Settings;
use crate::views::debug::PageRequest;

type StoreCell = Arc<OnceLock<Result<Arc<dyn SessionStore>, String>>>;

/// Sessions. The store is made from the settings on first use (SESSION_ENGINE), unless one
/// is given.
#[derive(Clone, Default)]
pub struct SessionLayer {
    store: StoreCell,
}

impl std::fmt::Debug for SessionLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionLayer").finish_non_exhaustive()
    }
}

impl SessionLayer {
    /// Sessions in the store SESSION_ENGINE names.
    pub fn new() -> Self {
        SessionLayer::default()
    }

    /// Sessions in `store`.
    pub fn with_store(store: Arc<dyn SessionStore>) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(Ok(store));
        SessionLayer {
            store: Arc::new(cell),
        }
    }

    fn store(&self, settings: &Settings) -> Result<Arc<dyn SessionStore>, String> {
        self.store
            .get_or_init(|| store_for(settings).map_err(|e| e.to_string()))
            .clone()
    }
}

/// The store SESSION_ENGINE names.
pub fn store_for(settings: &Settings) -> Result<Arc<dyn SessionStore>, Error> {
    let age = std::time::Duration::from_secs(settings.session_cookie_age);
    match settings.session_engine.as_str() {
        "db" => Ok(Arc::new(DatabaseStore::new(
            Database::from_settings(settings)?,
            &settings.secret_key,
            &settings.secret_key_fallbacks,
        ))),
        "signed_cookies" => Ok(Arc::new(SignedCookieStore::new(
            &settings.secret_key,
            &settings.secret_key_fallbacks,
            age,
        ))),
        "memory" => Ok(Arc::new(MemoryStore::default())),
        other => Err(Error::new(
            ErrorKind::Internal,
            format!(
                "SESSION_ENGINE {other:?} is not one of \"db\", \"signed_cookies\", \"memory\""
            ),
        )),
    }
}

impl<S> Layer<S> for SessionLayer {
    type Service = Wrapped<Self, S>;
    fn layer(&self, inner: S) -> Self::Service {
        Wrapped::new(self.clone(), inner)
    }
}

fn cookie_header(settings: &Settings, value: &str, max_age: Option<u64>) -> Option<HeaderValue> {
    let cookie = SetCookie {
        name: &settings.session_cookie_name,
        value,
        max_age,
        domain: settings.session_cookie_domain.as_deref(),
        path: &settings.session_cookie_path,
        secure: settings.session_cookie_secure,
        http_only: settings.session_cookie_httponly,
        same_site: &settings.session_cookie_samesite,
    };
    cookie.to_header_value().ok()
}

/// Django's `delete_cookie`: empty, expired, no HttpOnly (Secure only for SameSite=None).
fn deletion_header(settings: &Settings) -> Option<HeaderValue> {
    let cookie = SetCookie {
        name: &settings.session_cookie_name,
        value: "\"\"",
        max_age: Some(0),
        domain: settings.session_cookie_domain.as_deref(),
        path: &settings.session_cookie_path,
        secure: settings
            .session_cookie_samesite
            .eq_ignore_ascii_case("none"),
        http_only: false,
        same_site: &settings.session_cookie_samesite,
    };
    cookie.to_header_value().ok()
}

impl Middleware for SessionLayer {
    fn call<N, F>(
        self,
        mut req: http::Request<Body>,
        next: N,
    ) -> impl Future<Output = Response> + Send + 'static
    where
        N: FnOnce(http::Request<Body>) -> F + Send + 'static,
        F: Future<Output = Response> + Send + 'static,
    {
        let settings = settings_of(&req);
        // The rest of the stack is called now: this future keeps only its pointer.
        let line = RequestLine::of(&req, &settings);
        let ready = self.attach(&req, &settings).map(|attached| {
            req.extensions_mut().insert(attached.handle.clone());
            (attached, next(req))
        });
        async move {
            match ready {
                Ok((attached, fut)) => {
                    let mut response = fut.await;
                    if let Some(saving) = attached.finish(&mut response, &settings, &line) {
                        response = saving.await;
                    }
                    response
                }
                Err(response) => *response,
            }
        }
    }
}

/// The session attached to one request, for the middleware's work on the response.
pub(crate) struct Attached {
    handle: Arc<SessionHandle>,
    cookie_sent: bool,
}

impl SessionLayer {
    /// The session the cookie names (loaded when the view first uses it); the 500 page when
    /// SESSION_ENGINE cannot be used.
    pub(crate) fn attach(
        &self,
        req: &http::Request<Body>,
        settings: &Arc<Settings>,
    ) -> Result<Attached, Box<Response>> {
        let sent = cookie_from_headers(req.headers(), &settings.session_cookie_name);
        match self.store(settings) {
            Ok(store) => {
                let handle = Arc::new(SessionHandle::new(store, settings.clone(), sent));
                let cookie_sent = sent.is_some();
                Ok(Attached {
                    handle,
                    cookie_sent,
                })
            }
            Err(message) => {
                let err = Error::new(ErrorKind::Internal, message);
                let page = PageRequest::new(req.method(), req.uri(), req.headers(), None);
                Err(Box::new(error_page(
                    &err,
                    &page,
                    settings,
                    &[],
                    &Default::default(),
                )))
            }
        }
    }
}

impl Attached {
    /// The session's handle.
    pub(crate) fn handle(&self) -> Option<&Arc<SessionHandle>> {
        Some(&self.handle)
    }

    /// Django's `process_response`: saves a changed session (never on a 5xx) and sets its
    /// cookie, deletes the cookie of an emptied one, and adds `Vary: Cookie` when it was used.
    /// The response now, or the future that saves first.
    pub(crate) fn finish(
        self,
        response: &mut Response,
        settings: &Arc<Settings>,
        line: &RequestLine,
    ) -> Option<Saving> {
        // The view is done with the session: its lock is free unless the view left a task
        // holding it.
        let processed = self
            .handle
            .state
            .try_lock()
            .ok()
            .map(|mut state| self.process(&mut state, response, settings));
        if let Some(None) = processed {
            return None;
        }
        // Saving (or waiting for the lock): the response goes into the future.
        let (settings, line) = (settings.clone(), line.clone());
        let mut response = std::mem::take(response);
        Some(Box::pin(async move {
            let save = match processed {
                Some(save) => save,
                None => {
                    let mut state = self.handle.state.lock().await;
                    self.process(&mut state, &mut response, &settings)
                }
            };
            match save {
                Some(save) => self.save(save, response, &settings, &line).await,
                None => response,
            }
        }))
    }

    /// The headers the session's state calls for; what to save, if anything.
    fn process(
        &self,
        state: &mut State,
        response: &mut Response,
        settings: &Settings,
    ) -> Option<Save> {
        let no_key = if state.accessed {
            state.key.is_none()
        } else {
            self.handle.cookie_key.is_none()
        };
        let empty = no_key && state.data.is_empty();
        if self.cookie_sent && empty {
            // Django deletes the cookie of an empty session.
            if let Some(v) = deletion_header(settings) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            patch_vary(response, "Cookie");
            return None;
        }
        if state.accessed {
            patch_vary(response, "Cookie");
        }
        let save = state.modified || (settings.session_save_every_request && state.accessed);
        if !save || empty || response.status().is_server_error() {
            return None;
        }
        let (age, at_browser_close) = self.handle.expiry(state);
        Some(Save {
            key: state.key.clone(),
            data: state.data.clone(),
            age,
            at_browser_close,
        })
    }

    /// Saves the session, then sets its cookie; the 500 page if the store fails.
    async fn save(
        self,
        save: Save,
        mut response: Response,
        settings: &Settings,
        line: &RequestLine,
    ) -> Response {
        let Save {
            key,
            data,
            age,
            at_browser_close,
        } = save;
        let saved = run(&self.handle.store, move |s| {
            s.save(key.as_deref(), &data, age)
        })
        .await;
        match saved {
            Ok(key) => {
                self.handle.state.lock().await.key = Some(key.clone());
                let max_age = (!at_browser_close).then_some(age.as_secs());
                if let Some(v) = cookie_header(settings, &key, max_age) {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
                response
            }
            Err(e) => line.error_page(&e, settings),
        }
    }
}

/// What a changed session saves.
struct Save {
    key: Option<String>,
    data: SessionData,
    age: std::time::Duration,
    at_browser_close: bool,
}

/// The response once the session is saved (or its lock, held by a task the view left, is
/// free).
pub(crate) type Saving = BoxFuture<Response>;
