//! The test database: made for one test client, migrated, and dropped with it, so that a
//! test never writes into the development database (Django's test runner makes `test_<name>`
//! the same way).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::{Connection, RunQueryDsl};

use crate::db::Database;
use crate::db::migrations::{self, AppMigrations};
use crate::settings::Settings;

/// A database of the test's own; dropped (its file removed, or its PostgreSQL database
/// dropped) when this is.
#[derive(Debug)]
pub(crate) struct TestDatabase {
    /// Its DATABASE_URL.
    pub(crate) url: String,
    made: Made,
}

#[derive(Debug)]
enum Made {
    Sqlite(PathBuf),
    Postgres { server: String, name: String },
}

/// `postgres://user@host:5432/name?opts` as (`postgres://user@host:5432`, `name`, `?opts`).
fn split_postgres(url: &str) -> Option<(&str, &str, &str)> {
    let (before_query, query) = match url.find('?') {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    let scheme_end = before_query.find("://")? + 3;
    let slash = before_query[scheme_end..].find('/')? + scheme_end;
    Some((&before_query[..slash], &before_query[slash + 1..], query))
}

impl TestDatabase {
    /// A fresh database beside the one `settings` name, with every migration applied.
    pub(crate) fn create(settings: &Settings, apps: &[AppMigrations]) -> Result<Self, String> {
        static N: AtomicU32 = AtomicU32::new(0);
        let tag = format!(
            "{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let configured = &settings.database_url;
        let made =
            if configured.starts_with("postgres://") || configured.starts_with("postgresql://") {
                let (server, name, query) = split_postgres(configured)
                    .ok_or_else(|| format!("DATABASE_URL {configured:?} names no database"))?;
                let name = format!("test_{}_{tag}", name.trim_start_matches("test_"));
                let mut admin = diesel::PgConnection::establish(&format!("{server}/postgres"))
                    .map_err(|e| {
                        format!("cannot connect to PostgreSQL to make a test database: {e}")
                    })?;
                diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .map_err(|e| format!("cannot create the test database {name}: {e}"))?;
                let url = format!("{server}/{name}{query}");
                (
                    url,
                    Made::Postgres {
                        server: server.to_owned(),
                        name,
                    },
                )
            } else {
                let path = std::env::temp_dir().join(format!("manouche-test-{tag}.sqlite3"));
                (format!("sqlite://{}", path.display()), Made::Sqlite(path))
            };
        let (url, made) = made;
        let test = TestDatabase { url, made };
        let db = Database::open(&test.url, settings.base_dir()).map_err(|e| e.to_string())?;
        migrations::migrate(&db, apps, |_, _| {})
            .map_err(|e| format!("cannot migrate the test database: {e}"))?;
        Ok(test)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.made {
            Made::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Made::Postgres { server, name } => {
                if let Ok(mut admin) =
                    diesel::PgConnection::establish(&format!("{server}/postgres"))
                {
                    let _ = diesel::sql_query(format!(
                        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                    ))
                    .execute(&mut admin);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_postgres;

    #[test]
    fn a_postgres_url_is_split_around_its_database_name() {
        assert_eq!(
            split_postgres("postgres://u:p@h:5432/site?sslmode=disable"),
            Some(("postgres://u:p@h:5432", "site", "?sslmode=disable"))
        );
        assert_eq!(split_postgres("postgres://h"), None);
    }
}
