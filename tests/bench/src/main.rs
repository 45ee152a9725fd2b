//! `manouche-bench`: the load benchmark (hello:greet, tasks:index and flights:flight against
//! their peers). Starts each server pinned to one core, loads it with
//! wrk pinned to the other, and prints requests/s, p99 latency, server CPU µs per request
//! (from the process's own CPU time), peak RSS and time to first answer, each run and the
//! medians, with CPU ratios to raw hyper and the targets, and writes the medians as an SVG bar
//! chart (`--svg PATH`, `target/bench/results.svg` by default). Ratios are taken within a run,
//! between servers measured back to back (in alternating order), then their median is given:
//! the machine drifts more between runs than within one.
//!
//! Run it with `bash tests/bench/run.sh` (builds in release and installs wrk when missing).
//! Options: `--runs N` (3), `--seconds S` (5), `--connections C` (64), `--svg PATH`.

use std::path::{Path, PathBuf};

use manouche_bench::chart::{self, Bar};
use manouche_bench::client;
use manouche_bench::process::Server;
use manouche_bench::wrk;

const SECRET_KEY: &str =
    "bench-secret-key-4c1f8e2a9b7d6e5f3a2c1b0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f";
const TASKS: usize = 10;

struct Options {
    runs: usize,
    seconds: u32,
    connections: u32,
    /// A virtualenv with Django and gunicorn: adds Django's peers.
    django_env: Option<PathBuf>,
    /// Where the chart is written.
    svg: PathBuf,
}

fn options() -> Options {
    let mut o = Options {
        runs: 3,
        seconds: 5,
        connections: 64,
        django_env: None,
        svg: PathBuf::from("target/bench/results.svg"),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        if pair[0] == "--django" && pair.len() == 2 {
            let venv = std::fs::canonicalize(&pair[1]).unwrap_or_else(|e| fail(&pair[1], e));
            o.django_env = Some(venv);
            continue;
        }
        if pair[0] == "--svg" && pair.len() == 2 {
            o.svg = PathBuf::from(&pair[1]);
            continue;
        }
        let value = pair.get(1).and_then(|v| v.parse::<u32>().ok());
        match (pair[0].as_str(), value) {
            ("--runs", Some(v)) if v > 0 => o.runs = v as usize,
            ("--seconds", Some(v)) if v > 0 => o.seconds = v,
            ("--connections", Some(v)) if v > 0 => o.connections = v,
            _ => {
                eprintln!(
                    "usage: manouche-bench [--runs N] [--seconds S] [--connections C] [--django VENV] [--svg PATH]"
                );
                std::process::exit(2);
            }
        }
    }
    o
}

/// One server and the request it is loaded with.
#[derive(Clone)]
struct Target {
    name: &'static str,
    program: PathBuf,
    /// Arguments; `{port}` is replaced by the port it listens on.
    args: Vec<String>,
    env: Vec<(String, String)>,
    path: &'static str,
    headers: Vec<String>,
}

/// One run's figures for one target.
#[derive(Clone, Copy)]
struct Figures {
    rps: f64,
    p99_ms: f64,
    cpu_us: f64,
    user_us: f64,
    rss_mib: f64,
    first_ms: f64,
}

fn sibling(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the benchmark knows its own path");
    let path = exe.with_file_name(name);
    if !path.exists() {
        eprintln!(
            "{} is missing: build it with `cargo build --release -p demo -p manouche-bench`",
            path.display()
        );
        std::process::exit(2);
    }
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

fn demo_env(db: &Path) -> Vec<(String, String)> {
    [
        ("MANOUCHE_DEBUG", "false".to_string()),
        ("MANOUCHE_SECRET_KEY", SECRET_KEY.to_string()),
        ("MANOUCHE_ALLOWED_HOSTS", "127.0.0.1".to_string()),
        ("MANOUCHE_AUTO_MIGRATE", "true".to_string()),
        ("DATABASE_URL", format!("sqlite://{}", db.display())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Adds the tasks through the demo's form (CSRF token and all) and returns the Cookie header
/// that carries the session.
/// Starts `target`'s program on a free port (pinned to `cpu`), once it answers its path.
fn start(target: &Target, cpu: Option<usize>) -> std::io::Result<(Server, u16)> {
    let port = free_port();
    let args: Vec<String> = target
        .args
        .iter()
        .map(|a| a.replace("{port}", &port.to_string()))
        .collect();
    let server = Server::start(&target.program, &args, &target.env, cpu, port, target.path)?;
    Ok((server, port))
}

fn make_session(site: &Target) -> std::io::Result<String> {
    let (server, port) = start(site, None)?;
    let form = client::request(port, "GET", "/tasks/add", &[], "")?;
    let mut cookies = form.cookies();
    let token = form
        .body
        .split("name=\"csrfmiddlewaretoken\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| std::io::Error::other("the add form has no CSRF token"))?
        .to_string();
    for n in 1..=TASKS {
        let cookie = cookies.join("; ");
        let body = format!("csrfmiddlewaretoken={token}&task=Task+number+{n}&priority=3");
        let reply = client::request(
            port,
            "POST",
            "/tasks/add",
            &[
                ("Cookie", &cookie),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            &body,
        )?;
        if reply.status != 302 {
            return Err(std::io::Error::other(format!(
                "adding task {n} answered {}: {}",
                reply.status, reply.body
            )));
        }
        for new in reply.cookies() {
            let name = new.split('=').next().unwrap_or("").to_string();
            cookies.retain(|c| !c.starts_with(&format!("{name}=")));
            cookies.push(new);
        }
    }
    server.stop();
    Ok(cookies.join("; "))
}

/// Checks each target answers what it should before it is measured.
fn check(target: &Target, port: u16) -> std::io::Result<()> {
    let headers: Vec<(&str, &str)> = target
        .headers
        .iter()
        .filter_map(|h| h.split_once(": "))
        .collect();
    let reply = client::request(port, "GET", target.path, &headers, "")?;
    let ok = reply.status == 200
        && if target.path.starts_with("/tasks") {
            (1..=TASKS).all(|n| reply.body.contains(&format!("<li>Task number {n}</li>")))
        } else if target.path.starts_with("/flights") {
            [
                "<li>Origin: New York (JFK)</li>",
                "<li>Harry Potter</li>",
                "<li>Hermione Granger</li>",
                "<option value=\"4\">Ginny Weasley</option>",
                "name=\"csrfmiddlewaretoken\"",
            ]
            .iter()
            .all(|part| reply.body.contains(part))
        } else {
            reply.body.contains("Hello, ") && reply.body.to_lowercase().contains("brian!")
        };
    if ok {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "{} answered {} with an unexpected body:\n{}",
            target.name, reply.status, reply.body
        )))
    }
}

fn measure(target: &Target, o: &Options, cpus: (Option<usize>, Option<usize>)) -> Figures {
    let (server, port) = start(target, cpus.1).unwrap_or_else(|e| fail(target.name, e));
    let first_ms = server.first_response.as_secs_f64() * 1e3;
    check(target, port).unwrap_or_else(|e| fail(target.name, e));
    let url = format!("http://127.0.0.1:{port}{}", target.path);
    // Warm-up: connections, pools and caches.
    wrk::run(&url, &target.headers, o.connections, 1, cpus.0)
        .unwrap_or_else(|e| fail(target.name, e));
    let before = server.cpu_time();
    let load = wrk::run(&url, &target.headers, o.connections, o.seconds, cpus.0)
        .unwrap_or_else(|e| fail(target.name, e));
    let cpu = server.cpu_time().since(before);
    let rss = server.peak_rss();
    server.stop();
    if load.errors > 0 || load.requests == 0 {
        fail(
            target.name,
            format!("{} errors in {} requests", load.errors, load.requests),
        );
    }
    Figures {
        rps: load.rps,
        p99_ms: load.p99.as_secs_f64() * 1e3,
        cpu_us: cpu.total().as_secs_f64() * 1e6 / load.requests as f64,
        user_us: cpu.user.as_secs_f64() * 1e6 / load.requests as f64,
        rss_mib: rss as f64 / (1024.0 * 1024.0),
        first_ms,
    }
}

/// Django 5.2 under gunicorn (one sync worker) on the same three pages: its tables migrated
/// and seeded, then ten tasks added through its own form.
fn django_targets(venv: &Path, dir: &Path) -> Vec<Target> {
    let site = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("django");
    let env = vec![
        ("SECRET_KEY".to_string(), SECRET_KEY.to_string()),
        (
            "DJANGO_DB".to_string(),
            dir.join("django.sqlite3").display().to_string(),
        ),
    ];
    for step in ["migrate", "seed"] {
        let done = std::process::Command::new(venv.join("bin/python"))
            .arg(site.join("benchsite.py"))
            .arg(step)
            .current_dir(&site)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output();
        match done {
            Ok(out) if out.status.success() => {}
            Ok(out) => fail("django set-up", String::from_utf8_lossy(&out.stderr)),
            Err(e) => fail("django set-up", e),
        }
    }
    let site_dir = site.display().to_string();
    let gunicorn = |name, path| Target {
        name,
        program: venv.join("bin/gunicorn"),
        args: [
            "--workers",
            "1",
            "--bind",
            "127.0.0.1:{port}",
            "--chdir",
            &site_dir,
            "--log-level",
            "warning",
            "benchsite:application",
        ]
        .map(String::from)
        .to_vec(),
        env: env.clone(),
        path,
        headers: vec![],
    };
    let tasks = gunicorn("(g) Django+gunicorn tasks", "/tasks/");
    let cookie = make_session(&tasks).unwrap_or_else(|e| fail("django session set-up", e));
    vec![
        gunicorn("(f) Django+gunicorn greet", "/hello/brian"),
        Target {
            headers: vec![format!("Cookie: {cookie}")],
            ..tasks
        },
        gunicorn("(j) Django+gunicorn flight", "/flights/1"),
    ]
}

/// Three of the seeded passengers on flight 1, so that the flight page lists some.
fn book_passengers(db: &Path) {
    use diesel::{Connection, RunQueryDsl};
    let booked =
        diesel::SqliteConnection::establish(&db.display().to_string()).and_then(|mut c| {
            diesel::sql_query(
            "INSERT INTO flights_booking (passenger_id, flight_id) VALUES (1, 1), (2, 1), (3, 1)",
        )
        .execute(&mut c)
        .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
        });
    if let Err(e) = booked {
        fail("booking passengers", e);
    }
}

fn fail(name: &str, e: impl std::fmt::Display) -> ! {
    eprintln!("{name}: {e}");
    std::process::exit(1)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() {
    let o = options();
    for tool in ["wrk", "taskset"] {
        let found = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {tool}"))
            .output()
            .is_ok_and(|out| out.status.success());
        if !found {
            eprintln!("{tool} is not installed (apt-get install -y wrk util-linux)");
            std::process::exit(2);
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // wrk on core 0, the server on core 1.
    let cpus = if cores >= 2 {
        (Some(0), Some(1))
    } else {
        (None, None)
    };
    let dir = std::env::temp_dir().join(format!("manouche-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| fail("temp dir", e));
    let db = dir.join("db.sqlite3");
    let demo = sibling("demo");
    let env = demo_env(&db);
    let serve = vec!["serve".to_string(), "127.0.0.1:{port}".to_string()];
    let demo_tasks = Target {
        name: "(d) demo tasks:index",
        program: demo.clone(),
        args: serve.clone(),
        env: env.clone(),
        path: "/tasks/",
        headers: vec![],
    };
    let cookie = make_session(&demo_tasks).unwrap_or_else(|e| fail("session set-up", e));
    let session_header = format!("Cookie: {cookie}");
    book_passengers(&db);

    let mut targets = vec![
        Target {
            name: "(a) raw hyper /hello/brian",
            program: sibling("hyper-hello"),
            args: vec!["{port}".into()],
            env: vec![],
            path: "/hello/brian",
            headers: vec![],
        },
        Target {
            name: "(a2) raw hyper, greet's HTML",
            program: sibling("hyper-hello"),
            args: vec!["{port}".into(), "page".into()],
            env: vec![],
            path: "/hello/brian",
            headers: vec![],
        },
        Target {
            name: "(b) axum /hello/brian",
            program: sibling("axum-hello"),
            args: vec!["{port}".into()],
            env: vec![],
            path: "/hello/brian",
            headers: vec![],
        },
        Target {
            name: "(c) demo hello:greet",
            program: demo.clone(),
            args: serve.clone(),
            env: env.clone(),
            path: "/hello/brian",
            headers: vec![],
        },
        Target {
            headers: vec![session_header.clone()],
            ..demo_tasks
        },
        Target {
            name: "(e) axum+askama+diesel tasks",
            program: sibling("axum-tasks"),
            args: vec!["{port}".into()],
            env: vec![
                ("DATABASE_PATH".into(), db.display().to_string()),
                ("SECRET_KEY".into(), SECRET_KEY.into()),
            ],
            path: "/tasks/",
            headers: vec![session_header],
        },
        Target {
            name: "(h) demo flights:flight",
            program: demo.clone(),
            args: serve.clone(),
            env: env.clone(),
            path: "/flights/1",
            headers: vec![],
        },
        Target {
            name: "(i) axum+askama+diesel flight",
            program: sibling("axum-flights"),
            args: vec!["{port}".into()],
            env: vec![("DATABASE_PATH".into(), db.display().to_string())],
            path: "/flights/1",
            headers: vec![],
        },
    ];
    if let Some(venv) = &o.django_env {
        targets.extend(django_targets(venv, &dir));
    }

    println!(
        "manouche-bench: {} runs × {} s, wrk -t1 -c{} on core {:?}, servers on core {:?}, {} cores",
        o.runs, o.seconds, o.connections, cpus.0, cpus.1, cores
    );
    let mut results: Vec<Vec<Figures>> = vec![Vec::new(); targets.len()];
    for run in 1..=o.runs {
        println!("\nrun {run}");
        // The machine drifts over seconds: each pair the targets compare is measured back to
        // back, in alternating order from run to run, and compared within its run.
        let mut order: Vec<usize> = vec![0, 3, 1, 2, 5, 4, 6, 7];
        order.extend(8..targets.len());
        if run % 2 == 0 {
            order.swap(0, 1);
            order.swap(4, 5);
            order.swap(6, 7);
        }
        for &i in &order {
            let target = &targets[i];
            let f = measure(target, &o, cpus);
            println!(
                "  {:<30} {:>9.0} req/s  p99 {:>6.2} ms  {:>6.1} µs CPU/req ({:>5.2} user)  RSS {:>5.1} MiB  first answer {:>5.1} ms",
                target.name, f.rps, f.p99_ms, f.cpu_us, f.user_us, f.rss_mib, f.first_ms
            );
            results[i].push(f);
        }
    }
    let med = |i: usize, f: fn(&Figures) -> f64| median(results[i].iter().map(f).collect());
    // CPU of target `i` over target `base`'s, run by run.
    let ratios_of = |i: usize, base: usize, f: fn(&Figures) -> f64| -> Vec<f64> {
        results[i]
            .iter()
            .zip(&results[base])
            .map(|(x, b)| f(x) / f(b))
            .collect()
    };
    let ratios = |i: usize, base: usize| ratios_of(i, base, |f| f.cpu_us);
    println!(
        "\nmedians of {} runs (CPU ratio to raw hyper in the same run, then the median)",
        o.runs
    );
    println!(
        "  {:<30} {:>9} {:>9} {:>12} {:>7} {:>11} {:>9} {:>13}",
        "server",
        "req/s",
        "p99 ms",
        "CPU µs/req",
        "ratio",
        "user µs/req",
        "RSS MiB",
        "first ans. ms"
    );
    for (i, target) in targets.iter().enumerate() {
        println!(
            "  {:<30} {:>9.0} {:>9.2} {:>12.1} {:>7.2} {:>11.2} {:>9.1} {:>13.1}",
            target.name,
            med(i, |f| f.rps),
            med(i, |f| f.p99_ms),
            med(i, |f| f.cpu_us),
            median(ratios(i, 0)),
            med(i, |f| f.user_us),
            med(i, |f| f.rss_mib),
            med(i, |f| f.first_ms),
        );
    }
    let spread = |v: Vec<f64>| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(0.0, f64::max);
        (median(v), lo, hi)
    };
    let (greet_ratio, greet_lo, greet_hi) = spread(ratios(3, 0));
    let (same_page_ratio, _, _) = spread(ratios(3, 1));
    let (tasks_ratio, tasks_lo, tasks_hi) = spread(ratios(4, 5));
    let (flight_ratio, flight_lo, flight_hi) = spread(ratios(6, 7));
    let rss = med(3, |f| f.rss_mib).max(med(4, |f| f.rss_mib));
    let first = med(3, |f| f.first_ms).max(med(4, |f| f.first_ms));
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!("\ntargets");
    println!(
        "  hello:greet CPU/req ≤ 1.25 × raw hyper:           {greet_ratio:.3} ×  {}  (runs: {greet_lo:.2}–{greet_hi:.2})",
        verdict(greet_ratio <= 1.25)
    );
    println!("  (hello:greet CPU/req vs raw hyper sending the same page: {same_page_ratio:.2} ×)");
    println!(
        "  (hello:greet user-space CPU/req vs raw hyper's: {:.2} ×)",
        median(ratios_of(3, 0, |f| f.user_us))
    );
    println!(
        "  tasks:index CPU/req ≤ 0.6 × axum+askama+diesel:  {tasks_ratio:.2} ×  {}  (runs: {tasks_lo:.2}–{tasks_hi:.2})",
        verdict(tasks_ratio <= 0.6)
    );
    println!(
        "  flights:flight CPU/req ≤ 1.0 × axum+askama+diesel: {flight_ratio:.2} ×  {}  (runs: {flight_lo:.2}–{flight_hi:.2})",
        verdict(flight_ratio <= 1.0)
    );
    // Django's peers, when measured: (f) greet, (g) the tasks index and (j) the flight page,
    // after the eight others.
    if targets.len() >= 11 {
        let (django_greet, _, _) = spread(ratios(8, 3));
        let (django_tasks, _, _) = spread(ratios(9, 4));
        let (django_flight, _, _) = spread(ratios(10, 6));
        println!(
            "  Django ≥ 40 × the demo's CPU/req:                greet {django_greet:.0} ×, tasks {django_tasks:.0} ×  {}",
            verdict(django_greet >= 40.0 && django_tasks >= 40.0)
        );
        println!(
            "  Django flight ≥ 30 × the demo's CPU/req:         {django_flight:.0} ×  {}",
            verdict(django_flight >= 30.0)
        );
    }
    println!(
        "  demo peak RSS at {} connections < 30 MiB:         {rss:.1} MiB  {}",
        o.connections,
        verdict(rss < 30.0)
    );
    println!(
        "  demo first answer < 50 ms after start:           {first:.1} ms  {}",
        verdict(first < 50.0)
    );
    let bars: Vec<Bar> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| Bar {
            name: t.name.to_string(),
            cpu_us: med(i, |f| f.cpu_us),
            ratio: median(ratios(i, 0)),
        })
        .collect();
    let note = format!(
        "server CPU µs per request (log scale), median of {} runs × {} s; × raw hyper within each run",
        o.runs, o.seconds
    );
    let written = o
        .svg
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            std::fs::write(
                &o.svg,
                chart::svg("manouche under load (wrk -c64, one core)", &note, &bars),
            )
        });
    match written {
        Ok(()) => println!("\nchart: {}", o.svg.display()),
        Err(e) => eprintln!("cannot write {}: {e}", o.svg.display()),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
