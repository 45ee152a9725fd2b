//! The demo (and the test site) over a real socket: limits, host checks, security headers,
//! APPEND_SLASH, panics, graceful shutdown and slow clients.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use manouche_tests::support::{Server, connect, csrf_token, exchange, get, parse_response};

const DEMO: &str = env!("CARGO_BIN_EXE_demo-site");
const SITE: &str = env!("CARGO_BIN_EXE_testsite");

#[test]
fn demo_serves_the_lecture_pages() {
    let server = Server::start(DEMO, &[]);
    let r = get(server.addr, "/hello/", &[]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<h1>Hello, world!</h1>"), "{}", r.body);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let r = get(server.addr, "/hello/brian", &[]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<h1>Hello, Brian!</h1>"), "{}", r.body);
    let r = get(server.addr, "/newyear/", &[]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<h1>NO</h1>") || r.body.contains("<h1>YES</h1>"));
    assert!(server.stdout().contains("Quit the server with CONTROL-C."));
}

#[test]
fn unknown_path_is_a_technical_404_with_debug_and_a_plain_one_without() {
    let server = Server::start(DEMO, &[]);
    let r = get(server.addr, "/tasks/nonexistent", &[]);
    assert_eq!(r.status, 404);
    assert!(
        r.body
            .contains("<title>Page not found at /tasks/nonexistent</title>")
    );
    assert!(
        r.body
            .contains("<code>hello/</code> <code>&lt;str:name&gt;</code> [name='greet']")
    );
    assert!(
        r.body.contains(
            "The current path, <code>tasks/nonexistent</code>, didn’t match any of these."
        )
    );
    // The access log line, as runserver prints it.
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        server
            .stderr()
            .contains("\"GET /tasks/nonexistent HTTP/1.1\" 404 "),
        "{}",
        server.stderr()
    );

    let plain = Server::start(DEMO, &[("MANOUCHE_DEBUG", "false")]);
    let r = get(plain.addr, "/nope", &[("Host", "localhost")]);
    assert_eq!(r.status, 404);
    // The demo has its own 404.html (Django's plain page is tested on the test site).
    assert!(
        r.body
            .contains("<p>There is nothing at <code>/nope</code>.</p>"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Using the URLconf"));
}

#[test]
fn a_body_over_the_limit_is_413_without_reading_it() {
    let server = Server::start(DEMO, &[]);
    let mut s = connect(server.addr);
    let len = 3 * 1024 * 1024;
    let head = format!(
        "POST /hello/ HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n",
        server.addr
    );
    s.write_all(head.as_bytes()).unwrap();
    // Send only a little of the body: the answer must come anyway.
    s.write_all(&vec![b'x'; 1024]).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let r = parse_response(&buf);
    assert_eq!(r.status, 413);
}

/// Posts `body` with `content_type` the way Python's `http.client` does: the whole body is
/// written (in pieces, as a network delivers it) before the answer is read. The status, or `None` when the client lost it (its
/// send failed, or the answer was cut off by a reset).
fn post_without_waiting(
    addr: std::net::SocketAddr,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Option<u16> {
    let mut s = connect(addr);
    let ct = content_type.map_or(String::new(), |ct| format!("Content-Type: {ct}\r\n"));
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\n{ct}Content-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    // At a network's pace, not loopback's: the server answers while the body still comes.
    for piece in body.chunks(64 * 1024) {
        s.write_all(piece).ok()?;
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    (!buf.is_empty()).then(|| parse_response(&buf).status)
}

#[test]
fn a_client_that_sends_its_whole_body_before_reading_always_gets_the_answer() {
    // Answered before the body is read (413 announced too big, 403 with no CSRF cookie):
    // the server drains the rest before closing (lingering close) instead of resetting.
    let server = Server::start(DEMO, &[]);
    let body = vec![b'x'; 3 * 1024 * 1024];
    let mut lost = Vec::new();
    for i in 0..20 {
        let (ct, expected) = if i % 2 == 0 {
            (Some("application/x-www-form-urlencoded"), 413)
        } else {
            (None, 403)
        };
        match post_without_waiting(server.addr, "/hello/", ct, &body) {
            Some(status) => assert_eq!(status, expected, "client {i}"),
            None => lost.push(i),
        }
    }
    assert!(lost.is_empty(), "clients that lost the answer: {lost:?}");
}

#[test]
fn a_form_flooded_with_fields_is_400_before_the_csrf_check_and_costs_little_memory() {
    // Django counts a form's fields before parsing it (TooManyFieldsSent); here the count
    // runs as the body arrives, so the body is refused after its first kilobytes.
    let server = Server::start(DEMO, &[]);
    let before = server.peak_rss_kib();
    let body: Vec<u8> = b"a&".repeat(1_300_000);
    let clients: Vec<_> = (0..16)
        .map(|_| {
            let (addr, body) = (server.addr, body.clone());
            std::thread::spawn(move || {
                post_without_waiting(
                    addr,
                    "/tasks/add",
                    Some("application/x-www-form-urlencoded"),
                    &body,
                )
            })
        })
        .collect();
    for client in clients {
        assert_eq!(client.join().unwrap(), Some(400));
    }
    let peak = server.peak_rss_kib();
    eprintln!("peak RSS: {before} KiB before, {peak} KiB after 16 floods");
    // The bodies alone are 41 MiB; before the count ran first, the demo reached 240 MiB.
    assert!(
        peak < before + 16 * 1024,
        "peak RSS grew from {before} KiB to {peak} KiB"
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        server.stderr().contains("Bad Request: /tasks/add"),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_chunked_body_growing_past_the_limit_is_413() {
    let server = Server::start(SITE, &[]);
    let mut s = connect(server.addr);
    let head = "POST /echo-body HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    s.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b'y'; 256 * 1024];
    for _ in 0..12 {
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(&chunk);
        piece.extend_from_slice(b"\r\n");
        if s.write_all(&piece).is_err() {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    assert_eq!(parse_response(&buf).status, 413);
}

#[test]
fn oversized_headers_are_431() {
    let server = Server::start(DEMO, &[]);
    let big = "a".repeat(100 * 1024);
    let req = format!(
        "GET /hello/ HTTP/1.1\r\nHost: {}\r\nX-Big: {big}\r\nConnection: close\r\n\r\n",
        server.addr
    );
    let r = exchange(server.addr, req.as_bytes());
    assert_eq!(r.status, 431);
}

#[test]
fn a_host_not_in_allowed_hosts_is_400_with_debug_off() {
    let server = Server::start(DEMO, &[("MANOUCHE_DEBUG", "false")]);
    let r = get(server.addr, "/hello/", &[("Host", "evil.com")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("<h1>Bad Request (400)</h1>"));
    let ok = get(server.addr, "/hello/", &[("Host", "localhost:8000")]);
    assert_eq!(ok.status, 200);
    std::thread::sleep(Duration::from_millis(100));
    assert!(server.stderr().contains(
        "Invalid HTTP_HOST header: 'evil.com'. You may need to add 'evil.com' to ALLOWED_HOSTS."
    ));
}

#[test]
fn every_response_has_the_four_security_headers() {
    let server = Server::start(DEMO, &[]);
    for path in ["/hello/", "/nope"] {
        let r = get(server.addr, path, &[]);
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("same-origin"));
        assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"));
    }
}

#[test]
fn append_slash_redirects_permanently_keeping_the_query() {
    let server = Server::start(DEMO, &[]);
    let r = get(server.addr, "/hello?x=1", &[]);
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/hello/?x=1"));
    // Never removes a slash, and never redirects to a path that does not resolve either.
    assert_eq!(get(server.addr, "/hello/brian/", &[]).status, 404);
    assert_eq!(get(server.addr, "/nope", &[]).status, 404);
}

#[test]
fn a_panicking_view_is_a_500_and_the_server_keeps_serving() {
    let server = Server::start(SITE, &[]);
    let r = get(server.addr, "/panic", &[("Host", "localhost")]);
    assert_eq!(r.status, 500);
    assert!(r.body.contains("<h1>Server Error (500)</h1>"));
    for _ in 0..3 {
        let r = get(server.addr, "/", &[("Host", "localhost")]);
        assert_eq!((r.status, r.body.as_str()), (200, "home"));
    }
}

#[test]
fn graceful_shutdown_completes_an_in_flight_request_and_exits_0() {
    let mut server = Server::start(SITE, &[]);
    let addr = server.addr;
    let slow = std::thread::spawn(move || get(addr, "/slow?ms=1500", &[("Host", "localhost")]));
    std::thread::sleep(Duration::from_millis(300));
    server.signal("TERM");
    let r = slow.join().unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, "slept 1500ms"));
    let status = server
        .wait(Duration::from_secs(10))
        .expect("the server exits");
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn graceful_shutdown_closes_idle_keep_alive_connections_at_once() {
    let mut server = Server::start(SITE, &[]);
    // Answered, then left open and idle: shutdown must not wait for it to time out.
    let mut idle = connect(server.addr);
    idle.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 4096];
    let n = idle.read(&mut first).unwrap();
    assert!(first[..n].starts_with(b"HTTP/1.1 200"), "{:?}", &first[..n]);
    let started = Instant::now();
    server.signal("TERM");
    let status = server
        .wait(Duration::from_secs(10))
        .expect("the server exits without waiting for the idle connection");
    assert!(status.success(), "exit status {status:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    let mut rest = Vec::new();
    let _ = idle.read_to_end(&mut rest);
    assert!(rest.is_empty(), "closed without another response: {rest:?}");
}

#[test]
fn a_slow_header_client_is_cut_off_while_others_are_served() {
    let server = Server::start(SITE, &[("MANOUCHE_REQUEST_HEADER_TIMEOUT", "1")]);
    let mut slowloris = connect(server.addr);
    slowloris
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let start = Instant::now();
    // Others are served meanwhile.
    let r = get(server.addr, "/", &[("Host", "localhost")]);
    assert_eq!(r.status, 200);
    // Keep dribbling a header line now and then; the server must still close on us.
    let mut closed = false;
    while start.elapsed() < Duration::from_secs(8) {
        std::thread::sleep(Duration::from_millis(200));
        if slowloris.write_all(b"X-a: b\r\n").is_err() {
            closed = true;
            break;
        }
        slowloris
            .set_read_timeout(Some(Duration::from_millis(10)))
            .unwrap();
        let mut buf = [0u8; 512];
        match slowloris.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(_) => {
                closed = true; // an error response, then close
                break;
            }
            Err(_) => {}
        }
    }
    assert!(closed, "the slow client was never cut off");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "cut off too late: {:?}",
        start.elapsed()
    );
}

#[test]
fn h2c_prior_knowledge_is_served_on_the_same_port() {
    let server = Server::start(DEMO, &[]);
    let out = std::process::Command::new("curl")
        .args([
            "-s",
            "--http2-prior-knowledge",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{http_version}",
        ])
        .arg(format!("http://{}/hello/brian", server.addr))
        .output()
        .expect("curl is needed for the h2c test (tests/run-all.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text, "200 2");
}

#[test]
fn a_form_posts_with_its_token_and_is_refused_without_it() {
    let server = Server::start(SITE, &[("MANOUCHE_DEBUG", "true")]);
    let page = get(server.addr, "/form", &[("Host", "localhost")]);
    let cookie = page
        .header("set-cookie")
        .expect("the CSRF cookie")
        .to_string();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let token = csrf_token(&page.body);
    let post = |form: &str, cookie: &str| {
        let req = format!(
            "POST /form HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        );
        exchange(server.addr, req.as_bytes())
    };
    let ok = post(&format!("csrfmiddlewaretoken={token}&a=milk"), &cookie);
    assert_eq!((ok.status, ok.body.as_str()), (200, "POST milk"));
    let refused = post("a=milk", &cookie);
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("Reason given for failure:"));
    assert!(refused.body.contains("CSRF token missing."));
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        server
            .stderr()
            .contains("Forbidden (CSRF token missing.): /form")
    );
}

#[test]
fn logging_goes_through_tracing_as_text_json_and_at_the_level_asked() {
    // Text, as runserver prints: the access log line and Django's "Not Found".
    let server = Server::start(DEMO, &[]);
    assert_eq!(get(server.addr, "/nope", &[]).status, 404);
    std::thread::sleep(Duration::from_millis(200));
    let text = server.stderr();
    assert!(text.contains("Not Found: /nope\n"), "{text}");
    assert!(text.contains("\"GET /nope HTTP/1.1\" 404 "), "{text}");

    // JSON, one object a line, with the level and where the event came from.
    let server = Server::start(DEMO, &[("MANOUCHE_LOG_FORMAT", "json")]);
    assert_eq!(get(server.addr, "/nope", &[]).status, 404);
    std::thread::sleep(Duration::from_millis(200));
    let lines: Vec<serde_json::Value> = server
        .stderr()
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let not_found = lines
        .iter()
        .find(|l| l["fields"]["message"] == "Not Found: /nope")
        .expect("the Not Found event");
    assert_eq!(not_found["level"], "WARN");
    assert_eq!(not_found["target"], "manouche::error");
    assert!(lines.iter().any(|l| {
        l["target"] == "manouche::request"
            && l["fields"]["message"]
                .as_str()
                .unwrap()
                .contains("\"GET /nope HTTP/1.1\" 404")
    }));

    // LOGGING (or RUST_LOG) chooses the levels: warnings without the access log.
    let server = Server::start(DEMO, &[("MANOUCHE_LOGGING", "warn")]);
    assert_eq!(get(server.addr, "/nope", &[]).status, 404);
    std::thread::sleep(Duration::from_millis(200));
    let text = server.stderr();
    assert!(text.contains("Not Found: /nope"), "{text}");
    assert!(!text.contains("\"GET /nope"), "{text}");
}
