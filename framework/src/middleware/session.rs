//! Django's SessionMiddleware: gives the request its session (made when the view first opens
//! it), and after the view saves it when it changed (never on a 5xx), sets or deletes the
//! `sessionid` cookie, and adds `Vary: Cookie` when the session was used.

use std::sync::{Arc, OnceLock};

use http::{HeaderValue, header};

use super::Middleware;
use crate::db::Database;
use crate::error::{Error, ErrorKind};
use crate::http::{IntoResponse, Request, Response, SetCookie, patch_vary};
use crate::sessions::{
    DatabaseStore, MemoryStore, SessionData, SessionHandle, SessionSlot, SessionStore,
    SignedCookieStore, State, run, store::valid_key,
};
use crate::settings::Settings;

/// Sessions. The store is made from the settings on first use (SESSION_ENGINE), unless one
/// is given.
#[derive(Default)]
pub struct SessionMiddleware {
    store: OnceLock<Result<Arc<dyn SessionStore>, String>>,
}

impl std::fmt::Debug for SessionMiddleware {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionMiddleware").finish_non_exhaustive()
    }
}

impl SessionMiddleware {
    /// Sessions in the store SESSION_ENGINE names.
    pub fn new() -> Self {
        SessionMiddleware::default()
    }

    /// Sessions in `store`.
    pub fn with_store(store: Arc<dyn SessionStore>) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(Ok(store));
        SessionMiddleware { store: cell }
    }

    fn store(&self, settings: &Settings) -> Result<Arc<dyn SessionStore>, String> {
        self.store
            .get_or_init(|| store_for(settings).map_err(|e| e.to_string()))
            .clone()
    }
}

impl Middleware for SessionMiddleware {
    async fn process_request(&self, request: &mut Request) -> Option<Response> {
        match self.store(request.settings()) {
            Ok(store) => {
                let cookie = request.cookie(&request.settings().session_cookie_name);
                let slot = SessionSlot::new(store, cookie);
                request.attach(slot);
                None
            }
            Err(message) => Some(Error::new(ErrorKind::Internal, message).into_response()),
        }
    }

    async fn process_response(&self, request: &mut Request, response: &mut Response) {
        let Some(slot) = request.attached::<SessionSlot>() else {
            return;
        };
        let settings = request.settings();
        let sent = slot.cookie();
        let save_every = sent.filter(|key| settings.session_save_every_request && valid_key(key));
        let handle = match (slot.opened(), save_every) {
            (Some(handle), _) => handle.clone(),
            // Never opened, but saved all the same (SESSION_SAVE_EVERY_REQUEST).
            (None, Some(key)) => Arc::new(SessionHandle::new(
                slot.store().clone(),
                request.shared_settings(),
                Some(key),
            )),
            (None, None) => {
                // Never used: only a cookie that cannot name a session is answered, deleted.
                if sent.is_some_and(|key| !valid_key(key)) {
                    delete_cookie(response, settings);
                }
                return;
            }
        };
        // Boxed: most requests never open their session, and do not carry this future.
        let (cookie_sent, load_first) = (sent.is_some(), save_every.is_some());
        if let Err(e) = Box::pin(finish(&handle, cookie_sent, load_first, response, settings)).await
        {
            *response = e.into_response();
        }
    }
}

/// Django's `process_response` for a session that was opened (or is saved on every
/// request): its headers, and what to delete and save.
async fn finish(
    handle: &SessionHandle,
    cookie_sent: bool,
    load_first: bool,
    response: &mut Response,
    settings: &Settings,
) -> Result<(), Error> {
    // A session saved on every request may have to be loaded first.
    let save = {
        let mut state = if load_first {
            handle.loaded().await?
        } else {
            handle.state.lock().await
        };
        process(handle, cookie_sent, &mut state, response, settings)
    };
    match save {
        Some(save) => save_session(handle, save, response, settings).await,
        None => Ok(()),
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

/// Deletes the sessions the view ended, saves the session when it changed, then sets its
/// cookie.
async fn save_session(
    handle: &SessionHandle,
    save: Save,
    response: &mut Response,
    settings: &Settings,
) -> Result<(), Error> {
    for key in save.ended {
        run(&handle.store, move |s| s.delete(&key)).await?;
    }
    let Some(Write {
        key,
        data,
        age,
        at_browser_close,
    }) = save.write
    else {
        return Ok(());
    };
    let key = run(&handle.store, move |s| s.save(key.as_deref(), &data, age)).await?;
    handle.state.lock().await.key = Some(key.clone());
    let max_age = (!at_browser_close).then_some(age.as_secs());
    if let Some(v) = cookie_header(settings, &key, max_age) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(())
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
