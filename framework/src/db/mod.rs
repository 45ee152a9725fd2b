//! The database: diesel over bundled SQLite (the default, `db.sqlite3` in the project
//! folder) or PostgreSQL (`DATABASE_URL=postgres://…`), behind one connection pool. Queries
//! run on tokio's blocking threads, never on the async workers.

pub mod autodetector;
pub mod migrations;
pub mod models;
pub mod schema_editor;

pub use models::{AppConfig, Model};

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;

use crate::error::{Error, ErrorKind};
use crate::settings::Settings;

/// A connection to whichever database DATABASE_URL names.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    /// PostgreSQL.
    Pg(PgConnection),
    /// SQLite.
    Sqlite(SqliteConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (bundled; a file in the project folder).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// SQLite settings for concurrent use: write-ahead log (readers do not block the writer,
/// and a killed process loses no committed write), and waiting for the lock instead of
/// failing.
#[derive(Debug, Clone, Copy)]
struct SqlitePragmas;

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut AnyConnection) -> Result<(), diesel::r2d2::Error> {
        if let AnyConnection::Sqlite(c) = conn {
            c.batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// A pool of connections to the project's database.
#[derive(Clone)]
pub struct Database {
    pool: Pool<ConnectionManager<AnyConnection>>,
    backend: Backend,
    shown: String,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("url", &self.shown)
            .finish()
    }
}

/// `postgres://user:secret@host/db` with the password hidden, for messages.
fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:********{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Which database `url` names and what to connect to: the SQLite file's path (relative
/// ones start at `base_dir`) or the PostgreSQL URL.
pub fn target_of(url: &str, base_dir: &Path) -> Result<(Backend, String), Error> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = Path::new(path);
        let full = if path.is_absolute() {
            path.to_path_buf()
        } else {
            base_dir.join(path)
        };
        Ok((Backend::Sqlite, full.to_string_lossy().into_owned()))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((Backend::Postgres, url.to_string()))
    } else {
        Err(Error::new(
            ErrorKind::Internal,
            format!(
                "DATABASE_URL {:?} is not supported: use sqlite://db.sqlite3 or postgres://user@host/db",
                without_password(url)
            ),
        ))
    }
}

/// The pools made by [`shared`], one per database.
static SHARED: std::sync::Mutex<Vec<(String, Database)>> = std::sync::Mutex::new(Vec::new());

/// The process's pool for the database the settings name: made on first use, then shared
/// by every request (views, users), as Django keeps one connection handler.
pub fn shared(settings: &Settings) -> Result<Database, Error> {
    let key = format!(
        "{}\n{}",
        settings.database_url,
        settings.base_dir().display()
    );
    let mut pools = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, db)) = pools.iter().find(|(k, _)| *k == key) {
        return Ok(db.clone());
    }
    let db = Database::from_settings(settings)?;
    pools.push((key, db.clone()));
    Ok(db)
}

/// Lets go of the shared pool of a database that is about to be dropped (a test
/// database), so that no idle connection keeps it open.
pub fn forget(settings: &Settings) {
    let key = format!(
        "{}\n{}",
        settings.database_url,
        settings.base_dir().display()
    );
    let mut pools = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    pools.retain(|(k, _)| *k != key);
}

impl Database {
    /// The database the settings name: DATABASE_URL, a relative SQLite path being taken from
    /// the project folder. Connections are made when first used.
    pub fn from_settings(settings: &Settings) -> Result<Self, Error> {
        Self::open(&settings.database_url, settings.base_dir())
    }

    /// The database at `url` (`sqlite://db.sqlite3`, `sqlite:///abs/path.db`,
    /// `postgres://user@host/db`); relative SQLite paths start at `base_dir`.
    pub fn open(url: &str, base_dir: &Path) -> Result<Self, Error> {
        let (backend, target) = target_of(url, base_dir)?;
        let size = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = Pool::builder()
            .max_size(size)
            // A SQLite file cannot go stale as a server connection can: no ping per checkout.
            .test_on_check_out(backend == Backend::Postgres)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(10))
            .connection_customizer(Box::new(SqlitePragmas))
            .build_unchecked(ConnectionManager::new(target));
        Ok(Database {
            pool,
            backend,
            shown: without_password(url),
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL, with any password hidden.
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// A connection, for blocking code (commands).
    pub fn connection(&self) -> Result<PooledConnection<ConnectionManager<AnyConnection>>, Error> {
        self.pool.get().map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot connect to the database {}: {e}", self.shown),
            )
        })
    }

    /// An idle SQLite connection, when one is ready now: for the short reads that cost less
    /// than a hop to a blocking thread. `None` for PostgreSQL (every query is a network
    /// round trip) or when every connection is in use.
    pub fn sqlite_now(&self) -> Option<PooledConnection<ConnectionManager<AnyConnection>>> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        self.pool.try_get()
    }

    /// Runs `f` with a connection on a blocking thread, so that the query does not stall
    /// the async workers: `request.db()?.run(|c| users.load::<User>(c)).await?`. A diesel
    /// error becomes a 500 with its cause (use [`OrNotFound::or_404`] inside for a 404).
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        E: Into<Error>,
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.connection()?;
            f(&mut conn).map_err(Into::into)
        })
        .await
        .map_err(|e| Error::new(ErrorKind::Internal, format!("a database task failed: {e}")))?
    }
}

/// Runs diesel code on the connection's own backend, SQLite's or PostgreSQL's, instead of
/// through [`AnyConnection`]'s layer over both: the code is compiled once for each, so each
/// query keeps diesel's statement cache and skips the per-query work of the layer (on a
/// page of four queries, about a fifth of the request's CPU).
///
/// ```ignore
/// let names = manouche::db::native!(c, |c| passenger::table.select(passenger::last).load::<String>(c))?;
/// ```
#[macro_export]
macro_rules! __native {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Pg($c) => $body,
        }
    };
}
pub use crate::__native as native;

/// Django's `get_object_or_404` for a diesel query: "not found" becomes a 404 (Django's
/// "No Flight matches the given query."), any other error a 500 with its cause.
pub trait OrNotFound<T> {
    /// The row, or the 404.
    fn or_404(self) -> Result<T, Error>;
}

impl<T> OrNotFound<T> for diesel::QueryResult<T> {
    #[track_caller]
    fn or_404(self) -> Result<T, Error> {
        match self {
            Ok(row) => Ok(row),
            Err(diesel::result::Error::NotFound) => Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "No {} matches the given query.",
                    crate::error::short_type_name::<T>()
                ),
            )),
            Err(e) => Err(e.into()),
        }
    }
}
