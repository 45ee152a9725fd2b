//! Sessions (Django's `request.session`): data kept for a visitor between requests, loaded
//! when a view first asks for it (`let mut session = request.session().await?;`), then read
//! and changed with plain calls, typed with serde, and saved by the middleware after the
//! view only when it changed and never on a 5xx. The key is always made by the server: an
//! unknown or expired one sent by a client is never adopted.

pub mod store;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::{Mutex, MutexGuard, OwnedMutexGuard};

use crate::error::{Error, ErrorKind};
use crate::http::Request;
use crate::settings::Settings;
pub use store::{DatabaseStore, MemoryStore, SessionData, SessionStore, SignedCookieStore};

/// Where Django keeps a custom expiry in the session.
const EXPIRY_KEY: &str = "_session_expiry";

/// How long a session lives (Django's `set_expiry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// SESSION_COOKIE_AGE (the default).
    Default,
    /// This many seconds from the last save.
    After(Duration),
    /// Until the browser closes.
    AtBrowserClose,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    loaded: bool,
    pub(crate) key: Option<String>,
    pub(crate) data: SessionData,
    pub(crate) accessed: bool,
    pub(crate) modified: bool,
    /// Keys of sessions `flush` or `cycle_key` ended, deleted from the store after the view.
    pub(crate) ended: Vec<String>,
}

/// What the session middleware attaches to a request: the store, and the session once the
/// view opens it.
pub(crate) struct SessionSlot {
    store: Arc<dyn SessionStore>,
    /// The session cookie's value, read once.
    cookie: Option<String>,
    handle: OnceLock<Arc<SessionHandle>>,
}

impl SessionSlot {
    pub(crate) fn new(store: Arc<dyn SessionStore>, cookie: Option<&str>) -> Self {
        SessionSlot {
            store,
            cookie: cookie.map(str::to_owned),
            handle: OnceLock::new(),
        }
    }

    /// The session cookie the client sent.
    pub(crate) fn cookie(&self) -> Option<&str> {
        self.cookie.as_deref()
    }

    pub(crate) fn store(&self) -> &Arc<dyn SessionStore> {
        &self.store
    }

    /// The session, if something opened it.
    pub(crate) fn opened(&self) -> Option<&Arc<SessionHandle>> {
        self.handle.get()
    }
}

/// The request's session handle, made now from its cookie if nothing made it before; `None`
/// without the session middleware.
pub(crate) fn handle_of(request: &Request) -> Option<&Arc<SessionHandle>> {
    let slot = request.attached::<SessionSlot>()?;
    Some(slot.handle.get_or_init(|| {
        Arc::new(SessionHandle::new(
            slot.store.clone(),
            request.shared_settings(),
            slot.cookie(),
        ))
    }))
}

impl Request {
    /// The visitor's session, loaded (Django's `request.session`), to read and change with
    /// plain calls: `let mut session = request.session().await?;`. The middleware saves it
    /// after the view when it changed. Open it once per view.
    pub async fn session(&self) -> Result<Session, Error> {
        handle_of(self).ok_or_else(not_installed)?.open().await
    }
}

/// One request's session, shared by the middleware and the view.
pub struct SessionHandle {
    pub(crate) store: Arc<dyn SessionStore>,
    pub(crate) settings: Arc<Settings>,
    /// The key the client sent, if it looks like one.
    pub(crate) cookie_key: Option<String>,
    pub(crate) state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionHandle").finish_non_exhaustive()
    }
}

/// Runs a store call, on a blocking thread when the store does I/O.
pub(crate) async fn run<T: Send + 'static>(
    store: &Arc<dyn SessionStore>,
    f: impl FnOnce(&dyn SessionStore) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    if !store.blocking() {
        return f(store.as_ref());
    }
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|e| Error::new(ErrorKind::Internal, format!("a session task failed: {e}")))?
}

impl SessionHandle {
    pub(crate) fn new(
        store: Arc<dyn SessionStore>,
        settings: Arc<Settings>,
        cookie: Option<&str>,
    ) -> Self {
        SessionHandle {
            store,
            settings,
            cookie_key: cookie.filter(|k| store::valid_key(k)).map(str::to_owned),
            state: Arc::default(),
        }
    }

    /// The state, loaded from the store on first use (for the middleware, which waits for
    /// a view that left the session open in a task of its own).
    pub(crate) async fn loaded(&self) -> Result<MutexGuard<'_, State>, Error> {
        let mut state = self.state.lock().await;
        self.load(&mut state).await?;
        Ok(state)
    }

    /// Opens the session for a view: loaded, and held until the view drops it.
    pub(crate) async fn open(self: &Arc<Self>) -> Result<Session, Error> {
        let mut state = self
            .state
            .clone()
            .try_lock_owned()
            .map_err(|_| already_open())?;
        self.load(&mut state).await?;
        Ok(Session {
            handle: self.clone(),
            state,
        })
    }

    async fn load(&self, state: &mut State) -> Result<(), Error> {
        state.accessed = true;
        if !state.loaded {
            state.loaded = true;
            if let Some(key) = self.cookie_key.clone() {
                let found = match self.store.load_now(&key) {
                    Some(found) => found?,
                    None => run(&self.store, move |s| s.load(&key)).await?,
                };
                if let Some(data) = found {
                    state.key = self.cookie_key.clone();
                    state.data = data;
                }
            }
        }
        Ok(())
    }

    /// Seconds the session lives, and whether it ends with the browser.
    pub(crate) fn expiry(&self, state: &State) -> (Duration, bool) {
        let default = Duration::from_secs(self.settings.session_cookie_age);
        match state.data.get(EXPIRY_KEY).and_then(|v| v.as_u64()) {
            Some(0) => (default, true),
            Some(n) => (Duration::from_secs(n), false),
            None => (default, self.settings.session_expire_at_browser_close),
        }
    }
}

/// The visitor's session, loaded (Django's `request.session`):
///
/// ```ignore
/// let mut session = request.session().await?;
/// let tasks: Vec<String> = session.get("tasks")?.unwrap_or_default();
/// session.insert("tasks", tasks)?;
/// ```
///
/// Its methods read and change the loaded data directly: there is nothing to await or to
/// forget, and the session middleware saves what changed after the view. A view opens it
/// once; it stays the view's until dropped.
pub struct Session {
    handle: Arc<SessionHandle>,
    state: OwnedMutexGuard<State>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("key", &self.state.key)
            .field("data", &self.state.data)
            .field("modified", &self.state.modified)
            .finish()
    }
}

/// `request.session()` without the session middleware.
fn not_installed() -> Error {
    Error::new(
        ErrorKind::Internal,
        "the session middleware is not installed, so request.session() cannot be used",
    )
}

fn already_open() -> Error {
    Error::new(
        ErrorKind::Internal,
        "request.session() was called while this request's session is still open: open it once per view (`let mut session = request.session().await?;`) and use that, or drop it before opening it again",
    )
}

fn value_error(key: &str, e: serde_json::Error) -> Error {
    Error::new(
        ErrorKind::Internal,
        format!("the session value {key:?} does not have the type asked for: {e}"),
    )
}

impl Session {
    /// The value under `key`, if any (Django's `request.session.get(key)`); an error when
    /// the stored value is not a `T`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        self.state
            .data
            .get(key)
            .map(|v| T::deserialize(v).map_err(|e| value_error(key, e)))
            .transpose()
    }

    /// Sets `key` (Django's `request.session[key] = value`).
    pub fn insert<T: Serialize>(&mut self, key: &str, value: T) -> Result<(), Error> {
        let value = serde_json::to_value(value).map_err(|e| value_error(key, e))?;
        self.state.data.insert(key.to_owned(), value);
        self.state.modified = true;
        Ok(())
    }

    /// Changes the value under `key` in place, starting from `T::default()` when absent, and
    /// marks the session modified (unlike mutating a Django list in place, this is saved).
    pub fn update<T, F>(&mut self, key: &str, f: F) -> Result<(), Error>
    where
        T: DeserializeOwned + Serialize + Default,
        F: FnOnce(&mut T),
    {
        let mut value: T = self.get(key)?.unwrap_or_default();
        f(&mut value);
        self.insert(key, value)
    }

    /// Removes `key`; whether it was there (Django's `pop`).
    pub fn remove(&mut self, key: &str) -> bool {
        let removed = self.state.data.remove(key).is_some();
        self.state.modified |= removed;
        removed
    }

    /// Whether `key` is set (`key in request.session`).
    pub fn contains(&self, key: &str) -> bool {
        self.state.data.contains_key(key)
    }

    /// The keys set.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.state.data.keys().map(String::as_str)
    }

    /// Whether nothing is stored and there is no session (Django's `is_empty`).
    pub fn is_empty(&self) -> bool {
        self.state.key.is_none() && self.state.data.is_empty()
    }

    /// Empties the data, keeping the session (Django's `clear`).
    pub fn clear(&mut self) {
        self.state.data.clear();
        self.state.modified = true;
    }

    /// Ends the session: its data is emptied, it is deleted from the store after the view
    /// and its cookie removed (Django's `flush`, for logging out).
    pub fn flush(&mut self) {
        self.state.data.clear();
        self.cycle_key();
    }

    /// Keeps the data under a new key; the old one is deleted from the store after the view
    /// (Django's `cycle_key`; call it when a user logs in, against session fixation).
    pub fn cycle_key(&mut self) {
        if let Some(key) = self.state.key.take() {
            self.state.ended.push(key);
        }
        self.state.modified = true;
    }

    /// Sets how long the session lives from now on (Django's `set_expiry`); an error past the
    /// year 9999, which no cookie can name.
    pub fn set_expiry(&mut self, expiry: Expiry) -> Result<(), Error> {
        let value = match expiry {
            Expiry::Default => {
                self.state.data.remove(EXPIRY_KEY);
                self.state.modified = true;
                return Ok(());
            }
            Expiry::After(d) => {
                if crate::timezone::expires_after(d).is_none() {
                    return Err(Error::new(
                        ErrorKind::Internal,
                        format!(
                            "set_expiry: {} seconds from now is past the year 9999, the latest date a session or cookie can hold.",
                            d.as_secs()
                        ),
                    ));
                }
                d.as_secs()
            }
            Expiry::AtBrowserClose => 0,
        };
        self.state.data.insert(EXPIRY_KEY.into(), value.into());
        self.state.modified = true;
        Ok(())
    }

    /// How long the session lives (Django's `get_expiry_age`), and whether it ends when the
    /// browser closes.
    pub fn expiry(&self) -> (Duration, bool) {
        self.handle.expiry(&self.state)
    }

    /// The session's key, once it exists (after a save).
    pub fn session_key(&self) -> Option<&str> {
        self.state.key.as_deref()
    }
}
