//! The per-request cost of a session read and of a session write, on SQLite and on
//! PostgreSQL, against a view that does not touch the session, in-process (no socket).
//!
//! Run: `cargo bench -p manouche-tests --bench sessions` (PostgreSQL at 127.0.0.1:5432,
//! database `test`, or MANOUCHE_TEST_POSTGRES). Prints µs per request and the difference.

use std::time::Instant;

use manouche::db::{Database, migrations};
use manouche::test::Client;

fn per_request(client: &mut Client, rt: &tokio::runtime::Runtime, path: &str, n: u32) -> f64 {
    rt.block_on(async {
        for _ in 0..n / 10 {
            client.get(path).await;
        }
        let start = Instant::now();
        for _ in 0..n {
            let r = client.get(path).await;
            assert_eq!(r.status.as_u16(), 200, "{path}: {}", r.text());
        }
        start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    })
}

fn bench(label: &str, url: &str, rt: &tokio::runtime::Runtime) {
    let db = Database::open(url, std::path::Path::new("/")).expect("database");
    if let Err(e) = migrations::migrate(&db, migrations::BUILTIN, |_, _| {}) {
        println!("{label:<10} skipped: {e}");
        return;
    }
    let owned = url.to_string();
    let mut client = Client::with_settings(&manouche_tests::project(), move |s| {
        s.database_url = owned;
        s.session_engine = "db".into();
    });
    let n = 2000;
    // A session with one value, then: no session work, a read, a write.
    rt.block_on(client.get("/session/set/v/1"));
    let none = per_request(&mut client, rt, "/json", n);
    let read = per_request(&mut client, rt, "/session/get/v", n);
    let write = per_request(&mut client, rt, "/session/set/v/2", n / 2);
    println!(
        "{label:<10} no session {none:>7.1} µs | read {read:>7.1} µs (+{:.1}) | write {write:>7.1} µs (+{:.1})",
        read - none,
        write - none
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let path = std::env::temp_dir().join(format!("manouche-bench-{}.sqlite3", std::process::id()));
    let sqlite = format!("sqlite://{}", path.display());
    println!(
        "session cost per request, in-process, {} requests each",
        2000
    );
    bench("sqlite", &sqlite, &rt);
    let pg = std::env::var("MANOUCHE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    bench("postgres", &pg, &rt);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
