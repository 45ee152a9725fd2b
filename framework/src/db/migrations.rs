//! Migrations: each app's SQL files, embedded in the binary with diesel_migrations, applied
//! by `migrate` with Django's output ("Applying sessions.0001_initial... OK").

use diesel::migration::{Migration, MigrationSource};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

use super::{Backend, Database};
use crate::error::{Error, ErrorKind};

/// One migration's SQL as embedded: what `sqlmigrate` prints.
#[derive(Debug, Clone, Copy)]
pub struct MigrationSql {
    /// The folder's name (`2026-12-03-120000_0001_initial`).
    pub name: &'static str,
    /// `up.sql`.
    pub up: &'static str,
    /// `down.sql`, when the migration can be unapplied.
    pub down: Option<&'static str>,
    /// Whether it runs in a transaction (diesel's `metadata.toml`; yes unless it says no).
    pub in_transaction: bool,
}

/// An app's migrations for one database, embedded by `manouche::migrations!`: for diesel to
/// run, and their SQL.
pub struct Migrations {
    embedded: EmbeddedMigrations,
    sql: &'static [MigrationSql],
}

impl Migrations {
    /// What `migrations!` makes.
    #[doc(hidden)]
    pub const fn new(embedded: EmbeddedMigrations, sql: &'static [MigrationSql]) -> Self {
        Migrations { embedded, sql }
    }

    /// Each migration's SQL, in order.
    pub fn sql(&self) -> &'static [MigrationSql] {
        self.sql
    }
}

impl std::fmt::Debug for Migrations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.sql.iter().map(|m| m.name).collect();
        f.debug_tuple("Migrations").field(&names).finish()
    }
}

impl<DB: diesel::backend::Backend> MigrationSource<DB> for Migrations {
    fn migrations(&self) -> diesel::migration::Result<Vec<Box<dyn Migration<DB>>>> {
        MigrationSource::<DB>::migrations(&self.embedded)
    }
}

/// An app's migrations folder as `makemigrations` writes it (`app_config!` embeds it):
/// SQL for each database, and the models as those migrations leave them.
#[derive(Debug, Clone, Copy)]
pub struct MigrationSet {
    /// The folder, as found when compiling (`makemigrations` writes there).
    pub folder: &'static str,
    /// The migrations for a database.
    pub source: fn(Backend) -> Migrations,
    /// `state.json`, once there is a migration.
    pub state: Option<&'static str>,
}

/// The sessions app's migrations (the `manouche_session` table).
pub const SESSIONS: Migrations = manouche_macros::migrations!("migrations/sessions");

/// The auth app's migrations (Django's `auth_user`), in each database's SQL.
pub const AUTH_SQLITE: Migrations = manouche_macros::migrations!("migrations/auth/sqlite");
/// The same for PostgreSQL.
pub const AUTH_POSTGRES: Migrations = manouche_macros::migrations!("migrations/auth/postgres");

/// An app and its migrations.
#[derive(Debug, Clone, Copy)]
pub struct AppMigrations {
    /// The app's name, shown by `migrate`.
    pub app: &'static str,
    /// Its migrations for a database (a function: `migrations!` gives a constant, and the
    /// SQL may differ between SQLite and PostgreSQL).
    pub source: fn(Backend) -> Migrations,
}

/// The framework's own apps, in Django's order.
pub const BUILTIN: &[AppMigrations] = &[
    AppMigrations {
        app: "auth",
        source: |backend| match backend {
            Backend::Sqlite => AUTH_SQLITE,
            Backend::Postgres => AUTH_POSTGRES,
        },
    },
    AppMigrations {
        app: "sessions",
        source: |_| SESSIONS,
    },
];

fn db_error(e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Internal, format!("migration failed: {e}"))
}

/// `2026-11-25-000000_0001_initial` → `0001_initial`: the name without diesel's version.
fn short_name(name: &str) -> String {
    name.split_once('_')
        .map_or(name, |(_, rest)| rest)
        .to_string()
}

/// Refuses two migrations with one version: diesel records versions alone, so the second
/// would pass for applied and never run.
fn check_versions(db: &Database, apps: &[AppMigrations]) -> Result<(), Error> {
    let mut seen: Vec<(String, &str, String)> = Vec::new();
    for app in apps {
        let all =
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&(app.source)(db.backend()))
                .map_err(db_error)?;
        for m in all {
            let version = m.name().version().to_string();
            let name = m.name().to_string();
            if let Some((_, other_app, other)) = seen.iter().find(|(v, _, _)| *v == version) {
                return Err(Error::new(
                    ErrorKind::Internal,
                    format!(
                        "{other_app}'s migration {other} and {}'s migration {name} have the same version ({version}): name each migration's folder with a timestamp of its own, such as 2026-12-03-120000_0001_initial",
                        app.app
                    ),
                ));
            }
            seen.push((version, app.app, name));
        }
    }
    Ok(())
}

/// The key of the PostgreSQL advisory lock `migrate` holds.
const MIGRATION_LOCK: i64 = 0x6d61_6e6f_7563_6865; // "manouche"

/// Runs `f` holding the migration lock: on PostgreSQL a session advisory lock, so that
/// processes migrating one database at once take turns, and each finds what the one
/// before it applied (their DDL would otherwise collide). SQLite serializes its writers
/// itself.
fn locked<T>(
    db: &Database,
    conn: &mut super::AnyConnection,
    f: impl FnOnce(&mut super::AnyConnection) -> Result<T, Error>,
) -> Result<T, Error> {
    use diesel::RunQueryDsl;
    if db.backend() != Backend::Postgres {
        return f(conn);
    }
    diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
        .execute(conn)
        .map_err(db_error)?;
    let result = f(conn);
    let unlocked =
        diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(conn);
    match (result, unlocked) {
        (Ok(value), Ok(_)) => Ok(value),
        (Err(e), _) => Err(e),
        (Ok(_), Err(e)) => Err(db_error(e)),
    }
}

/// After a failed migration: a SQLite script that runs outside diesel's transaction (a
/// table remade with foreign keys off) may have left its own transaction open and foreign
/// keys off; undo both, so that the connection goes back to the pool as it came.
fn recover(conn: &mut super::AnyConnection) {
    use diesel::connection::SimpleConnection;
    if let super::AnyConnection::Sqlite(c) = conn {
        let _ = c.batch_execute("ROLLBACK");
        let _ = c.batch_execute("PRAGMA foreign_keys = ON");
    }
}

/// One migration and whether it has been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    /// The app.
    pub app: &'static str,
    /// The migration's name (`0001_initial`).
    pub name: String,
    /// Whether it has been applied.
    pub applied: bool,
}

/// Every migration of `apps`, in order, with its state.
pub fn show(db: &Database, apps: &[AppMigrations]) -> Result<Vec<MigrationState>, Error> {
    check_versions(db, apps)?;
    let mut conn = db.connection()?;
    let mut out = Vec::new();
    for app in apps {
        let pending: Vec<String> = conn
            .pending_migrations((app.source)(db.backend()))
            .map_err(db_error)?
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        for m in (app.source)(db.backend()).sql() {
            out.push(MigrationState {
                app: app.app,
                name: short_name(m.name),
                applied: !pending.iter().any(|p| p == m.name),
            });
        }
    }
    Ok(out)
}

/// How many migrations of `apps` are not applied, and the apps they belong to.
pub fn unapplied(
    db: &Database,
    apps: &[AppMigrations],
) -> Result<(usize, Vec<&'static str>), Error> {
    let states = show(db, apps)?;
    let pending: Vec<&MigrationState> = states.iter().filter(|s| !s.applied).collect();
    let mut names: Vec<&'static str> = pending.iter().map(|s| s.app).collect();
    names.dedup();
    Ok((pending.len(), names))
}

/// Applies what is pending, calling `progress` with each `app.name` before and `true` after.
pub fn migrate(
    db: &Database,
    apps: &[AppMigrations],
    mut progress: impl FnMut(&str, bool),
) -> Result<usize, Error> {
    check_versions(db, apps)?;
    let mut conn = db.connection()?;
    locked(db, &mut conn, |conn| {
        let mut applied = 0;
        for app in apps {
            let pending = conn
                .pending_migrations((app.source)(db.backend()))
                .map_err(db_error)?;
            for m in pending {
                let label = format!("{}.{}", app.app, short_name(&m.name().to_string()));
                progress(&label, false);
                if let Err(e) = conn.run_migration(&*m) {
                    recover(conn);
                    // Another process may have applied it meanwhile (two SQLite servers
                    // starting at once): that is not a failure.
                    let still_pending = conn
                        .pending_migrations((app.source)(db.backend()))
                        .map_err(db_error)?
                        .iter()
                        .any(|p| p.name().to_string() == m.name().to_string());
                    if still_pending {
                        return Err(db_error(e));
                    }
                }
                progress(&label, true);
                applied += 1;
            }
        }
        Ok(applied)
    })
}

/// Django's message for a migration name that matches none of an app's.
fn no_migration(prefix: &str, app: &str) -> Error {
    Error::new(
        ErrorKind::BadRequest,
        format!("Cannot find a migration matching '{prefix}' from app '{app}'."),
    )
}

/// The refusal to unapply a migration that has no `down.sql`.
fn not_reversible(label: &str) -> Error {
    Error::new(
        ErrorKind::Internal,
        format!("Migration {label} is not reversible: it has no down.sql."),
    )
}

/// Where `migrate <app> <target>` takes an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every migration applied (`migrate <app>`).
    Latest,
    /// None applied (`migrate <app> zero`).
    Zero,
    /// Applied up to and including this one, none after it (`migrate <app> 0001`).
    Upto(String),
}

/// What one step did: applied or unapplied a migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `Applying app.name...`
    Apply,
    /// `Unapplying app.name...`
    Unapply,
}

/// Django's `get_migration_by_prefix`: the one migration of `app` whose name starts with
/// `prefix`, or Django's message.
pub fn find_migration(db: &Database, app: &AppMigrations, prefix: &str) -> Result<String, Error> {
    let names: Vec<String> = (app.source)(db.backend())
        .sql()
        .iter()
        .map(|m| short_name(m.name))
        .filter(|n| n.starts_with(prefix))
        .collect();
    match names.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(no_migration(prefix, app.app)),
        _ => Err(Error::new(
            ErrorKind::BadRequest,
            format!(
                "More than one migration matches '{prefix}' in app '{}'. Please be more specific.",
                app.app
            ),
        )),
    }
}

/// Takes one app to `target`: applies its pending migrations up to it, in order, or
/// unapplies (with each migration's `down.sql`, newest first) those after it. Each runs in
/// a transaction where the database allows. `progress` gets each `app.name` before
/// (`false`) and after (`true`) its step.
pub fn migrate_app(
    db: &Database,
    apps: &[AppMigrations],
    app: &AppMigrations,
    target: &Target,
    mut progress: impl FnMut(Step, &str, bool),
) -> Result<usize, Error> {
    check_versions(db, apps)?;
    let mut conn = db.connection()?;
    locked(db, &mut conn, |conn| {
        migrate_app_locked(conn, db.backend(), app, target, &mut progress)
    })
}

fn migrate_app_locked(
    conn: &mut super::AnyConnection,
    backend: Backend,
    app: &AppMigrations,
    target: &Target,
    progress: &mut impl FnMut(Step, &str, bool),
) -> Result<usize, Error> {
    type Multi = <super::AnyConnection as diesel::Connection>::Backend;
    let all = MigrationSource::<Multi>::migrations(&(app.source)(backend)).map_err(db_error)?;
    let applied: Vec<String> = conn
        .applied_migrations()
        .map_err(db_error)?
        .iter()
        .map(ToString::to_string)
        .collect();
    let is_applied = |m: &dyn diesel::migration::Migration<Multi>| {
        applied.contains(&m.name().version().to_string())
    };
    let keep = match target {
        Target::Latest => all.len(),
        Target::Zero => 0,
        Target::Upto(name) => {
            all.iter()
                .position(|m| short_name(&m.name().to_string()) == *name)
                .ok_or_else(|| no_migration(name, app.app))?
                + 1
        }
    };
    let mut steps = 0;
    for m in all[..keep].iter().filter(|m| !is_applied(&***m)) {
        let label = format!("{}.{}", app.app, short_name(&m.name().to_string()));
        progress(Step::Apply, &label, false);
        conn.run_migration(&**m).map_err(|e| {
            recover(conn);
            db_error(e)
        })?;
        progress(Step::Apply, &label, true);
        steps += 1;
    }
    for m in all[keep..].iter().rev().filter(|m| is_applied(&***m)) {
        let label = format!("{}.{}", app.app, short_name(&m.name().to_string()));
        progress(Step::Unapply, &label, false);
        conn.revert_migration(&**m).map_err(|e| {
            recover(conn);
            let no_down = matches!(
                e.downcast_ref::<diesel_migrations::MigrationError>(),
                Some(diesel_migrations::MigrationError::NoMigrationRevertFile)
            );
            if no_down {
                not_reversible(&label)
            } else {
                db_error(e)
            }
        })?;
        progress(Step::Unapply, &label, true);
        steps += 1;
    }
    Ok(steps)
}

/// `sqlmigrate`: the SQL of one migration of `app` (its `down.sql` when `backwards`),
/// between `BEGIN;` and `COMMIT;` when it runs in a transaction, as Django prints it.
pub fn sql_of(
    db: &Database,
    app: &AppMigrations,
    name: &str,
    backwards: bool,
) -> Result<String, Error> {
    let migrations = (app.source)(db.backend());
    let found = migrations
        .sql()
        .iter()
        .find(|m| short_name(m.name) == name)
        .ok_or_else(|| no_migration(name, app.app))?;
    let sql = if backwards {
        found
            .down
            .ok_or_else(|| not_reversible(&format!("{}.{name}", app.app)))?
    } else {
        found.up
    };
    let sql = sql.trim_end();
    Ok(if found.in_transaction {
        format!("BEGIN;\n{sql}\nCOMMIT;")
    } else {
        sql.to_owned()
    })
}
