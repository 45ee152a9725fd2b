//! Abuse over a real socket, each case bounded in time: idle and slow clients, a flood of
//! random requests, and concurrent writes to one session. The server must keep serving
//! others, cut off the ones that stall, never answer 5xx to garbage, and keep a session
//! whole (Django's last write wins; nothing torn, nothing lost that a later write did not
//! replace).

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use manouche_tests::support::{Rng, Server, connect, get, parse_response};

const SITE: &str = env!("CARGO_BIN_EXE_testsite");

#[test]
fn a_thousand_idle_connections_do_not_stop_other_clients() {
    let server = Server::start(SITE, &[("MANOUCHE_REQUEST_HEADER_TIMEOUT", "60")]);
    let idle: Vec<TcpStream> = (0..1000)
        .map(|i| {
            TcpStream::connect_timeout(&server.addr, Duration::from_secs(5))
                .unwrap_or_else(|e| panic!("idle connection {i}: {e}"))
        })
        .collect();
    let started = Instant::now();
    for _ in 0..20 {
        assert_eq!(get(server.addr, "/", &[]).status, 200);
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "20 requests beside 1,000 idle connections took {:?}",
        started.elapsed()
    );
    drop(idle);
    assert_eq!(get(server.addr, "/", &[]).status, 200);
}

#[test]
fn an_idle_connection_is_closed_after_the_header_timeout() {
    let server = Server::start(SITE, &[("MANOUCHE_REQUEST_HEADER_TIMEOUT", "1")]);
    let mut idle = connect(server.addr);
    idle.set_read_timeout(Some(Duration::from_secs(6))).unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 256];
    // Closed (0 bytes or a reset), possibly after a 408; not left open.
    let _ = idle.read(&mut buf);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "an idle connection stayed open {:?}",
        started.elapsed()
    );
    assert_eq!(get(server.addr, "/", &[]).status, 200);
}

#[test]
fn a_busy_keep_alive_connection_outlives_the_header_timeout() {
    let server = Server::start(SITE, &[("MANOUCHE_REQUEST_HEADER_TIMEOUT", "1")]);
    let mut conn = connect(server.addr);
    conn.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let started = Instant::now();
    let mut answered = 0;
    // Each request comes well within the timeout of the previous answer; together they
    // last longer than it.
    while started.elapsed() < Duration::from_millis(2500) {
        let request = format!("GET / HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
        conn.write_all(request.as_bytes())
            .expect("the connection is still open");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(conn.read(&mut byte).expect("an answer"), 1, "closed early");
            head.push(byte[0]);
        }
        let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
        assert!(text.starts_with("http/1.1 200"), "{text}");
        let length: usize = text
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("a content-length");
        let mut body = vec![0u8; length];
        conn.read_exact(&mut body).unwrap();
        answered += 1;
        std::thread::sleep(Duration::from_millis(400));
    }
    assert!(answered >= 5, "{answered} answers");
}

#[test]
fn a_slow_reader_gets_its_whole_answer_past_the_header_timeout() {
    let server = Server::start(SITE, &[("MANOUCHE_REQUEST_HEADER_TIMEOUT", "1")]);
    let mut conn = connect(server.addr);
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // 16 MiB: more than the socket buffers hold, so the server waits on the reader.
    let request = format!("GET /big/16384 HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    conn.write_all(request.as_bytes()).unwrap();
    let started = Instant::now();
    let mut received = 0usize;
    let mut buf = vec![0u8; 64 * 1024];
    // Slowly (64 KiB per 20 ms) for three times the header timeout, then as fast as it
    // comes: the server waits on the socket all along, and must not take that for an idle
    // client as long as the reader makes progress.
    while started.elapsed() < Duration::from_millis(3000) {
        let n = conn.read(&mut buf).expect("still answering");
        assert!(n > 0, "closed after {received} bytes");
        received += n;
        std::thread::sleep(Duration::from_millis(20));
    }
    loop {
        match conn.read(&mut buf) {
            Ok(0) => {
                eprintln!("closed at {received} after {:?}", started.elapsed());
                break;
            }
            Ok(n) => received += n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                eprintln!("stalled at {received} after {:?}", started.elapsed());
                break;
            }
            Err(e) => panic!("after {received} bytes: {e}"),
        }
        if received >= 16 * 1024 * 1024 {
            break;
        }
    }
    assert!(
        received > 16 * 1024 * 1024,
        "only {received} bytes of the 16 MiB answer (and its head)"
    );
}

#[test]
fn a_slow_body_client_is_answered_408_and_cut_off_while_others_are_served() {
    let server = Server::start(SITE, &[("MANOUCHE_REQUEST_BODY_TIMEOUT", "1")]);
    let mut slow = connect(server.addr);
    slow.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    let head = format!(
        "POST /echo-body HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\na=1",
        server.addr
    );
    slow.write_all(head.as_bytes()).unwrap();
    let started = Instant::now();
    assert_eq!(get(server.addr, "/", &[]).status, 200);
    // A byte now and then is not enough: the whole body has one deadline.
    let mut raw = Vec::new();
    while started.elapsed() < Duration::from_secs(6) {
        std::thread::sleep(Duration::from_millis(200));
        let _ = slow.write_all(b"&");
        slow.set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let mut buf = [0u8; 4096];
        match slow.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break,
        }
        if raw.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(4),
        "cut off after {elapsed:?}"
    );
    let response = parse_response(&raw);
    assert_eq!(response.status, 408, "{response:?}");
    assert!(server.stderr().contains("Request Timeout: /echo-body"));
}

/// One random request: a method (sometimes not a token), a path (sometimes raw bytes,
/// sometimes not starting with '/'), random headers, sometimes a body or a lying length.
fn random_request(rng: &mut Rng, addr: SocketAddr) -> Vec<u8> {
    const METHODS: &[&str] = &[
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT", "BREW",
        "G@T", "", "get",
    ];
    const PATH_BYTES: &[u8] = b"abcz019/%._-~?=&#;:@!$'()*+,<>\"{}|\\^` \t\x00\x7f\xc3\xa9\xff";
    const HEADER_NAMES: &[&str] = &[
        "Host",
        "Cookie",
        "Content-Type",
        "Content-Length",
        "Transfer-Encoding",
        "Origin",
        "Referer",
        "X-CSRFToken",
        "Accept",
        "Connection",
        "X-Forwarded-Proto",
        "Expect",
        "Bad Name",
        "",
    ];
    const VALUE_BYTES: &[u8] = b"abcAZ09 =;,:/.-_%\"'\t\x01\x7f\xc3\xa9\xff";
    let method = METHODS[rng.below(METHODS.len())];
    let mut req = Vec::new();
    req.extend_from_slice(method.as_bytes());
    req.push(b' ');
    let path = match rng.below(6) {
        0 => b"/".to_vec(),
        1 => [b"/".to_vec(), rng.bytes_from(PATH_BYTES, 60)].concat(),
        2 => rng.bytes_from(PATH_BYTES, 20),
        3 => [b"/str/".to_vec(), rng.bytes_from(PATH_BYTES, 30)].concat(),
        4 => b"/session/push/x".to_vec(),
        _ => b"/form".to_vec(),
    };
    req.extend_from_slice(&path);
    req.extend_from_slice(if rng.below(10) == 0 {
        b" HTTP/9.9\r\n"
    } else {
        b" HTTP/1.1\r\n"
    });
    if rng.below(8) != 0 {
        req.extend_from_slice(format!("Host: {addr}\r\n").as_bytes());
    }
    for _ in 0..rng.below(6) {
        let name = HEADER_NAMES[rng.below(HEADER_NAMES.len())];
        let value = match name {
            "Content-Length" if rng.below(2) == 0 => rng.below(50).to_string().into_bytes(),
            "Transfer-Encoding" if rng.below(2) == 0 => b"chunked".to_vec(),
            _ => rng.bytes_from(VALUE_BYTES, 40),
        };
        req.extend_from_slice(name.as_bytes());
        req.extend_from_slice(b": ");
        req.extend_from_slice(&value);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"Connection: close\r\n\r\n");
    if rng.below(3) == 0 {
        req.extend(rng.bytes_from(VALUE_BYTES, 64));
    }
    req
}

#[test]
fn ten_thousand_random_requests_leave_the_server_answering() {
    let server = Server::start(
        SITE,
        &[
            ("MANOUCHE_REQUEST_HEADER_TIMEOUT", "2"),
            ("MANOUCHE_REQUEST_BODY_TIMEOUT", "2"),
            ("MANOUCHE_AUTO_MIGRATE", "true"),
        ],
    );
    let addr = server.addr;
    let started = Instant::now();
    let workers: Vec<_> = (0..8u64)
        .map(|w| {
            std::thread::spawn(move || {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (w + 1).wrapping_mul(0xD1B5));
                let mut statuses = Vec::new();
                for _ in 0..1250 {
                    let request = random_request(&mut rng, addr);
                    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
                    else {
                        statuses.push(0);
                        continue;
                    };
                    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                    let _ = s.write_all(&request);
                    let _ = s.shutdown(std::net::Shutdown::Write);
                    let mut raw = Vec::new();
                    let _ = s.read_to_end(&mut raw);
                    let status = String::from_utf8_lossy(&raw)
                        .split_whitespace()
                        .nth(1)
                        .and_then(|s| s.parse::<u16>().ok())
                        .unwrap_or(0);
                    statuses.push(status);
                    if status >= 500 {
                        panic!(
                            "{status} for {:?}:\n{}",
                            String::from_utf8_lossy(&request),
                            String::from_utf8_lossy(&raw)
                        );
                    }
                }
                statuses
            })
        })
        .collect();
    let mut seen = HashSet::new();
    let mut total = 0;
    for w in workers {
        let statuses = w.join().expect("a worker found a 5xx");
        total += statuses.len();
        seen.extend(statuses);
    }
    assert_eq!(total, 10_000);
    // The noise reached the views, the error pages and hyper's own refusals.
    for status in [200, 400, 404] {
        assert!(seen.contains(&status), "no {status} among {seen:?}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
    let after = get(addr, "/", &[]);
    assert_eq!(after.status, 200);
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}

/// `GET /session/push/<item>` with the session cookie; the list this request saved.
fn push(addr: SocketAddr, cookie: &str, item: &str) -> Vec<String> {
    let r = get(
        addr,
        &format!("/session/push/{item}"),
        &[("Cookie", cookie)],
    );
    assert_eq!(r.status, 200, "{r:?}");
    r.body.split(',').map(str::to_owned).collect()
}

#[test]
fn concurrent_session_writes_keep_one_whole_write_and_lose_none_after_it() {
    let server = Server::start(SITE, &[("MANOUCHE_AUTO_MIGRATE", "true")]);
    let first = get(server.addr, "/session/push/seed", &[]);
    let cookie = first
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let addr = server.addr;
    let writers: Vec<_> = (0..16)
        .map(|i| {
            let cookie = cookie.clone();
            std::thread::spawn(move || push(addr, &cookie, &format!("item{i}")))
        })
        .collect();
    let written: Vec<Vec<String>> = writers
        .into_iter()
        .map(|w| w.join().expect("a writer failed"))
        .collect();
    for list in &written {
        assert_eq!(list[0], "seed", "the first write was lost: {list:?}");
    }
    // What is stored now is what one of the writers wrote, whole (last write wins).
    let now = push(addr, &cookie, "after");
    let stored = &now[..now.len() - 1];
    assert!(
        written.iter().any(|w| w == stored),
        "stored {stored:?} is none of the writes {written:?}"
    );
    // Sequential writes after the race lose nothing.
    let again = push(addr, &cookie, "again");
    assert_eq!(again[..again.len() - 1], now[..]);
}
