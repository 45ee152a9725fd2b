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
        "Operations to perform:\n  Apply all migrations: auth, catalog, sessions\nRunning migrations:\n  Applying auth.0001_initial... OK\n  Applying sessions.0001_initial... OK\n  Applying catalog.0001_initial... OK\n"
    );
    let (_, again, _) = run(&["migrate"], &db);
    assert!(
        again.ends_with("Running migrations:\n  No migrations to apply.\n"),
        "{again}"
    );
    let (ok, shown, _) = run(&["showmigrations"], &db);
    assert!(ok);
    assert!(shown.contains("catalog\n [X] 0001_initial\n"), "{shown}");
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
