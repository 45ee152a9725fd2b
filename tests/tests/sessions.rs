//! Sessions as Django keeps them (reference §1.6 and §3.2), each case run against SQLite and
//! against PostgreSQL (127.0.0.1:5432, database `test`; set MANOUCHE_TEST_POSTGRES to
//! another URL). Cookie flags, lazy loading, keys never adopted, tampering, expiry, 5xx,
//! flush, cycle_key, set_expiry, clearsessions, and the other engines.

use std::sync::{Mutex, OnceLock};

use diesel::RunQueryDsl;
use manouche::db::{Database, migrations};
use manouche::http::StatusCode;
use manouche::sessions::{DatabaseStore, SessionStore};
use manouche::test::{Client, TestResponse};

fn postgres_url() -> String {
    std::env::var("MANOUCHE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A migrated database for one test: a fresh SQLite file, or the shared PostgreSQL one.
struct TestDb {
    url: String,
    db: Database,
}

fn sqlite() -> TestDb {
    static N: Mutex<u32> = Mutex::new(0);
    let n = {
        let mut n = N.lock().unwrap();
        *n += 1;
        *n
    };
    let path = std::env::temp_dir().join(format!(
        "manouche-sessions-{}-{n}.sqlite3",
        std::process::id()
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}", path.display());
    let db = Database::open(&url, std::path::Path::new("/")).unwrap();
    migrations::migrate(&db, migrations::BUILTIN, |_, _| {}).unwrap();
    TestDb { url, db }
}

fn postgres() -> TestDb {
    static MIGRATED: OnceLock<()> = OnceLock::new();
    let url = postgres_url();
    let db = Database::open(&url, std::path::Path::new("/")).unwrap();
    MIGRATED.get_or_init(|| {
        migrations::migrate(&db, migrations::BUILTIN, |_, _| {})
            .unwrap_or_else(|e| panic!("PostgreSQL at {url} is needed for these tests: {e}"));
    });
    TestDb { url, db }
}

impl TestDb {
    fn client(&self) -> Client {
        self.client_with(|_| {})
    }

    fn client_with(&self, adjust: impl FnOnce(&mut manouche::Settings)) -> Client {
        let url = self.url.clone();
        Client::with_settings(&manouche_tests::project(), move |s| {
            s.database_url = url;
            s.session_engine = "db".into();
            adjust(s);
        })
    }

    fn store(&self) -> DatabaseStore {
        DatabaseStore::new(
            self.db.clone(),
            "test-site-secret-key-not-for-production-0123456789abcdef",
            &[],
        )
    }

    fn exec(&self, sql: &str) -> usize {
        let mut conn = self.db.connection().unwrap();
        diesel::sql_query(sql).execute(&mut *conn).unwrap()
    }

    /// Whether a row exists for `key` (live or not).
    fn row_exists(&self, key: &str) -> bool {
        assert!(key.bytes().all(|b| b.is_ascii_alphanumeric()));
        // An UPDATE that changes nothing tells whether the row is there, on both databases.
        self.exec(&format!(
            "UPDATE manouche_session SET session_key = session_key WHERE session_key = '{key}'"
        )) == 1
    }
}

fn session_cookie(r: &TestResponse) -> Option<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sessionid="))
        .map(str::to_owned)
}

fn key_of(cookie: &str) -> String {
    cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("sessionid=")
        .to_string()
}

macro_rules! on_both {
    ($($case:ident),* $(,)?) => {
        mod sqlite_suite { $( #[tokio::test] async fn $case() { super::$case(super::sqlite()).await } )* }
        mod postgres_suite { $( #[tokio::test] async fn $case() { super::$case(super::postgres()).await } )* }
    };
}

on_both!(
    an_untouched_session_sets_no_cookie,
    a_modified_session_is_saved_with_djangos_cookie,
    values_round_trip_and_lists_are_updated,
    an_unknown_key_is_never_adopted_and_loading_creates_nothing,
    tampered_data_reads_as_an_empty_session,
    an_expired_session_is_not_loaded,
    a_5xx_never_saves,
    an_unchanged_session_is_not_written,
    flush_deletes_the_session_and_the_cookie,
    cycle_key_keeps_the_data_under_a_new_key,
    set_expiry_changes_the_cookie,
    clearsessions_deletes_expired_rows,
    save_every_request_and_cookie_settings,
    a_session_deleted_meanwhile_is_a_400,
);

async fn an_untouched_session_sets_no_cookie(t: TestDb) {
    let mut c = t.client();
    let r = c.get("/json").await;
    assert!(session_cookie(&r).is_none());
    assert!(r.header("vary").is_none(), "not accessed, no Vary");
    let r = c.get("/session/get/x").await;
    assert_eq!(r.text(), "none");
    assert!(
        session_cookie(&r).is_none(),
        "reading an empty session saves nothing"
    );
    assert_eq!(r.header("vary"), Some("Cookie"));
}

async fn a_modified_session_is_saved_with_djangos_cookie(t: TestDb) {
    let mut c = t.client();
    let r = c.get("/session/set/colour/blue").await;
    let cookie = session_cookie(&r).expect("a session cookie");
    let key = key_of(&cookie);
    assert_eq!(key.len(), 32);
    assert!(
        key.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
        "{key}"
    );
    assert!(cookie.contains("; expires="), "{cookie}");
    assert!(
        cookie.ends_with("; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax"),
        "{cookie}"
    );
    assert!(t.row_exists(&key));
    assert_eq!(c.get("/session/get/colour").await.text(), "blue");
    assert_eq!(c.get("/session/key").await.text(), key);
}

async fn values_round_trip_and_lists_are_updated(t: TestDb) {
    let mut c = t.client();
    assert_eq!(c.get("/session/push/milk").await.text(), "milk");
    assert_eq!(c.get("/session/push/bread").await.text(), "milk,bread");
    // A second client has its own session.
    let mut other = t.client();
    assert_eq!(other.get("/session/push/tea").await.text(), "tea");
    assert_eq!(c.get("/session/push/eggs").await.text(), "milk,bread,eggs");
}

async fn an_unknown_key_is_never_adopted_and_loading_creates_nothing(t: TestDb) {
    let mut c = t.client();
    let chosen = "attackerchosenkey0123456789abcde";
    c.set_cookie("sessionid", chosen);
    assert_eq!(c.get("/session/get/x").await.text(), "none");
    assert!(!t.row_exists(chosen), "loading never creates a row");
    let r = c.get("/session/set/x/1").await;
    let key = key_of(&session_cookie(&r).unwrap());
    assert_ne!(key, chosen, "a fresh key is issued");
    assert!(!t.row_exists(chosen));
    // A too-short key is no key: its cookie is deleted.
    let mut c = t.client();
    c.set_cookie("sessionid", "short");
    let r = c.get("/json").await;
    assert!(
        session_cookie(&r)
            .unwrap()
            .starts_with("sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0;")
    );
}

async fn tampered_data_reads_as_an_empty_session(t: TestDb) {
    let mut c = t.client();
    let key = key_of(&session_cookie(&c.get("/session/set/role/user").await).unwrap());
    assert_eq!(t.store().load(&key).unwrap().unwrap()["role"], "user");
    // Someone with write access to the table, but not the SECRET_KEY, edits the row.
    let forged = manouche::signing::dumps(
        &serde_json::json!({"role": "admin"}),
        "not-the-secret-key",
        &[],
        "manouche.sessions.SessionStore",
    )
    .unwrap();
    t.exec(&format!(
        "UPDATE manouche_session SET session_data = '{forged}' WHERE session_key = '{key}'"
    ));
    assert_eq!(c.get("/session/get/role").await.text(), "none");
    t.exec(&format!(
        "UPDATE manouche_session SET session_data = 'garbage' WHERE session_key = '{key}'"
    ));
    assert_eq!(c.get("/session/get/role").await.text(), "none");
}

async fn an_expired_session_is_not_loaded(t: TestDb) {
    let mut c = t.client();
    let key = key_of(&session_cookie(&c.get("/session/set/a/1").await).unwrap());
    t.exec(&format!(
        "UPDATE manouche_session SET expire_date = '2000-01-01 00:00:00' WHERE session_key = '{key}'"
    ));
    assert_eq!(c.get("/session/get/a").await.text(), "none");
    let r = c.get("/session/set/a/2").await;
    assert_ne!(
        key_of(&session_cookie(&r).unwrap()),
        key,
        "an expired key is not reused"
    );
}

async fn a_5xx_never_saves(t: TestDb) {
    let mut c = t.client();
    let r = c.get("/session/fail").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(session_cookie(&r).is_none());
    c.get("/session/set/kept/yes").await;
    c.get("/session/fail").await;
    assert_eq!(c.get("/session/get/lost").await.text(), "none");
    assert_eq!(c.get("/session/get/kept").await.text(), "yes");
}

async fn an_unchanged_session_is_not_written(t: TestDb) {
    let mut c = t.client();
    let key = key_of(&session_cookie(&c.get("/session/set/a/1").await).unwrap());
    t.exec(&format!(
        "UPDATE manouche_session SET expire_date = '2999-01-01 00:00:00' WHERE session_key = '{key}'"
    ));
    let r = c.get("/session/get/a").await;
    assert_eq!(r.text(), "1");
    assert!(session_cookie(&r).is_none());
    // The row was not rewritten: its far-away expiry is still there.
    assert_eq!(
        t.exec(&format!(
            "UPDATE manouche_session SET session_key = session_key WHERE session_key = '{key}' AND expire_date > '2998-01-01 00:00:00'"
        )),
        1
    );
}

async fn flush_deletes_the_session_and_the_cookie(t: TestDb) {
    let mut c = t.client();
    let key = key_of(&session_cookie(&c.get("/session/set/a/1").await).unwrap());
    let r = c.get("/session/flush").await;
    assert_eq!(
        session_cookie(&r).unwrap(),
        "sessionid=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax"
    );
    assert!(!t.row_exists(&key));
    assert_eq!(c.get("/session/get/a").await.text(), "none");
}

async fn cycle_key_keeps_the_data_under_a_new_key(t: TestDb) {
    let mut c = t.client();
    let old = key_of(&session_cookie(&c.get("/session/set/a/1").await).unwrap());
    let new = key_of(&session_cookie(&c.get("/session/cycle").await).unwrap());
    assert_ne!(old, new);
    assert!(!t.row_exists(&old), "the old key is gone (no fixation)");
    assert_eq!(c.get("/session/get/a").await.text(), "1");
}

async fn set_expiry_changes_the_cookie(t: TestDb) {
    let mut c = t.client();
    let r = c.get("/session/expiry/0").await;
    let cookie = session_cookie(&r).unwrap();
    assert!(
        !cookie.contains("expires=") && !cookie.contains("Max-Age"),
        "{cookie}"
    );
    assert!(
        cookie.ends_with("; HttpOnly; Path=/; SameSite=Lax"),
        "{cookie}"
    );
    let r = c.get("/session/expiry/60").await;
    assert!(session_cookie(&r).unwrap().contains("; Max-Age=60;"));
    let mut c = t.client_with(|s| s.session_expire_at_browser_close = true);
    let cookie = session_cookie(&c.get("/session/set/a/1").await).unwrap();
    assert!(!cookie.contains("Max-Age"), "{cookie}");
}

async fn clearsessions_deletes_expired_rows(t: TestDb) {
    let mut c = t.client();
    let old = key_of(&session_cookie(&c.get("/session/set/a/1").await).unwrap());
    let mut c2 = t.client();
    let live = key_of(&session_cookie(&c2.get("/session/set/a/2").await).unwrap());
    t.exec(&format!(
        "UPDATE manouche_session SET expire_date = '2000-01-01 00:00:00' WHERE session_key = '{old}'"
    ));
    assert!(t.store().clear_expired().unwrap() >= 1);
    assert!(!t.row_exists(&old));
    assert!(t.row_exists(&live));
}

async fn save_every_request_and_cookie_settings(t: TestDb) {
    let mut c = t.client_with(|s| {
        s.session_save_every_request = true;
        s.session_cookie_secure = true;
        s.session_cookie_samesite = "Strict".into();
        s.session_cookie_domain = Some(".example.com".into());
        s.session_cookie_name = "sid".into();
    });
    c.get("/session/set/a/1").await;
    let r = c.get("/session/get/a").await;
    let cookie = r
        .header("set-cookie")
        .expect("saved on a read too")
        .to_string();
    assert!(cookie.starts_with("sid="), "{cookie}");
    assert!(
        cookie.contains("; Domain=.example.com; expires="),
        "{cookie}"
    );
    assert!(
        cookie.ends_with("; HttpOnly; Max-Age=1209600; Path=/; SameSite=Strict; Secure"),
        "{cookie}"
    );
}

async fn a_session_deleted_meanwhile_is_a_400(t: TestDb) {
    let mut c = t.client();
    let key = key_of(&session_cookie(&c.get("/session/set/a/1").await).unwrap());
    t.exec(&format!(
        "DELETE FROM manouche_session WHERE session_key = '{key}'"
    ));
    // Loads as empty (row gone) and saves under a new key: no resurrection of the old one.
    let r = c.get("/session/set/a/2").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_ne!(key_of(&session_cookie(&r).unwrap()), key);
    assert!(!t.row_exists(&key));
}

#[tokio::test]
async fn signed_cookie_sessions_keep_data_in_the_cookie_and_refuse_tampering() {
    let mut c = Client::with_settings(&manouche_tests::project(), |s| {
        s.session_engine = "signed_cookies".into()
    });
    let r = c.get("/session/set/colour/red").await;
    let cookie = session_cookie(&r).unwrap();
    assert!(cookie.contains("HttpOnly"));
    assert_eq!(c.get("/session/get/colour").await.text(), "red");
    let value = c.cookie("sessionid").unwrap().to_string();
    let tampered = value.replacen(&value[..4], "eyJh", 1);
    c.set_cookie("sessionid", &tampered);
    assert_eq!(c.get("/session/get/colour").await.text(), "none");
}

#[tokio::test]
async fn memory_sessions() {
    let mut c = Client::with_settings(&manouche_tests::project(), |s| {
        s.session_engine = "memory".into()
    });
    assert_eq!(c.get("/session/push/a").await.text(), "a");
    assert_eq!(c.get("/session/push/b").await.text(), "a,b");
}

#[tokio::test]
async fn a_missing_table_says_to_migrate() {
    let path = std::env::temp_dir().join(format!(
        "manouche-unmigrated-{}.sqlite3",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}", path.display());
    let mut c = Client::with_settings(&manouche_tests::project(), move |s| {
        s.database_url = url;
        s.debug = true;
    });
    let r = c.get("/session/set/a/1").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        r.text().contains("run the `migrate` command"),
        "{}",
        r.text()
    );
}

fn memory_site(adjust: impl FnOnce(&mut manouche::Settings)) -> Client {
    Client::with_settings(&manouche_tests::project(), |s| {
        s.session_engine = "memory".into();
        adjust(s);
    })
}

#[tokio::test]
async fn an_expiry_past_the_year_9999_is_a_500_with_its_reason_not_a_dropped_answer() {
    let mut c = memory_site(|s| s.debug = true);
    assert_eq!(c.get("/session/set/a/1").await.status, StatusCode::OK);
    // Now plus 2.52e11 seconds is past 9999-12-31 (2.534e11 seconds after 1970).
    for seconds in ["252000000000", "18446744073709551615"] {
        let r = c.get(&format!("/session/expiry/{seconds}")).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{seconds}");
        assert!(r.text().contains("past the year 9999"), "{}", r.text());
    }
    // Far, but within range: the cookie says so, and the session still works.
    let r = c.get("/session/expiry/250000000000").await;
    assert_eq!(r.status, StatusCode::OK);
    let cookie = r.header("set-cookie").expect("saved");
    assert!(cookie.contains("Max-Age=250000000000"), "{cookie}");
    assert_eq!(c.get("/session/get/a").await.text(), "1");
}

#[test]
fn a_cookie_age_past_the_year_9999_is_refused_at_start_up() {
    for (name, set) in [
        (
            "SESSION_COOKIE_AGE",
            (|s: &mut manouche::Settings| s.session_cookie_age = 252_000_000_000)
                as fn(&mut manouche::Settings),
        ),
        ("CSRF_COOKIE_AGE", |s: &mut manouche::Settings| {
            s.csrf_cookie_age = u64::MAX
        }),
    ] {
        let mut s = manouche::Settings::default();
        s.secret_key = "k".into();
        s.allowed_hosts = vec!["example.com".into()];
        set(&mut s);
        let err = s.check().unwrap_err().to_string();
        assert!(err.starts_with(&format!("{name} = ")), "{err}");
        assert!(err.contains("after the year 9999"), "{err}");
    }
}

#[tokio::test]
async fn deleting_a_prefixed_session_cookie_keeps_it_secure() {
    // Browsers ignore a Set-Cookie for a __Host-/__Secure- name without Secure: a logout
    // would leave the session in place.
    for name in ["__Host-sessionid", "__Secure-sessionid"] {
        let mut c = memory_site(|s| {
            s.session_cookie_name = name.into();
            s.session_cookie_secure = true;
        })
        .secure();
        assert_eq!(c.get("/session/set/a/1").await.status, StatusCode::OK);
        let r = c.get("/session/flush").await;
        let deletion = r.header("set-cookie").expect("the deletion");
        assert!(deletion.starts_with(&format!("{name}=\"\"")), "{deletion}");
        assert!(deletion.contains("Max-Age=0"), "{deletion}");
        assert!(deletion.ends_with("; Secure"), "{deletion}");
    }
    // An ordinary name is deleted as Django deletes it: no Secure unless SameSite=None.
    let mut c = memory_site(|_| {});
    c.get("/session/set/a/1").await;
    let r = c.get("/session/flush").await;
    assert!(!r.header("set-cookie").unwrap().contains("Secure"));
}

#[tokio::test]
async fn session_save_every_request_saves_a_session_the_view_never_touched() {
    for every in [true, false] {
        let mut c = memory_site(|s| s.session_save_every_request = every);
        assert!(
            c.get("/session/set/a/1")
                .await
                .header("set-cookie")
                .is_some()
        );
        // The home page never reads the session.
        let r = c.get("/").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("set-cookie").is_some(), every, "every = {every}");
        assert_eq!(c.get("/session/get/a").await.text(), "1");
    }
    // A key that names no session is not saved into one: its cookie is deleted.
    let mut c = memory_site(|s| s.session_save_every_request = true);
    c.set_cookie("sessionid", "abcdefghijklmnopqrstuvwxyz012345");
    let r = c.get("/").await;
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
}

#[tokio::test]
async fn opening_the_session_twice_in_a_view_is_an_error_that_says_so() {
    let mut c = memory_site(|s| s.debug = true);
    let r = c.get("/session/twice").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        r.text()
            .contains("called while this request&#x27;s session is still open"),
        "{}",
        r.text()
    );
    // A 5xx saves nothing.
    assert!(r.header("set-cookie").is_none());
}
