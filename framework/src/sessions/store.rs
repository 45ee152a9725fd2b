//! Where sessions live: a trait, and Django's three engines — the database (default),
//! signed cookies, and memory (for tests).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::{AnyConnection, Database};
use crate::error::{Error, ErrorKind};
use crate::signing::TimestampSigner;

/// A session's data: JSON values by key, as Django's JSONSerializer keeps them.
pub type SessionData = serde_json::Map<String, serde_json::Value>;

diesel::table! {
    /// Django's `django_session`.
    manouche_session (session_key) {
        session_key -> Varchar,
        session_data -> Text,
        expire_date -> Timestamp,
    }
}

/// The session was deleted while this request used it (Django's `SessionInterrupted`).
pub const SESSION_INTERRUPTED: &str = "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.";

/// Where session data is kept. Keys are chosen by the store, never by the client.
pub trait SessionStore: Send + Sync + 'static {
    /// The data of a live session, or `None` when the key is unknown, expired or its data
    /// has been tampered with (logged). Never creates anything.
    fn load(&self, key: &str) -> Result<Option<SessionData>, Error>;
    /// Saves `data` for `age`; with no key (a new session), makes a new unused one.
    /// Returns the key to put in the cookie.
    fn save(&self, key: Option<&str>, data: &SessionData, age: Duration) -> Result<String, Error>;
    /// Forgets a session.
    fn delete(&self, key: &str) -> Result<(), Error>;
    /// Removes expired sessions (`clearsessions`); returns how many.
    fn clear_expired(&self) -> Result<usize, Error>;
    /// Whether calls block on I/O (and so run on a blocking thread).
    fn blocking(&self) -> bool {
        false
    }
    /// Loads now, on the calling thread, when that cannot wait on I/O for long; `None`
    /// means "call [`load`](Self::load) on a blocking thread".
    fn load_now(&self, key: &str) -> Option<Result<Option<SessionData>, Error>> {
        (!self.blocking()).then(|| self.load(key))
    }
}

/// A new session key: 32 characters of `[a-z0-9]`, from ring's random generator.
pub fn new_session_key() -> String {
    crate::csrf::random_string(32, b"abcdefghijklmnopqrstuvwxyz0123456789")
}

/// Django's rule: a key shorter than 8 characters is no key.
pub fn valid_key(key: &str) -> bool {
    key.len() >= 8 && key.len() <= 4096
}

const SALT: &str = "manouche.sessions.SessionStore";

/// The signer of session rows: SECRET_KEY (and its fallbacks, for reading) with the
/// sessions' salt.
pub fn row_signer(secret: &str, fallbacks: &[String]) -> TimestampSigner {
    TimestampSigner::new(secret, fallbacks, SALT)
}

/// Encodes data as Django does: signed JSON (so a tampered row is detected).
pub fn encode(data: &SessionData, signer: &TimestampSigner) -> Result<String, Error> {
    Ok(signer.dumps(data)?)
}

/// Decodes data; tampering or garbage gives `None` and a security log line.
pub fn decode(text: &str, signer: &TimestampSigner) -> Option<SessionData> {
    match signer.loads(text, None) {
        Ok(data) => Some(data),
        Err(e) => {
            tracing::warn!(
                target: crate::log::targets::SECURITY,
                "Session data corrupted ({e}) [manouche.security.SuspiciousSession]"
            );
            None
        }
    }
}

/// When a session saved now for `age` expires; an age past the year 9999 (a view's
/// `set_expiry` of billions of seconds) is a 500 that says so, not a panic.
fn expires_after(age: Duration) -> Result<SystemTime, Error> {
    crate::timezone::expires_after(age).ok_or_else(|| {
        Error::new(
            ErrorKind::Internal,
            format!(
                "The session's expiry ({} seconds from now) is past the year 9999.",
                age.as_secs()
            ),
        )
    })
}

fn naive(t: SystemTime) -> NaiveDateTime {
    DateTime::<Utc>::from(t).naive_utc()
}

/// Sessions in the database's `manouche_session` table (Django's default engine).
#[derive(Debug, Clone)]
pub struct DatabaseStore {
    db: Database,
    signer: TimestampSigner,
}

impl DatabaseStore {
    /// A store in `db`, signing with SECRET_KEY (and reading with its fallbacks).
    pub fn new(db: Database, secret: &str, fallbacks: &[String]) -> Self {
        DatabaseStore {
            db,
            signer: row_signer(secret, fallbacks),
        }
    }
}

fn db_error(e: diesel::result::Error) -> Error {
    let hint = match &e {
        diesel::result::Error::DatabaseError(_, info)
            if info.message().contains("manouche_session")
                || info.message().contains("no such table") =>
        {
            " — run the `migrate` command to create the session table"
        }
        _ => "",
    };
    Error::new(ErrorKind::Internal, format!("session store: {e}{hint}"))
}

impl DatabaseStore {
    fn load_with(&self, conn: &mut AnyConnection, key: &str) -> Result<Option<SessionData>, Error> {
        // By key alone, the expiry checked here, and without `.first()`: SQLite (built with
        // STAT4) takes a bound LIMIT or a bound time in the WHERE clause as part of the query
        // plan, so each new binding made it prepare the cached statement again — a third of
        // a session page's instructions. A key names one row at most.
        let query = manouche_session::table.find(key).select((
            manouche_session::session_data,
            manouche_session::expire_date,
        ));
        // On the concrete connection, whose statement cache keeps the prepared query (through
        // the multi-backend enum it is parsed again on every call).
        let rows: Vec<(String, NaiveDateTime)> = match conn {
            AnyConnection::Sqlite(c) => query.load(c),
            AnyConnection::Pg(c) => query.load(c),
        }
        .map_err(db_error)?;
        let row = rows.into_iter().next();
        let now = naive(SystemTime::now());
        Ok(row
            .filter(|(_, expires)| *expires > now)
            .and_then(|(text, _)| decode(&text, &self.signer)))
    }
}

impl SessionStore for DatabaseStore {
    fn load(&self, key: &str) -> Result<Option<SessionData>, Error> {
        self.load_with(&mut *self.db.connection()?, key)
    }

    /// A SQLite read by primary key takes microseconds (WAL: readers never wait for the
    /// writer), less than the hop to a blocking thread; it runs here when a connection is
    /// idle. PostgreSQL and writes go to the blocking pool.
    fn load_now(&self, key: &str) -> Option<Result<Option<SessionData>, Error>> {
        let mut conn = self.db.sqlite_now()?;
        Some(self.load_with(&mut conn, key))
    }

    fn save(&self, key: Option<&str>, data: &SessionData, age: Duration) -> Result<String, Error> {
        let text = encode(data, &self.signer)?;
        let expire = naive(expires_after(age)?);
        let mut conn = self.db.connection()?;
        if let Some(key) = key {
            let updated = diesel::update(manouche_session::table.find(key))
                .set((
                    manouche_session::session_data.eq(&text),
                    manouche_session::expire_date.eq(expire),
                ))
                .execute(&mut *conn)
                .map_err(db_error)?;
            if updated == 0 {
                return Err(Error::new(ErrorKind::BadRequest, SESSION_INTERRUPTED));
            }
            return Ok(key.to_owned());
        }
        // A new key, made again on the (unlikely) clash with an existing one.
        for _ in 0..10 {
            let key = new_session_key();
            let inserted = diesel::insert_into(manouche_session::table)
                .values((
                    manouche_session::session_key.eq(&key),
                    manouche_session::session_data.eq(&text),
                    manouche_session::expire_date.eq(expire),
                ))
                .execute(&mut *conn);
            match inserted {
                Ok(_) => return Ok(key),
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => continue,
                Err(e) => return Err(db_error(e)),
            }
        }
        Err(Error::new(
            ErrorKind::Internal,
            "could not make an unused session key",
        ))
    }

    fn delete(&self, key: &str) -> Result<(), Error> {
        let mut conn = self.db.connection()?;
        diesel::delete(manouche_session::table.find(key))
            .execute(&mut *conn)
            .map_err(db_error)?;
        Ok(())
    }

    fn clear_expired(&self) -> Result<usize, Error> {
        let mut conn = self.db.connection()?;
        diesel::delete(
            manouche_session::table
                .filter(manouche_session::expire_date.lt(naive(SystemTime::now()))),
        )
        .execute(&mut *conn)
        .map_err(db_error)
    }

    fn blocking(&self) -> bool {
        true
    }
}

/// Sessions kept in the process (tests; one process only).
#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: Mutex<HashMap<String, (SessionData, SystemTime)>>,
}

impl SessionStore for MemoryStore {
    fn load(&self, key: &str) -> Result<Option<SessionData>, Error> {
        let sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        Ok(sessions
            .get(key)
            .filter(|(_, expire)| *expire > SystemTime::now())
            .map(|(data, _)| data.clone()))
    }

    fn save(&self, key: Option<&str>, data: &SessionData, age: Duration) -> Result<String, Error> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let key = match key {
            Some(k) if sessions.contains_key(k) => k.to_owned(),
            Some(_) => return Err(Error::new(ErrorKind::BadRequest, SESSION_INTERRUPTED)),
            None => loop {
                let k = new_session_key();
                if !sessions.contains_key(&k) {
                    break k;
                }
            },
        };
        let expire = expires_after(age)?;
        sessions.insert(key.clone(), (data.clone(), expire));
        Ok(key)
    }

    fn delete(&self, key: &str) -> Result<(), Error> {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
        Ok(())
    }

    fn clear_expired(&self) -> Result<usize, Error> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let before = sessions.len();
        let now = SystemTime::now();
        sessions.retain(|_, (_, expire)| *expire > now);
        Ok(before - sessions.len())
    }
}

/// Sessions kept in the cookie itself, signed (Django's `signed_cookies` engine): nothing
/// on the server, so the data is readable by the client (not secret) and limited in size.
#[derive(Debug, Clone)]
pub struct SignedCookieStore {
    signer: TimestampSigner,
    max_age: Duration,
}

impl SignedCookieStore {
    /// A store signing with SECRET_KEY; cookies older than `max_age` are refused.
    pub fn new(secret: &str, fallbacks: &[String], max_age: Duration) -> Self {
        SignedCookieStore {
            signer: TimestampSigner::new(secret, fallbacks, COOKIE_SALT),
            max_age,
        }
    }
}

const COOKIE_SALT: &str = "manouche.sessions.signed_cookies";

impl SessionStore for SignedCookieStore {
    fn load(&self, key: &str) -> Result<Option<SessionData>, Error> {
        Ok(self.signer.loads(key, Some(self.max_age)).ok())
    }

    fn save(
        &self,
        _key: Option<&str>,
        data: &SessionData,
        _age: Duration,
    ) -> Result<String, Error> {
        Ok(self.signer.dumps(data)?)
    }

    fn delete(&self, _key: &str) -> Result<(), Error> {
        Ok(())
    }

    fn clear_expired(&self) -> Result<usize, Error> {
        Ok(0)
    }
}
