//! Sessions across processes: two demo servers on one PostgreSQL database serve the same
//! visitor, restarts lose nothing, and SQLite survives a SIGKILL in the middle of writes.

use std::time::{Duration, Instant};

use manouche::db::Database;
use manouche::sessions::{DatabaseStore, SessionStore};
use manouche_tests::support::{RawResponse, Server, csrf_token, exchange, get};

const DEMO: &str = env!("CARGO_BIN_EXE_demo-site");
const SITE: &str = env!("CARGO_BIN_EXE_testsite");

fn postgres_url() -> String {
    std::env::var("MANOUCHE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn cookies_of(r: &RawResponse) -> Vec<String> {
    r.headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.split(';').next().unwrap().to_string())
        .collect()
}

/// A browser's cookie jar, in its simplest form.
#[derive(Default)]
struct Jar(Vec<String>);

impl Jar {
    fn take(&mut self, r: &RawResponse) {
        for c in cookies_of(r) {
            let name = c.split('=').next().unwrap().to_string();
            self.0.retain(|o| !o.starts_with(&format!("{name}=")));
            self.0.push(c);
        }
    }

    fn header(&self) -> String {
        self.0.join("; ")
    }
}

/// POSTs a form body to `path` with the jar's cookies.
fn post_form(server: &Server, jar: &Jar, path: &str, form: &str) -> RawResponse {
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        jar.header(),
        form.len()
    );
    exchange(server.addr, req.as_bytes())
}

fn add_task(server: &Server, jar: &mut Jar, task: &str) {
    let page = get(
        server.addr,
        "/tasks/add",
        &[("Host", "localhost"), ("Cookie", &jar.header())],
    );
    jar.take(&page);
    let token = csrf_token(&page.body);
    let form = format!("csrfmiddlewaretoken={token}&task={task}&priority=3");
    let r = post_form(server, jar, "/tasks/add", &form);
    assert_eq!(r.status, 302, "{}", r.body);
    assert_eq!(r.header("location"), Some("/tasks/"));
    jar.take(&r);
}

fn list(server: &Server, jar: &Jar) -> String {
    get(
        server.addr,
        "/tasks/",
        &[("Host", "localhost"), ("Cookie", &jar.header())],
    )
    .body
}

#[test]
fn two_demo_processes_share_sessions_in_postgresql_and_restarts_lose_nothing() {
    let url = postgres_url();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("MANOUCHE_DEBUG", "false"),
        ("MANOUCHE_ALLOWED_HOSTS", "localhost"),
    ];
    let one = Server::start(DEMO, &env);
    let two = Server::start(DEMO, &env);
    let mut jar = Jar::default();
    add_task(&one, &mut jar, "Buy+milk");
    assert!(
        list(&two, &jar).contains("<li>Buy milk</li>"),
        "the other process sees it"
    );
    add_task(&two, &mut jar, "Walk+the+dog");
    let seen = list(&one, &jar);
    assert!(
        seen.contains("<li>Buy milk</li>") && seen.contains("<li>Walk the dog</li>"),
        "{seen}"
    );
    drop((one, two));
    let three = Server::start(DEMO, &env);
    let after = list(&three, &jar);
    assert!(
        after.contains("<li>Buy milk</li>") && after.contains("<li>Walk the dog</li>"),
        "{after}"
    );
}

#[test]
fn sqlite_keeps_every_acknowledged_session_write_through_a_sigkill() {
    let path =
        std::env::temp_dir().join(format!("manouche-sigkill-{}.sqlite3", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}", path.display());
    let server = Server::start(
        SITE,
        &[
            ("DATABASE_URL", url.as_str()),
            ("MANOUCHE_AUTO_MIGRATE", "true"),
        ],
    );
    let addr = server.addr;
    let stop = Instant::now() + Duration::from_millis(1500);
    // Four writers, each making new sessions as fast as they can, remembering the answers.
    let writers: Vec<_> = (0..4)
        .map(|w| {
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                let mut i = 0;
                while Instant::now() < stop {
                    i += 1;
                    let value = format!("w{w}n{i}");
                    let req = format!(
                        "GET /session/set/v/{value} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    );
                    let Ok(mut s) = std::net::TcpStream::connect(addr) else { break };
                    use std::io::{Read, Write};
                    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                    if s.write_all(req.as_bytes()).is_err() {
                        break;
                    }
                    let mut buf = Vec::new();
                    let _ = s.read_to_end(&mut buf);
                    if buf.is_empty() {
                        break;
                    }
                    let r = manouche_tests::support::parse_response(&buf);
                    if r.status == 200
                        && let Some(c) = cookies_of(&r).into_iter().find(|c| c.starts_with("sessionid="))
                    {
                        acknowledged.push((c.trim_start_matches("sessionid=").to_string(), value));
                    }
                }
                acknowledged
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    server.signal("KILL");
    let acknowledged: Vec<(String, String)> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert!(
        acknowledged.len() > 10,
        "only {} writes before the kill",
        acknowledged.len()
    );
    // The database opens, and every session whose response was sent is there.
    let db = Database::open(&url, std::path::Path::new("/")).unwrap();
    let store = DatabaseStore::new(
        db,
        "test-site-secret-key-not-for-production-0123456789abcdef",
        &[],
    );
    for (key, value) in &acknowledged {
        let data = store
            .load(key)
            .unwrap()
            .unwrap_or_else(|| panic!("session {key} lost"));
        assert_eq!(data["v"], value.as_str());
    }
    drop(server);
}

#[test]
fn the_demo_tasks_form_posts_with_its_token_and_is_refused_without_it() {
    let server = Server::start(DEMO, &[]);
    let mut jar = Jar::default();
    add_task(&server, &mut jar, "Buy+milk");
    assert!(list(&server, &jar).contains("<li>Buy milk</li>"));
    let r = post_form(&server, &jar, "/tasks/add", "task=Forged");
    assert_eq!(r.status, 403);
    assert!(
        r.body.contains("Reason given for failure:"),
        "DEBUG shows the reason"
    );
    assert!(r.body.contains("CSRF token missing."));
    assert!(!list(&server, &jar).contains("Forged"));
}

#[test]
fn the_demo_tasks_form_re_renders_with_djangos_errors_and_the_typed_values() {
    let server = Server::start(DEMO, &[]);
    let mut jar = Jar::default();
    let page = get(server.addr, "/tasks/add", &[("Host", "localhost")]);
    jar.take(&page);
    let token = csrf_token(&page.body).to_string();
    let post = |form: String| post_form(&server, &jar, "/tasks/add", &form);
    let r = post(format!("csrfmiddlewaretoken={token}&task=&priority=3"));
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains(
            "<ul class=\"errorlist\" id=\"id_task_error\"><li>This field is required.</li></ul>"
        ),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("name=\"priority\" value=\"3\""),
        "the typed priority is kept"
    );
    let r = post(format!(
        "csrfmiddlewaretoken={token}&task=Buy+milk&priority=9"
    ));
    assert!(
        r.body
            .contains("<li>Ensure this value is less than or equal to 5.</li>")
    );
    assert!(r.body.contains("name=\"task\" value=\"Buy milk\""));
}
