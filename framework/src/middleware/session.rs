//! Django's SessionMiddleware: attaches the session to the request, and after the view saves
//! it when it changed (never on a 5xx), sets or deletes the `sessionid` cookie, and adds
//! `Vary: Cookie` when the session was used.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use http::{HeaderValue, header};
use tower_layer::Layer;

use super::csrf::patch_vary;
use super::{Middleware, OwnedLine, RequestLine, Wrapped};
use crate::db::Database;
use crate::error::{Error, ErrorKind};
use crate::handler::{BoxFuture, error_page, settings_of};
use crate::http::{Body, Response, SetCookie, cookie_from_headers};
use crate::sessions::{
    DatabaseStore, MemoryStore, SessionData, SessionHandle, SessionSource, SessionStore,
    SignedCookieStore, State, run, store::valid_key,
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

/// Django's `delete_cookie` of the session cookie.
fn deletion_header(settings: &Settings) -> Option<HeaderValue> {
    SetCookie::deletion(
        &settings.session_cookie_name,
        &settings.session_cookie_path,
        settings.session_cookie_domain.as_deref(),
        &settings.session_cookie_samesite,
    )
    .to_header_value()
    .ok()
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
        let line = OwnedLine::of(&req, &settings);
        // The rest of the stack is called now: this future keeps only its pointer.
        let sent = cookie_from_headers(req.headers(), &settings.session_cookie_name);
        let ready = self.attach(&req, &settings, true, sent).map(|attached| {
            if let Some(handle) = attached.handle() {
                req.extensions_mut().insert(handle.clone());
            }
            (attached, next(req))
        });
        async move {
            match ready {
                Ok((attached, fut)) => {
                    let mut response = fut.await;
                    if let Some(saving) =
                        attached.finish(&mut response, &settings, None, Some(line.line()))
                    {
                        response = saving.await;
                    }
                    response
                }
                Err(response) => *response,
            }
        }
    }
}

/// The session middleware's hold on one request: what the client's cookie said, and the
/// session itself when it was made before the view (otherwise the view makes it on first
/// use, and a request that never touches it costs nothing more).
pub(crate) struct Attached {
    handle: Option<Arc<SessionHandle>>,
    store: Arc<dyn SessionStore>,
    cookie_sent: bool,
    /// The cookie holds something that could be a session key.
    cookie_key: bool,
    /// With SESSION_SAVE_EVERY_REQUEST, that key: the session is then saved even when the
    /// view never touched it, as Django saves every session that has a key.
    save_every: Option<String>,
}

impl SessionLayer {
    /// The request's session: made now when `now` (for the project's own layers, or for
    /// CSRF_USE_SESSIONS), else on first use. The 500 page when SESSION_ENGINE cannot be used.
    pub(crate) fn attach(
        &self,
        req: &http::Request<Body>,
        settings: &Arc<Settings>,
        now: bool,
        sent: Option<&str>,
    ) -> Result<Attached, Box<Response>> {
        match self.store(settings) {
            Ok(store) => Ok(Attached {
                handle: now
                    .then(|| Arc::new(SessionHandle::new(store.clone(), settings.clone(), sent))),
                store,
                cookie_sent: sent.is_some(),
                cookie_key: sent.is_some_and(valid_key),
                save_every: sent
                    .filter(|key| settings.session_save_every_request && valid_key(key))
                    .map(str::to_owned),
            }),
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
    /// The session, when it was made before the view.
    pub(crate) fn handle(&self) -> Option<&Arc<SessionHandle>> {
        self.handle.as_ref()
    }

    /// How the view reaches the session.
    pub(crate) fn source(&self) -> SessionSource {
        match &self.handle {
            Some(handle) => SessionSource::Made(handle.clone()),
            None => SessionSource::Lazy(self.store.clone()),
        }
    }

    /// Django's `process_response`: saves a changed session (never on a 5xx) and sets its
    /// cookie, deletes the cookie of an emptied one (or of one that names no session), and
    /// adds `Vary: Cookie` when it was used. `made` is the session the view made, if it did.
    /// `None` when the response is ready, or the future that saves first.
    pub(crate) fn finish(
        &self,
        response: &mut Response,
        settings: &Arc<Settings>,
        made: Option<&Arc<SessionHandle>>,
        line: Option<RequestLine<'_>>,
    ) -> Option<Saving> {
        let unused;
        let handle = match (self.handle.as_ref().or(made), &self.save_every) {
            (Some(handle), _) => handle,
            // Never used, but saved all the same (SESSION_SAVE_EVERY_REQUEST).
            (None, Some(key)) => {
                unused = Arc::new(SessionHandle::new(
                    self.store.clone(),
                    settings.clone(),
                    Some(key),
                ));
                &unused
            }
            (None, None) => {
                // Never used: only a cookie that cannot name a session is answered, deleted.
                if self.cookie_sent && !self.cookie_key {
                    delete_cookie(response, settings);
                }
                return None;
            }
        };
        let load_first = self.save_every.is_some();
        // The view is done with the session: its lock is free unless the view left a task
        // holding it. A session saved on every request may have to be loaded first.
        let processed =
            if load_first {
                None
            } else {
                handle.state.try_lock().ok().map(|mut state| {
                    process(handle, self.cookie_sent, &mut state, response, settings)
                })
            };
        if let Some(None) = processed {
            return None;
        }
        // Saving (or waiting for the lock): the response goes into the future.
        let (handle, cookie_sent) = (handle.clone(), self.cookie_sent);
        let (settings, line) = (settings.clone(), line.map(RequestLine::kept));
        let mut response = std::mem::take(response);
        Some(Box::pin(async move {
            let save = match processed {
                Some(save) => save,
                None => {
                    let state = if load_first {
                        handle.loaded().await
                    } else {
                        Ok(handle.state.lock().await)
                    };
                    match state {
                        Ok(mut state) => {
                            process(&handle, cookie_sent, &mut state, &mut response, &settings)
                        }
                        Err(e) => return line.unwrap_or_default().line().error_page(&e, &settings),
                    }
                }
            };
            match save {
                Some(save) => save_session(&handle, save, response, &settings, line).await,
                None => response,
            }
        }))
    }
}

/// Django's `delete_cookie` for the session cookie, with `Vary: Cookie`.
fn delete_cookie(response: &mut Response, settings: &Settings) {
    if let Some(v) = deletion_header(settings) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    patch_vary(response, "Cookie");
}

/// The headers the session's state calls for; what to delete and save, if anything.
fn process(
    handle: &SessionHandle,
    cookie_sent: bool,
    state: &mut State,
    response: &mut Response,
    settings: &Settings,
) -> Option<Save> {
    let no_key = if state.accessed {
        state.key.is_none()
    } else {
        handle.cookie_key.is_none()
    };
    let empty = no_key && state.data.is_empty();
    // Sessions the view ended are deleted whatever the answer, as Django's flush deletes at
    // once.
    let ended = std::mem::take(&mut state.ended);
    let only_deleting =
        |ended: Vec<String>| (!ended.is_empty()).then_some(Save { ended, write: None });
    if cookie_sent && empty {
        // Django deletes the cookie of an empty session.
        delete_cookie(response, settings);
        return only_deleting(ended);
    }
    if state.accessed {
        patch_vary(response, "Cookie");
    }
    let save = state.modified || (settings.session_save_every_request && state.accessed);
    if !save || empty || response.status().is_server_error() {
        return only_deleting(ended);
    }
    let (age, at_browser_close) = handle.expiry(state);
    Some(Save {
        ended,
        write: Some(Write {
            key: state.key.clone(),
            data: state.data.clone(),
            age,
            at_browser_close,
        }),
    })
}

/// Saves the session, then sets its cookie; the 500 page if the store fails.
async fn save_session(
    handle: &SessionHandle,
    save: Save,
    mut response: Response,
    settings: &Settings,
    line: Option<OwnedLine>,
) -> Response {
    for key in save.ended {
        if let Err(e) = run(&handle.store, move |s| s.delete(&key)).await {
            return line.unwrap_or_default().line().error_page(&e, settings);
        }
    }
    let Some(Write {
        key,
        data,
        age,
        at_browser_close,
    }) = save.write
    else {
        return response;
    };
    let saved = run(&handle.store, move |s| s.save(key.as_deref(), &data, age)).await;
    match saved {
        Ok(key) => {
            handle.state.lock().await.key = Some(key.clone());
            let max_age = (!at_browser_close).then_some(age.as_secs());
            if let Some(v) = cookie_header(settings, &key, max_age) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            response
        }
        Err(e) => line.unwrap_or_default().line().error_page(&e, settings),
    }
}

/// What the session middleware does to the store after the view.
struct Save {
    /// Keys of sessions the view ended (flush, cycle_key), to delete.
    ended: Vec<String>,
    /// The session, when it changed.
    write: Option<Write>,
}

/// A changed session to write.
struct Write {
    key: Option<String>,
    data: SessionData,
    age: std::time::Duration,
    at_browser_close: bool,
}

/// The response once the session is saved (or its lock, held by a task the view left, is
/// free).
pub(crate) type Saving = BoxFuture<Response>;
