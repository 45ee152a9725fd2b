//! Sessions (Django's `request.session`): data kept for a visitor between requests, loaded
//! lazily on first use, typed with serde, saved after the view only when it changed and
//! never on a 5xx. The key is always made by the server: an unknown or expired one sent by
//! a client is never adopted.

pub mod store;

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::{Mutex, MutexGuard};

use crate::error::{Error, ErrorKind};
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
}

/// How a request reaches its session.
#[derive(Clone, Default)]
pub(crate) enum SessionSource {
    /// The session middleware is not on.
    #[default]
    Off,
    /// Made by the middleware.
    Made(Arc<SessionHandle>),
    /// Made on first use, in this store.
    Lazy(Arc<dyn SessionStore>),
}

impl std::fmt::Debug for SessionSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SessionSource::Off => "Off",
            SessionSource::Made(_) => "Made",
            SessionSource::Lazy(_) => "Lazy",
        })
    }
}

/// One request's session, shared by the middleware and the view.
pub struct SessionHandle {
    pub(crate) store: Arc<dyn SessionStore>,
    pub(crate) settings: Arc<Settings>,
    /// The key the client sent, if it looks like one.
    pub(crate) cookie_key: Option<String>,
    pub(crate) state: Mutex<State>,
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
            state: Mutex::new(State::default()),
        }
    }

    /// The state, loaded from the store on first use.
    pub(crate) async fn loaded(&self) -> Result<MutexGuard<'_, State>, Error> {
        let mut state = self.state.lock().await;
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
        Ok(state)
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

/// The session of a request: `request.session().get("tasks").await?`.
#[derive(Debug, Clone, Copy)]
pub struct Session<'a> {
    handle: Option<&'a Arc<SessionHandle>>,
}

fn not_installed() -> Error {
    Error::new(
        ErrorKind::Internal,
        "the session middleware is not installed, so request.session() cannot be used",
    )
}

fn value_error(key: &str, e: serde_json::Error) -> Error {
    Error::new(
        ErrorKind::Internal,
        format!("the session value {key:?} does not have the type asked for: {e}"),
    )
}

impl<'a> Session<'a> {
    pub(crate) fn new(handle: Option<&'a Arc<SessionHandle>>) -> Self {
        Session { handle }
    }

    fn handle(&self) -> Result<&'a Arc<SessionHandle>, Error> {
        self.handle.ok_or_else(not_installed)
    }

    /// The value under `key`, if any (Django's `request.session.get(key)`).
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        let state = self.handle()?.loaded().await?;
        state
            .data
            .get(key)
            .map(|v| T::deserialize(v).map_err(|e| value_error(key, e)))
            .transpose()
    }

    /// Sets `key` (Django's `request.session[key] = value`).
    pub async fn insert<T: Serialize>(&self, key: &str, value: T) -> Result<(), Error> {
        let value = serde_json::to_value(value).map_err(|e| value_error(key, e))?;
        let mut state = self.handle()?.loaded().await?;
        state.data.insert(key.to_owned(), value);
        state.modified = true;
        Ok(())
    }

    /// Changes the value under `key` in place, starting from `T::default()` when absent, and
    /// marks the session modified (unlike mutating a Django list in place, this is saved).
    pub async fn update<T, F>(&self, key: &str, f: F) -> Result<(), Error>
    where
        T: DeserializeOwned + Serialize + Default,
        F: FnOnce(&mut T),
    {
        let mut state = self.handle()?.loaded().await?;
        let mut value: T = match state.data.get(key) {
            Some(v) => T::deserialize(v).map_err(|e| value_error(key, e))?,
            None => T::default(),
        };
        f(&mut value);
        let value = serde_json::to_value(value).map_err(|e| value_error(key, e))?;
        state.data.insert(key.to_owned(), value);
        state.modified = true;
        Ok(())
    }

    /// Removes `key`; whether it was there (Django's `pop`).
    pub async fn remove(&self, key: &str) -> Result<bool, Error> {
        let mut state = self.handle()?.loaded().await?;
        let removed = state.data.remove(key).is_some();
        state.modified |= removed;
        Ok(removed)
    }

    /// Whether `key` is set (`key in request.session`).
    pub async fn contains(&self, key: &str) -> Result<bool, Error> {
        Ok(self.handle()?.loaded().await?.data.contains_key(key))
    }

    /// The keys set.
    pub async fn keys(&self) -> Result<Vec<String>, Error> {
        Ok(self
            .handle()?
            .loaded()
            .await?
            .data
            .keys()
            .cloned()
            .collect())
    }

    /// Whether nothing is stored and there is no session (Django's `is_empty`).
    pub async fn is_empty(&self) -> Result<bool, Error> {
        let state = self.handle()?.loaded().await?;
        Ok(state.key.is_none() && state.data.is_empty())
    }

    /// Empties the data, keeping the session (Django's `clear`).
    pub async fn clear(&self) -> Result<(), Error> {
        let mut state = self.handle()?.loaded().await?;
        state.data.clear();
        state.modified = true;
        Ok(())
    }

    /// Deletes the session and its data; the cookie is removed (Django's `flush`, for
    /// logging out).
    pub async fn flush(&self) -> Result<(), Error> {
        let handle = self.handle()?;
        let mut state = handle.loaded().await?;
        state.data.clear();
        if let Some(key) = state.key.take() {
            run(&handle.store, move |s| s.delete(&key)).await?;
        }
        state.modified = true;
        Ok(())
    }

    /// Keeps the data under a new key and deletes the old one (Django's `cycle_key`; call
    /// it when a user logs in, against session fixation).
    pub async fn cycle_key(&self) -> Result<(), Error> {
        let handle = self.handle()?;
        let mut state = handle.loaded().await?;
        if let Some(key) = state.key.take() {
            run(&handle.store, move |s| s.delete(&key)).await?;
        }
        state.modified = true;
        Ok(())
    }

    /// Sets how long the session lives from now on (Django's `set_expiry`).
    pub async fn set_expiry(&self, expiry: Expiry) -> Result<(), Error> {
        let mut state = self.handle()?.loaded().await?;
        match expiry {
            Expiry::Default => {
                state.data.remove(EXPIRY_KEY);
            }
            Expiry::After(d) => {
                if crate::timezone::expires_after(d).is_none() {
                    return Err(Error::new(
                        crate::ErrorKind::Internal,
                        format!(
                            "set_expiry: {} seconds from now is past the year 9999, the latest date a session or cookie can hold.",
                            d.as_secs()
                        ),
                    ));
                }
                state.data.insert(EXPIRY_KEY.into(), d.as_secs().into());
            }
            Expiry::AtBrowserClose => {
                state.data.insert(EXPIRY_KEY.into(), 0.into());
            }
        }
        state.modified = true;
        Ok(())
    }

    /// The session's key, once it exists (after a save).
    pub async fn session_key(&self) -> Result<Option<String>, Error> {
        Ok(self.handle()?.loaded().await?.key.clone())
    }
}
