//! The `manouche` command end to end, in a temporary folder: startproject, startapp, a view
//! and a route added by hand, build, migrate, run, fetch; names refused with Django's
//! messages; and runserver's reload: an edit is served, a compile error is shown in the
//! browser, a fix brings the page back. Projects build in `target/e2e` (their own target
//! folder: cargo holds the workspace's while tests run), offline, with this Cargo.lock.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use manouche_tests::support::{Server, csrf_token, get};

const CLI: &str = env!("CARGO_BIN_EXE_manouche-cli");

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn projects() -> PathBuf {
    let dir = workspace().join("target/e2e/projects");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn manouche(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(CLI)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace().join("target/e2e"))
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh project named `name` with an app `tasks`, using the workspace's lock file.
fn new_project(name: &str) -> PathBuf {
    let root = projects().join(name);
    let _ = std::fs::remove_dir_all(&root);
    let (ok, _, err) = manouche(&projects(), &["startproject", name]);
    assert!(ok, "{err}");
    std::fs::copy(workspace().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    let (ok, _, err) = manouche(&root, &["startapp", "tasks"]);
    assert!(ok, "{err}");
    root
}

/// `cargo test` in the project at `root`, without the caller's DATABASE_URL: whether it
/// passed, and its stdout and stderr.
fn cargo_test(root: &Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO"))
        .args(["test", "--offline"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", workspace().join("target/e2e"))
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn cargo_build(root: &Path) {
    let out = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", workspace().join("target/e2e"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_new_project_s_own_tests_pass_and_leave_its_database_alone() {
    let root = new_project("tested_site");
    let (ok, stdout, stderr) = cargo_test(&root);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("test the_start_page_says_the_install_worked ... ok"),
        "{stdout}"
    );
    assert!(stdout.contains("test result: ok. 2 passed"), "{stdout}");
    assert!(
        !root.join("db.sqlite3").exists(),
        "cargo test wrote the project's own database"
    );
    // The app startapp added is listed in the library, where tests can reach it.
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    assert!(lib.contains("pub mod tasks;"), "{lib}");
}

#[test]
fn names_are_checked_with_djangos_messages() {
    let dir = projects();
    let cases = [
        (
            vec!["startproject", "1bad"],
            "CommandError: '1bad' is not a valid project name. Please make sure the name is a valid identifier.",
        ),
        (
            vec!["startproject", "my-site"],
            "CommandError: 'my-site' is not a valid project name. Please make sure the name is a valid identifier.",
        ),
        (
            vec!["startproject", "std"],
            "CommandError: 'std' conflicts with the name of an existing Rust module or crate and cannot be used as a project name. Please try another name.",
        ),
        (
            vec!["startproject", "fn"],
            "CommandError: 'fn' conflicts with the name of an existing Rust module or crate and cannot be used as a project name. Please try another name.",
        ),
        (
            vec!["startproject", "site", "/no/such/folder"],
            "CommandError: Destination directory '/no/such/folder' does not exist, please create it first.",
        ),
    ];
    for (args, expected) in cases {
        let (ok, _, err) = manouche(&dir, &args);
        assert!(!ok);
        assert_eq!(err.trim(), expected, "{args:?}");
    }
    let root = new_project("names_site");
    let (ok, _, err) = manouche(&root, &["startapp", "tasks"]);
    assert!(!ok);
    assert!(
        err.trim()
            .ends_with("/names_site/src/tasks' already exists"),
        "{err}"
    );
    let (ok, _, err) = manouche(&root, &["startapp", "self"]);
    assert!(
        !ok && err.contains("cannot be used as an app name"),
        "{err}"
    );
    let (ok, _, err) = manouche(&projects(), &["startproject", "names_site"]);
    assert!(
        !ok && err.trim().ends_with("/names_site' already exists"),
        "{err}"
    );
    let (ok, out, _) = manouche(&dir, &["--help"]);
    assert!(
        ok && out.contains("startproject") && out.contains("startapp") && out.contains("runserver")
    );
}

#[test]
fn from_startproject_to_a_page_served_over_http() {
    let root = new_project("e2e_site");
    // Add a view and a route by hand, as the lecture does.
    let views = root.join("src/tasks/views.rs");
    let mut text = std::fs::read_to_string(&views).unwrap();
    text.push_str("\n/// `tasks:greet`.\n#[view]\npub fn greet(_request: &Request, name: String) -> String {\n    format!(\"Hello, {name}!\")\n}\n");
    std::fs::write(&views, text).unwrap();
    let urls = root.join("src/tasks/urls.rs");
    let text = std::fs::read_to_string(&urls)
        .unwrap()
        .replace("path(\"\", views::index, name = \"index\"),", "path(\"\", views::index, name = \"index\"),\n    path(\"hello/<str:name>\", views::greet, name = \"greet\"),");
    std::fs::write(&urls, text).unwrap();
    cargo_build(&root);
    let bin = workspace().join("target/e2e/debug/e2e_site");
    let db = root.join("db.sqlite3");
    let migrate = Command::new(&bin)
        .arg("migrate")
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&migrate.stdout),
        "Operations to perform:\n  Apply all migrations: auth, sessions\nRunning migrations:\n  Applying auth.0001_initial... OK\n  Applying sessions.0001_initial... OK\n"
    );
    assert!(db.exists());
    let server = Server::start(
        bin.to_str().unwrap(),
        &[("DATABASE_URL", &format!("sqlite://{}", db.display()))],
    );
    let home = get(server.addr, "/", &[("Host", "localhost")]);
    assert!(
        home.body
            .contains("The install worked successfully! Congratulations!"),
        "{}",
        home.body
    );
    let app = get(server.addr, "/tasks/", &[("Host", "localhost")]);
    assert!(app.body.contains("<h1>Tasks</h1>"), "{}", app.body);
    let greet = get(server.addr, "/tasks/hello/brian", &[("Host", "localhost")]);
    assert_eq!((greet.status, greet.body.as_str()), (200, "Hello, brian!"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn fetch(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    if buf.is_empty() {
        // Accepted by a server that is stopping for the restart: no answer yet.
        return None;
    }
    let r = manouche_tests::support::parse_response(&buf);
    Some((r.status, r.body))
}

/// Waits until `path` answers with a body containing `text`; how long it took.
fn wait_for(port: u16, path: &str, text: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some((_, body)) = fetch(port, path)
            && body.contains(text)
        {
            return start.elapsed();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{path} never showed {text:?} within {limit:?}");
}

struct Dev(Child);

impl Drop for Dev {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        // The project's server is the dev server's child; stop it too.
        let _ = Command::new("pkill")
            .args(["-f", "e2e/debug/reload_site runserver"])
            .status();
    }
}

#[test]
fn runserver_rebuilds_on_change_and_shows_compile_errors_in_the_browser() {
    let root = new_project("reload_site");
    cargo_build(&root);
    let port = free_port();
    let dev = Dev(Command::new(CLI)
        .args(["runserver", &format!("127.0.0.1:{port}")])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", workspace().join("target/e2e"))
        .env("CARGO_NET_OFFLINE", "true")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", root.join("db.sqlite3").display()),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap());
    let limit = Duration::from_secs(120);
    wait_for(port, "/tasks/", "<h1>Tasks</h1>", limit);

    let template = root.join("src/tasks/templates/tasks/index.html");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(
        &template,
        text.replace("<h1>Tasks</h1>", "<h1>Tasks, edited</h1>"),
    )
    .unwrap();
    let took = wait_for(port, "/tasks/", "<h1>Tasks, edited</h1>", limit);
    println!(
        "edit-to-served (template edit, debug build): {:.1}s",
        took.as_secs_f64()
    );

    // A one-line change in a view: the Rust code is rebuilt.
    let views = root.join("src/tasks/views.rs");
    let original = std::fs::read_to_string(&views).unwrap();
    std::fs::write(
        &views,
        original.replace(
            "render(request, Index)",
            "Ok(Html(\"<h1>Tasks, from the view</h1>\").into_response())",
        ),
    )
    .unwrap();
    let took = wait_for(port, "/tasks/", "<h1>Tasks, from the view</h1>", limit);
    println!(
        "edit-to-served (one-line view edit, debug build): {:.1}s",
        took.as_secs_f64()
    );

    let good = std::fs::read_to_string(&views).unwrap();
    std::fs::write(&views, format!("{good}\nfn broken( {{\n")).unwrap();
    wait_for(port, "/tasks/", "Build failed", limit);
    let (status, body) = fetch(port, "/tasks/").unwrap();
    assert_eq!(status, 500);
    assert!(
        body.contains("error"),
        "the compiler's error is on the page: {body}"
    );
    assert!(body.contains("src/tasks/views.rs"), "{body}");

    std::fs::write(&views, good).unwrap();
    wait_for(port, "/tasks/", "<h1>Tasks, from the view</h1>", limit);

    // SIGTERM to the watcher stops the project's server too: the port is free at once.
    let mut dev = dev;
    let sent = Command::new("kill")
        .args(["-TERM", &dev.0.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "the port still answers 2 s after SIGTERM to manouche runserver"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = dev.0.wait().unwrap();
    assert!(status.success(), "the watcher exits cleanly: {status}");
}

/// The `manouche …` commands of the book's "project" chapter, in order.
fn book_commands() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(workspace().join("book/src/project.md")).unwrap();
    let block = text
        .split("```sh")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("manouche "))
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// Every file of the demo that the book shows, as a reader types it into a project named
/// `name`: its path in the project and its text (the book's anchors dropped, the demo's
/// crate name replaced by the project's). A file the book shows only in parts cannot be
/// typed, and fails the test.
fn book_files(name: &str) -> Vec<(String, String)> {
    let book = workspace().join("book/src");
    let summary = std::fs::read_to_string(book.join("SUMMARY.md")).unwrap();
    let mut shown: std::collections::BTreeMap<String, Vec<Option<String>>> = Default::default();
    for chapter in summary.split(['(', ')']).filter(|p| p.ends_with(".md")) {
        let text = std::fs::read_to_string(book.join(chapter)).unwrap();
        for (i, _) in text.match_indices("{{#include ../../demo/") {
            let spec = &text[i + "{{#include ../../demo/".len()..];
            let spec = &spec[..spec.find("}}").unwrap()];
            let (file, anchor) = match spec.split_once(':') {
                Some((f, a)) => (f, Some(a.to_string())),
                None => (spec, None),
            };
            shown.entry(file.to_string()).or_default().push(anchor);
        }
    }
    let mut files = Vec::new();
    for (file, anchors) in shown {
        // The demo's settings are an example: the reader keeps the ones startproject wrote.
        if file == "settings.toml" {
            continue;
        }
        let text = std::fs::read_to_string(workspace().join("demo").join(&file)).unwrap();
        let whole = if anchors.iter().any(Option::is_none) {
            text
        } else if anchors.iter().any(|a| a.as_deref() == Some("all")) {
            let start = text.find("// ANCHOR: all\n").unwrap() + "// ANCHOR: all\n".len();
            let end = text.find("// ANCHOR_END: all").unwrap();
            text[start..end].to_string()
        } else {
            panic!(
                "the book shows only parts of demo/{file} ({anchors:?}): show it whole once, or a reader cannot type it"
            );
        };
        let typed: String = whole
            .lines()
            .filter(|l| !l.contains("ANCHOR: ") && !l.contains("ANCHOR_END: "))
            .map(|l| format!("{}\n", l.replace("demo::", &format!("{name}::"))))
            .collect();
        files.push((file, typed));
    }
    files
}

#[test]
fn the_book_followed_in_a_new_project_builds_tests_and_serves_the_lecture() {
    let empty = projects().join("book_replay");
    let _ = std::fs::remove_dir_all(&empty);
    std::fs::create_dir_all(&empty).unwrap();
    let commands = book_commands();
    assert_eq!(commands[0][0], "startproject");
    let name = commands[0][1].clone();
    let root = empty.join(&name);
    for args in &commands {
        if args[0] == "runserver" {
            continue; // started below, as the project's own binary
        }
        let dir = if args[0] == "startproject" {
            &empty
        } else {
            &root
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, _, err) = manouche(dir, &args);
        assert!(ok, "manouche {args:?}: {err}");
    }
    // Every file the chapters show, typed in as shown.
    for (file, text) in book_files(&name) {
        let path = root.join(&file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    // The Models chapter: what makemigrations wrote there, and the seed the chapter shows.
    manouche_tests::support::copy_tree(
        &workspace().join("demo/src/flights/migrations"),
        &root.join("src/flights/migrations"),
    );
    // The Testing chapter: tests/lecture.rs replaces startproject's tests/pages.rs.
    std::fs::remove_file(root.join("tests/pages.rs")).unwrap();
    std::fs::copy(workspace().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    cargo_build(&root);
    // The models typed from the book are those the migrations make.
    let bin = workspace().join("target/e2e/debug").join(&name);
    let check = Command::new(&bin)
        .args(["makemigrations", "--check"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    // The Testing chapter's tests pass in the reader's project, and leave its database alone.
    let (ok, out, stderr) = cargo_test(&root);
    assert!(
        ok && out.contains("test result: ok. 5 passed"),
        "{out}\n{stderr}"
    );
    assert!(!root.join("db.sqlite3").exists());
    let db = format!("sqlite://{}", root.join("db.sqlite3").display());
    let migrate = Command::new(&bin)
        .arg("migrate")
        .env("DATABASE_URL", &db)
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&migrate.stdout).contains("Applying sessions.0001_initial... OK")
    );
    let server = Server::start(bin.to_str().unwrap(), &[("DATABASE_URL", &db)]);

    let hello = get(server.addr, "/hello/brian", &[("Host", "localhost")]);
    assert!(
        hello.body.contains("<h1>Hello, Brian!</h1>"),
        "{}",
        hello.body
    );
    let newyear = get(server.addr, "/newyear/", &[("Host", "localhost")]);
    assert!(
        newyear.body.contains("<h1>NO</h1>") || newyear.body.contains("<h1>YES</h1>"),
        "{}",
        newyear.body
    );
    let list = get(server.addr, "/tasks/", &[("Host", "localhost")]);
    assert!(list.body.contains("No tasks."), "{}", list.body);
    let flight = get(server.addr, "/flights/1", &[("Host", "localhost")]);
    assert!(
        flight.body.contains("<li>Origin: New York (JFK)</li>"),
        "{}",
        flight.body
    );
    let form = get(server.addr, "/tasks/add", &[("Host", "localhost")]);
    let csrf_cookie = form
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = csrf_token(&form.body);
    let body = format!("csrfmiddlewaretoken={token}&task=Buy+milk&priority=3");
    let post = format!(
        "POST /tasks/add HTTP/1.1\r\nHost: localhost\r\nCookie: {csrf_cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let added = manouche_tests::support::exchange(server.addr, post.as_bytes());
    assert_eq!(added.status, 302, "{}", added.body);
    let session = added
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("sessionid="))
        .map(|(_, v)| v.split(';').next().unwrap().to_string())
        .expect("a session cookie");
    let list = get(
        server.addr,
        "/tasks/",
        &[("Host", "localhost"), ("Cookie", &session)],
    );
    assert!(list.body.contains("<li>Buy milk</li>"), "{}", list.body);
}

/// The project's own binary, built in target/e2e: its output and status, with `input` typed.
fn project_command(
    root: &Path,
    name: &str,
    args: &[&str],
    env: &[(&str, &str)],
    input: &str,
) -> (bool, String, String) {
    let bin = workspace().join("target/e2e/debug").join(name);
    let out = manouche_tests::support::run_with_input(
        Command::new(bin)
            .args(args)
            .envs(env.iter().copied())
            .current_dir(root),
        input,
    );
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One text value a query selects, through manouche's own pool.
fn select_text(url: &str, root: &Path, sql: &str) -> String {
    use manouche::diesel::RunQueryDsl;
    let db = manouche::db::Database::open(url, root).unwrap();
    let mut conn = db.connection().unwrap();
    manouche::diesel::select(manouche::diesel::dsl::sql::<
        manouche::diesel::sql_types::Text,
    >(sql))
    .get_result::<String>(&mut *conn)
    .unwrap()
}

fn execute_sql(url: &str, root: &Path, sql: &str) {
    use manouche::diesel::RunQueryDsl;
    let db = manouche::db::Database::open(url, root).unwrap();
    let mut conn = db.connection().unwrap();
    manouche::diesel::sql_query(sql)
        .execute(&mut *conn)
        .unwrap();
}

const TASK_V1: &str = "use manouche::Model;\n\n/// A task.\n#[derive(Debug, Model)]\npub struct Task {\n    pub id: i64,\n    #[field(max_length = 50)]\n    pub name: String,\n    pub price: i32,\n}\n";
const TASK_V2: &str = "use manouche::Model;\n\n/// A task.\n#[derive(Debug, Model)]\npub struct Task {\n    pub id: i64,\n    #[field(max_length = 80)]\n    pub name: String,\n    pub price_cents: i32,\n    pub stock: i32,\n    pub note: Option<String>,\n}\n";

#[test]
fn a_model_edited_in_a_new_project_migrates_forward_and_back_on_both_databases() {
    let name = "modelled_site";
    let root = new_project(name);
    let set_model = |text: &str| {
        std::fs::write(root.join("src/tasks/models.rs"), text).unwrap();
        let config = root.join("src/tasks/mod.rs");
        let mod_rs = std::fs::read_to_string(&config)
            .unwrap()
            .replace("models = [],", "models = [models::Task],");
        std::fs::write(config, mod_rs).unwrap();
        cargo_build(&root);
    };
    let run = |args: &[&str], env: &[(&str, &str)], input: &str| {
        project_command(&root, name, args, env, input)
    };
    set_model(TASK_V1);
    let (ok, out, err) = run(&["makemigrations"], &[], "");
    assert!(ok, "{out}{err}");
    assert!(out.contains("Migrations for 'tasks':\n"), "{out}");
    assert!(
        out.contains("_0001_initial\n    + Create model Task\n"),
        "{out}"
    );
    cargo_build(&root);
    let (ok, out, _) = run(&["makemigrations", "--check"], &[], "");
    assert!(ok && out.contains("No changes detected"), "{out}");

    // SQLite: the first migration, a row, then the edited model.
    let sqlite = format!("sqlite://{}", root.join("db.sqlite3").display());
    let on_sqlite = [("DATABASE_URL", sqlite.as_str())];
    let (ok, out, err) = run(&["migrate"], &on_sqlite, "");
    assert!(
        ok && out.contains("Applying tasks.0001_initial... OK"),
        "{out}{err}"
    );
    execute_sql(
        &sqlite,
        &root,
        "INSERT INTO tasks_task (name, price) VALUES ('milk', 120)",
    );
    set_model(TASK_V2);
    // The server, check and migrate say the models changed without a migration.
    let (_, out, _) = run(&["check"], &[], "");
    assert!(
        out.contains(
            "Your models have changes that are not yet reflected in a migration (app(s): tasks)"
        ),
        "{out}"
    );
    // --noinput does not guess whether price became price_cents: nothing is written.
    let (ok, _, err) = run(&["makemigrations", "--noinput"], &[], "");
    assert!(!ok);
    assert!(
        err.contains("task.price may have been renamed to task.price_cents"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(root.join("src/tasks/migrations/sqlite"))
            .unwrap()
            .count(),
        1
    );
    // Asked: yes, a rename; a one-off default of 7 for the new stock column.
    let (ok, out, err) = run(&["makemigrations"], &[], "y\n1\n7\n");
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("Was task.price renamed to task.price_cents (a IntegerField)? [y/N]"),
        "{out}"
    );
    assert!(
        out.contains("It is impossible to add a non-nullable field 'stock' to task without specifying a default."),
        "{out}"
    );
    for line in [
        "    ~ Alter field name on task\n",
        "    ~ Rename field price on task to price_cents\n",
        "    + Add field stock to task\n",
        "    + Add field note to task\n",
    ] {
        assert!(out.contains(line), "{line:?} in {out}");
    }
    cargo_build(&root);
    let (ok, out, err) = run(&["migrate"], &on_sqlite, "");
    assert!(ok && out.contains("Applying tasks.0002_"), "{out}{err}");
    assert_eq!(
        select_text(
            &sqlite,
            &root,
            "(SELECT name || '|' || price_cents || '|' || stock || '|' || coalesce(note, '-') FROM tasks_task)"
        ),
        "milk|120|7|-"
    );
    // The longer name fits now (SQLite remade the table with varchar(80)).
    let (ok, out, _) = run(&["makemigrations", "--check"], &[], "");
    assert!(ok && out.contains("No changes detected"), "{out}");
    // Back: 0002's down.sql, then 0001's.
    let (ok, out, err) = run(&["migrate", "tasks", "0001"], &on_sqlite, "");
    assert!(ok && out.contains("Unapplying tasks.0002_"), "{out}{err}");
    assert_eq!(
        select_text(
            &sqlite,
            &root,
            "(SELECT name || '|' || price FROM tasks_task)"
        ),
        "milk|120"
    );
    let (ok, out, err) = run(&["migrate", "tasks", "zero"], &on_sqlite, "");
    assert!(
        ok && out.contains("Unapplying tasks.0001_initial... OK"),
        "{out}{err}"
    );
    assert_eq!(
        select_text(
            &sqlite,
            &root,
            "(SELECT CAST(count(*) AS TEXT) FROM sqlite_master WHERE name = 'tasks_task')"
        ),
        "0"
    );

    // PostgreSQL: the same migrations, a row kept through the second.
    let pg = manouche_tests::support::PgDatabase::create();
    let on_pg = [("DATABASE_URL", pg.url.as_str())];
    let (ok, out, err) = run(&["migrate", "tasks", "0001"], &on_pg, "");
    assert!(
        ok && out.contains("Applying tasks.0001_initial... OK"),
        "{out}{err}"
    );
    execute_sql(
        &pg.url,
        &root,
        "INSERT INTO tasks_task (name, price) VALUES ('bread', 250)",
    );
    let (ok, out, err) = run(&["migrate"], &on_pg, "");
    assert!(ok && out.contains("Applying tasks.0002_"), "{out}{err}");
    assert_eq!(
        select_text(
            &pg.url,
            &root,
            "(SELECT name || '|' || price_cents || '|' || stock || '|' || coalesce(note, '-') FROM tasks_task)"
        ),
        "bread|250|7|-"
    );
    let (ok, out, err) = run(&["migrate", "tasks", "zero"], &on_pg, "");
    assert!(
        ok && out.contains("Unapplying tasks.0001_initial... OK"),
        "{out}{err}"
    );
}
