//! The project's binary as manage.py: runserver's address rules and messages, check,
//! showurls, unknown commands.

use std::process::Command;

use manouche::management::parse_addrport;
use manouche_tests::support::Server;

const DEMO: &str = env!("CARGO_BIN_EXE_demo-site");

fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(DEMO)
        .args(args)
        .env("DATABASE_URL", manouche_tests::support::fresh_sqlite_url())
        .envs(env.iter().copied())
        .output()
        .expect("run the demo");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn addrport_follows_runserver() {
    let ok = |s: Option<&str>| parse_addrport(s).unwrap();
    assert_eq!(ok(None), ("127.0.0.1".to_string(), 8000));
    assert_eq!(ok(Some("8080")), ("127.0.0.1".to_string(), 8080));
    assert_eq!(ok(Some("0:8000")), ("0.0.0.0".to_string(), 8000));
    assert_eq!(ok(Some("10.0.0.1:80")), ("10.0.0.1".to_string(), 80));
    assert_eq!(ok(Some("[::1]:8000")), ("[::1]".to_string(), 8000));
    assert_eq!(ok(Some("localhost:8000")), ("localhost".to_string(), 8000));
    for bad in [
        "abc",
        "1.2.3.4:",
        ":8000",
        "[::1]",
        "host name:80",
        "[zz]:80",
    ] {
        assert!(parse_addrport(Some(bad)).is_err(), "{bad}");
    }
    assert_eq!(
        parse_addrport(Some("abc")).unwrap_err().to_string(),
        "\"abc\" is not a valid port number or address:port pair."
    );
}

#[test]
fn a_bad_address_is_refused_with_djangos_message() {
    let (code, _, err) = run(&["runserver", "abc"], &[]);
    assert_eq!(code, 1);
    assert_eq!(
        err.trim(),
        "CommandError: \"abc\" is not a valid port number or address:port pair."
    );
}

#[test]
fn a_busy_port_is_reported() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (code, _, err) = run(&["runserver", &format!("127.0.0.1:{port}")], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("Error: That port is already in use."), "{err}");
}

#[test]
fn debug_off_without_allowed_hosts_refuses_to_start() {
    let (code, _, err) = run(
        &["runserver", "127.0.0.1:0"],
        &[("MANOUCHE_DEBUG", "false"), ("MANOUCHE_ALLOWED_HOSTS", "")],
    );
    assert_eq!(code, 1);
    assert_eq!(
        err.trim(),
        "CommandError: You must set settings.ALLOWED_HOSTS if DEBUG is False."
    );
    let (code, _, err) = run(
        &["runserver", "127.0.0.1:0"],
        &[("MANOUCHE_DEBUG", "false"), ("MANOUCHE_SECRET_KEY", "")],
    );
    assert_eq!(code, 1);
    assert!(
        err.trim()
            .starts_with("CommandError: The SECRET_KEY setting must not be empty."),
        "{err}"
    );
    // DEBUG on does not make an empty key acceptable.
    let (code, _, err) = run(
        &["runserver", "127.0.0.1:0"],
        &[("MANOUCHE_DEBUG", "true"), ("MANOUCHE_SECRET_KEY", "")],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("The SECRET_KEY setting must not be empty.") && err.contains("openssl rand"),
        "{err}"
    );
}

#[test]
fn the_banner_is_runserver_s() {
    let server = Server::start(DEMO, &[]);
    let out = server.stdout();
    // The demo applies its migrations first (AUTO_MIGRATE), then Django's banner.
    assert!(
        out.starts_with("Operations to perform:\n  Apply all migrations: auth, flights, sessions\nRunning migrations:\n  Applying auth.0001_initial... OK\n  Applying sessions.0001_initial... OK\n  Applying flights.0001_initial... OK\n  Applying flights.0002_passenger_booking... OK\n  Applying flights.0003_seed... OK\n  Applying flights.0004_flight_capacity... OK\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "Performing system checks...\n\nSystem check identified no issues (0 silenced).\n"
        ),
        "{out}"
    );
    assert!(out.contains(&format!(
        "Starting development server at http://{}/\nQuit the server with CONTROL-C.",
        server.addr
    )));
}

#[test]
fn check_showurls_help_and_unknown_commands() {
    let (code, out, _) = run(&["check"], &[]);
    assert_eq!(
        (code, out.as_str()),
        (0, "System check identified no issues (0 silenced).\n")
    );
    let (code, out, _) = run(&["showurls"], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "/flights/\tdemo::flights::views::index\tflights:index\n/flights/<int:flight_id>\tdemo::flights::views::flight\tflights:flight\n/flights/<int:flight_id>/book\tdemo::flights::views::book\tflights:book\n/flights/api/<int:flight_id>\tdemo::flights::views::api\tflights:api\n/flights/new\tdemo::flights::views::new_flight\tflights:new\n/flights/airports/new\tdemo::flights::views::new_airport\tflights:new_airport\n/hello/\tdemo::hello::views::index\thello:index\n/hello/<str:name>\tdemo::hello::views::greet\thello:greet\n/newyear/\tdemo::newyear::views::index\tnewyear:index\n/tasks/\tdemo::tasks::views::index\ttasks:index\n/tasks/add\tdemo::tasks::views::add\ttasks:add\n/tasks/files\tdemo::tasks::views::files\ttasks:files\n/users/\tdemo::users::views::index\tusers:index\n/users/login\tdemo::users::views::login_view\tusers:login\n/users/logout\tdemo::users::views::logout_view\tusers:logout\n"
    );
    let (code, out, _) = run(&["help"], &[]);
    assert_eq!(code, 0);
    assert!(out.contains("runserver"));
    let (code, _, err) = run(&["frobnicate"], &[]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("Unknown command: 'frobnicate'\nType '"),
        "{err}"
    );
}

#[test]
fn help_lists_every_command_under_its_app_and_shows_each_one_s_usage() {
    let (code, out, _) = run(&["help"], &[]);
    assert_eq!(code, 0);
    let manouche = out.find("\n[manouche]\n").expect("the [manouche] heading");
    let sessions = out.find("\n[sessions]\n").expect("the [sessions] heading");
    for command in [
        "check",
        "help",
        "migrate",
        "runserver",
        "serve",
        "showmigrations",
        "showurls",
    ] {
        let at = out
            .find(&format!("\n    {command} "))
            .unwrap_or_else(|| panic!("{command} is not listed:\n{out}"));
        assert!(manouche < at && at < sessions, "{command} under [manouche]");
    }
    assert!(out[sessions..].contains("\n    clearsessions "), "{out}");
    // Every command listed runs (none is only in the list, none only in the dispatch).
    for line in out.lines().filter(|l| l.starts_with("    ")) {
        let name = line.split_whitespace().next().unwrap();
        let (code, usage, _) = run(&["help", name], &[]);
        assert_eq!(code, 0, "help {name}");
        assert!(
            usage.starts_with(&format!("usage: demo-site {name}")),
            "{usage}"
        );
    }
    let (_, usage, _) = run(&["help", "runserver"], &[]);
    assert_eq!(
        usage,
        "usage: demo-site runserver [addr:port] [--noreload] [--nothreading]\n\nStarts the development server (default 127.0.0.1:8000).\n"
    );
    let (code, _, err) = run(&["help", "frobnicate"], &[]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("CommandError: Unknown command: 'frobnicate'"),
        "{err}"
    );
}

#[test]
fn a_bad_settings_file_stops_the_command() {
    let dir = std::env::temp_dir().join(format!("manouche-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("settings.toml"),
        "DEBUG = true\nALLOWED_HOSTS = \"localhost\"\n",
    )
    .unwrap();
    let (code, _, err) = run(&["check"], &[("MANOUCHE_BASE_DIR", dir.to_str().unwrap())]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 1);
    assert!(
        err.contains("settings.toml:2: ALLOWED_HOSTS: invalid type"),
        "{err}"
    );
}

#[test]
fn project_commands_run_and_report_errors() {
    let site = env!("CARGO_BIN_EXE_testsite");
    let out = Command::new(site)
        .args(["greet", "Ada", "Alan"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Hello, Ada and Alan!\n"
    );
    let out = Command::new(site).arg("greet").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "CommandError: greet needs at least one name\n"
    );
    let out = Command::new(site).arg("help").output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("greet           Greets the names given.")
    );
}

#[test]
fn check_deploy_gives_djangos_deployment_warnings() {
    let (code, out, _) = run(&["check", "--deploy"], &[]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("System check identified some issues:\n\nWARNINGS:\n"),
        "{out}"
    );
    for id in [
        "security.W004",
        "security.W009",
        "security.W012",
        "security.W016",
        "security.W018",
    ] {
        assert!(out.contains(&format!("?: ({id}) ")), "{id} in {out}");
    }
    assert!(
        !out.contains("security.W020"),
        "the demo sets ALLOWED_HOSTS"
    );
    assert!(
        out.ends_with("System check identified 5 issues (0 silenced).\n"),
        "{out}"
    );
    let (_, out, _) = run(
        &["check", "--deploy"],
        &[
            ("MANOUCHE_DEBUG", "false"),
            (
                "MANOUCHE_SECRET_KEY",
                "k7#Vq9!zR2@mW4$xL8%nB6^cT1&yH3*pJ5(dF0)sG9-aE7=uK2+oN4_iM8rQ6wZ1",
            ),
            ("MANOUCHE_SESSION_COOKIE_SECURE", "true"),
            ("MANOUCHE_CSRF_COOKIE_SECURE", "true"),
            ("MANOUCHE_SECURE_HSTS_SECONDS", "31536000"),
        ],
    );
    assert_eq!(out, "System check identified no issues (0 silenced).\n");
}

#[test]
fn settings_accepted_but_not_used_yet_are_a_check_warning_not_silence() {
    let (code, out, _) = run(
        &["check"],
        &[
            ("MANOUCHE_TIME_ZONE", "Europe/Paris"),
            ("MANOUCHE_LANGUAGE_CODE", "fr"),
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "System check identified some issues:\n\nWARNINGS:\n?: (manouche.W001) TIME_ZONE = \"Europe/Paris\" is accepted but not used yet: manouche shows dates in UTC.\n?: (manouche.W002) LANGUAGE_CODE = \"fr\" is accepted but not used yet: manouche's messages are in English.\n\nSystem check identified 2 issues (0 silenced).\n"
    );
    let (_, out, _) = run(&["check"], &[("MANOUCHE_TIME_ZONE", "UTC")]);
    assert_eq!(out, "System check identified no issues (0 silenced).\n");
}

#[test]
fn createsuperuser_and_changepassword_as_djangos() {
    let db = manouche_tests::support::fresh_sqlite_url();
    let run_on = |args: &[&str], env: &[(&str, &str)], input: &str| {
        let out = manouche_tests::support::run_with_input(
            Command::new(DEMO)
                .args(args)
                .env("DATABASE_URL", &db)
                .envs(env.iter().copied()),
            input,
        );
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(run_on(&["migrate"], &[], "").0, 0);
    let (code, _, err) = run_on(&["createsuperuser", "--noinput"], &[], "");
    assert_eq!(code, 1);
    assert!(
        err.contains("You must use --username with --noinput."),
        "{err}"
    );
    let env = [
        ("MANOUCHE_SUPERUSER_PASSWORD", "s3cret-admin-pw"),
        ("MANOUCHE_SUPERUSER_EMAIL", "admin@Example.com"),
    ];
    let (code, out, err) = run_on(
        &["createsuperuser", "--noinput", "--username", "admin"],
        &env,
        "",
    );
    assert_eq!(
        (code, out.as_str()),
        (0, "Superuser created successfully.\n"),
        "{err}"
    );
    let (code, _, err) = run_on(
        &["createsuperuser", "--noinput", "--username=admin"],
        &env,
        "",
    );
    assert_eq!(code, 1);
    assert!(err.contains("That username is already taken."), "{err}");
    // Interactively: a mismatch is asked again.
    let (code, out, err) = run_on(
        &["changepassword", "admin"],
        &[],
        "one-password\nanother\n12345678\n12345678\nnew-password-1\nnew-password-1\n",
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("Passwords do not match. Please try again."),
        "{err}"
    );
    // Django's validators, with their messages.
    assert!(
        err.contains("This password is too common.\nThis password is entirely numeric."),
        "{err}"
    );
    assert!(
        out.ends_with("Password changed successfully for user 'admin'\n"),
        "{out}"
    );
    let mut settings = manouche::settings::Settings::default();
    settings.database_url = db.clone();
    let database = manouche::db::shared(&settings).unwrap();
    let admin = manouche::auth::get_by_username(&database, "admin")
        .unwrap()
        .unwrap();
    assert!(admin.is_superuser && admin.is_staff && admin.is_active);
    assert_eq!(admin.email, "admin@example.com");
    assert!(manouche::auth::hashers::check_password("new-password-1", &admin.password).correct);
}
