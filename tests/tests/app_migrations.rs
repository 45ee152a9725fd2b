//! A project's own tables: an app's migrations added with `Project::app_migrations`
//! (the test site's `catalog`), applied by `migrate` after the framework's, listed by
//! `showmigrations`, made for each test database, and read by a view.

use std::process::Command;

use manouche::diesel::prelude::*;
use manouche::test::Client;
use manouche_tests::catalog::{Product, catalog_product};
use manouche_tests::support::fresh_sqlite_url;

const SITE: &str = env!("CARGO_BIN_EXE_testsite");

fn run(args: &[&str], db: &str) -> (bool, String, String) {
    let out = Command::new(SITE)
        .args(args)
        .env("DATABASE_URL", db)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn migrate_applies_the_apps_migrations_after_the_frameworks() {
    let db = fresh_sqlite_url();
    let (ok, out, err) = run(&["migrate"], &db);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "Operations to perform:\n  Apply all migrations: auth, catalog, sessions\nRunning migrations:\n  Applying auth.0001_initial... OK\n  Applying sessions.0001_initial... OK\n  Applying catalog.0001_initial... OK\n  Applying catalog.0002_product_name_index... OK\n"
    );
    let (_, again, _) = run(&["migrate"], &db);
    assert!(
        again.ends_with("Running migrations:\n  No migrations to apply.\n"),
        "{again}"
    );
    let (ok, shown, _) = run(&["showmigrations"], &db);
    assert!(ok);
    assert!(
        shown.contains("catalog\n [X] 0001_initial\n [X] 0002_product_name_index\n"),
        "{shown}"
    );
}

#[test]
fn migrate_takes_one_app_back_and_forth_by_prefix_and_to_zero() {
    let db = fresh_sqlite_url();
    assert!(run(&["migrate"], &db).0);
    let (ok, out, err) = run(&["migrate", "catalog", "0001"], &db);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "Operations to perform:\n  Target specific migration: 0001_initial, from catalog\nRunning migrations:\n  Unapplying catalog.0002_product_name_index... OK\n"
    );
    let (_, shown, _) = run(&["showmigrations"], &db);
    assert!(
        shown.contains("catalog\n [X] 0001_initial\n [ ] 0002_product_name_index\n"),
        "{shown}"
    );
    let (ok, out, _) = run(&["migrate", "catalog", "zero"], &db);
    assert!(ok);
    assert_eq!(
        out,
        "Operations to perform:\n  Unapply all migrations: catalog\nRunning migrations:\n  Unapplying catalog.0001_initial... OK\n"
    );
    let (ok, out, _) = run(&["migrate", "catalog"], &db);
    assert!(ok);
    assert!(
        out.ends_with("  Applying catalog.0001_initial... OK\n  Applying catalog.0002_product_name_index... OK\n"),
        "{out}"
    );
    let (_, again, _) = run(&["migrate", "catalog", "0002"], &db);
    assert!(again.ends_with("  No migrations to apply.\n"), "{again}");
    // Django's messages for what is not there.
    for (args, says) in [
        (
            &["migrate", "nope"][..],
            "CommandError: No installed app with label 'nope'.",
        ),
        (
            &["migrate", "catalog", "0009"][..],
            "CommandError: Cannot find a migration matching '0009' from app 'catalog'.",
        ),
        (
            &["migrate", "catalog", "000"][..],
            "CommandError: More than one migration matches '000' in app 'catalog'. Please be more specific.",
        ),
    ] {
        let (ok, _, err) = run(args, &db);
        assert!(!ok && err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn a_migration_without_down_sql_is_not_unapplied() {
    use manouche::db::migrations::{AppMigrations, Step, Target, migrate_app};
    let db = manouche::db::Database::open(&fresh_sqlite_url(), std::path::Path::new(".")).unwrap();
    let apps = [AppMigrations {
        app: "once",
        source: |_| manouche::migrations!("reference/migrations/irreversible"),
    }];
    let mut seen = Vec::new();
    let applied = migrate_app(
        &db,
        &apps,
        &apps[0],
        &Target::Latest,
        |step, label, done| seen.push((step, label.to_string(), done)),
    )
    .unwrap();
    assert_eq!(applied, 1);
    assert_eq!(seen[0], (Step::Apply, "once.0001_once".to_string(), false));
    let err = migrate_app(&db, &apps, &apps[0], &Target::Zero, |_, _, _| {}).unwrap_err();
    assert_eq!(
        err.message(),
        "Migration once.0001_once is not reversible: it has no down.sql."
    );
    let states = manouche::db::migrations::show(&db, &apps).unwrap();
    assert!(states[0].applied, "still applied");
}

#[manouche::test]
async fn a_view_reads_the_apps_table_in_a_test_database() {
    let mut c = Client::new(&manouche_tests::project());
    let db = manouche::db::shared(c.settings()).unwrap();
    let mut conn = db.connection().unwrap();
    for (id, name, price_cents) in [(1, "Notebook", 450), (2, "Pencil", 80)] {
        let product = Product {
            id,
            name: name.into(),
            price_cents,
        };
        diesel::insert_into(catalog_product::table)
            .values(&product)
            .execute(&mut *conn)
            .unwrap();
    }
    drop(conn);
    let page = c.get("/catalog/").await;
    assert_eq!(page.text(), "Pencil 80\nNotebook 450");
}

#[test]
fn two_migrations_with_one_version_are_refused_before_anything_runs() {
    use manouche::db::migrations::{AppMigrations, SESSIONS, migrate};
    let db = manouche::db::Database::open(&fresh_sqlite_url(), std::path::Path::new(".")).unwrap();
    let apps = [
        AppMigrations {
            app: "sessions",
            source: |_| SESSIONS,
        },
        AppMigrations {
            app: "copy",
            source: |_| SESSIONS,
        },
    ];
    let err = migrate(&db, &apps, |_, _| {}).unwrap_err();
    assert!(
        err.message().contains("sessions's migration")
            && err.message().contains("copy's migration")
            && err.message().contains("same version"),
        "{}",
        err.message()
    );
    let states = manouche::db::migrations::show(&db, &apps[..1]).unwrap();
    assert!(states.iter().all(|s| !s.applied), "nothing was applied");
}

#[test]
fn dbshell_opens_the_databases_own_client() {
    let db = fresh_sqlite_url();
    assert!(run(&["migrate"], &db).0);
    let (ok, out, err) = run(
        &["dbshell", "--", "SELECT count(*) FROM catalog_product;"],
        &db,
    );
    if which("sqlite3") {
        assert!(ok, "{err}");
        assert_eq!(out, "0\n");
    }
    // Without the client, Django's message.
    let missing = Command::new(SITE)
        .arg("dbshell")
        .env("DATABASE_URL", &db)
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains(
            "CommandError: You appear not to have the 'sqlite3' program installed or on your path."
        ),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

#[test]
fn four_processes_migrating_one_postgresql_database_apply_each_migration_once() {
    let db = manouche_tests::support::PgDatabase::create();
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(SITE)
                .arg("migrate")
                .env("DATABASE_URL", &db.url)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut applying = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        applying += stdout
            .matches("Applying catalog.0001_initial... OK")
            .count();
    }
    assert_eq!(applying, 1, "one process applied catalog.0001_initial");
    let (ok, shown, _) = run(&["showmigrations"], &db.url);
    assert!(ok);
    assert!(!shown.contains("[ ]"), "{shown}");
}

#[test]
fn a_migration_that_fails_half_way_leaves_nothing_behind() {
    use manouche::db::migrations::{AppMigrations, Target, migrate_app, show};
    let apps = [AppMigrations {
        app: "half",
        source: |_| manouche::migrations!("reference/migrations/half"),
    }];
    let pg = manouche_tests::support::PgDatabase::create();
    for url in [fresh_sqlite_url(), pg.url.clone()] {
        let db = manouche::db::Database::open(&url, std::path::Path::new(".")).unwrap();
        let err = migrate_app(&db, &apps, &apps[0], &Target::Latest, |_, _, _| {}).unwrap_err();
        assert!(
            err.message().contains("half_done"),
            "{url}: {}",
            err.message()
        );
        assert!(!show(&db, &apps).unwrap()[0].applied, "{url}: not recorded");
        // The first statement was rolled back with the second: the table is not there.
        let mut conn = db.connection().unwrap();
        let left = diesel::sql_query("SELECT 1 FROM half_done").execute(&mut *conn);
        assert!(left.is_err(), "{url}: half_done was left behind");
    }
}

#[test]
fn sqlmigrate_prints_a_migrations_sql_as_django_does() {
    let db = fresh_sqlite_url();
    let (ok, out, err) = run(&["sqlmigrate", "catalog", "0002"], &db);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "BEGIN;\nCREATE INDEX catalog_product_name ON catalog_product (name);\nCOMMIT;\n"
    );
    let (ok, back, _) = run(&["sqlmigrate", "catalog", "0002", "--backwards"], &db);
    assert!(ok);
    assert_eq!(back, "BEGIN;\nDROP INDEX catalog_product_name;\nCOMMIT;\n");
    let (ok, _, err) = run(&["sqlmigrate", "catalog", "0009"], &db);
    assert!(!ok);
    assert!(
        err.contains(
            "Cannot find a migration matching '0009' from app 'catalog'. Is it in INSTALLED_APPS?"
        ),
        "{err}"
    );
    // The framework's own, as embedded for this database.
    let (ok, auth, _) = run(&["sqlmigrate", "auth", "0001"], &db);
    assert!(
        ok && auth.contains("CREATE TABLE IF NOT EXISTS \"auth_user\""),
        "{auth}"
    );
}

#[test]
fn a_sqlite_table_remake_failing_half_way_is_rolled_back_and_foreign_keys_back_on() {
    use manouche::db::migrations::{AppMigrations, Target, migrate_app, show};
    let apps = [AppMigrations {
        app: "remake_half",
        source: |_| manouche::migrations!("reference/migrations/remake_half"),
    }];
    let url = fresh_sqlite_url();
    let db = manouche::db::Database::open(&url, std::path::Path::new(".")).unwrap();
    let err = migrate_app(&db, &apps, &apps[0], &Target::Latest, |_, _, _| {}).unwrap_err();
    assert!(err.message().contains("no_such_table"), "{}", err.message());
    let states = show(&db, &apps).unwrap();
    assert!(states[0].applied && !states[1].applied);
    // The old table and its rows are back, and foreign keys are enforced again on the
    // connection the failed script used (the pool has one idle connection: that one).
    let mut conn = db.connection().unwrap();
    let names: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT count(*) FROM parent)",
    ))
    .get_result(&mut *conn)
    .unwrap();
    assert_eq!(names, 1);
    let on: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT foreign_keys FROM pragma_foreign_keys)",
    ))
    .get_result(&mut *conn)
    .unwrap();
    assert_eq!(on, 1);
    let gone = diesel::sql_query("SELECT 1 FROM new__parent").execute(&mut *conn);
    assert!(gone.is_err(), "new__parent was left behind");
}
