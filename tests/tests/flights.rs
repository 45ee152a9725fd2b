//! The demo's flights app over real sockets: its pages on SQLite, and two server processes
//! on one PostgreSQL database, each seeing the other's bookings.

use std::net::SocketAddr;

use manouche_tests::support::{PgDatabase, Server, csrf_token, exchange, get};

const DEMO: &str = env!("CARGO_BIN_EXE_demo-site");

/// Books `passenger` on `flight` through the page's form, as a browser does; the status.
fn book(addr: SocketAddr, flight: u32, passenger: u32) -> u16 {
    let host = [("Host", "localhost")];
    let page = get(addr, &format!("/flights/{flight}"), &host);
    assert_eq!(page.status, 200, "{}", page.body);
    let cookie = page
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let body = format!(
        "csrfmiddlewaretoken={}&passenger={passenger}",
        csrf_token(&page.body)
    );
    let post = format!(
        "POST /flights/{flight}/book HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(addr, post.as_bytes()).status
}

#[test]
fn the_flight_pages_over_sockets_on_sqlite() {
    let server = Server::start(DEMO, &[]);
    let host = [("Host", "localhost")];
    let list = get(server.addr, "/flights/", &host);
    assert!(
        list.body
            .contains("<a href=\"/flights/3\">Flight 3: Istanbul (IST) to Tokyo (NRT)</a>"),
        "{}",
        list.body
    );
    assert_eq!(get(server.addr, "/flights/0", &host).status, 404);
    assert_eq!(get(server.addr, "/flights/abc", &host).status, 404);
    assert_eq!(book(server.addr, 3, 2), 302);
    let page = get(server.addr, "/flights/3", &host);
    assert!(page.body.contains("<li>Ron Weasley</li>"), "{}", page.body);
    let api = get(server.addr, "/flights/api/3", &host);
    assert_eq!(api.header("content-type"), Some("application/json"));
    assert!(
        api.body.contains("\"passengers\":[\"Ron Weasley\"]"),
        "{}",
        api.body
    );
    // Without the CSRF token the booking is refused.
    let forged = "POST /flights/3/book HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 11\r\nConnection: close\r\n\r\npassenger=1";
    assert_eq!(exchange(server.addr, forged.as_bytes()).status, 403);
}

#[test]
fn two_servers_on_one_postgresql_database_see_each_other_s_bookings() {
    let db = PgDatabase::create();
    let env = [("DATABASE_URL", db.url.as_str())];
    // Both migrate at start (AUTO_MIGRATE): the migration lock lets one apply, the other
    // find it applied.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| Server::start(DEMO, &env));
        let b = s.spawn(|| Server::start(DEMO, &env));
        (a.join().unwrap(), b.join().unwrap())
    });
    let host = [("Host", "localhost")];
    assert_eq!(book(a.addr, 1, 1), 302);
    assert_eq!(book(b.addr, 1, 4), 302);
    for server in [&a, &b] {
        let page = get(server.addr, "/flights/1", &host);
        assert!(
            page.body.contains("<li>Harry Potter</li>")
                && page.body.contains("<li>Ginny Weasley</li>"),
            "{}",
            page.body
        );
    }
    // The same booking on the other server is refused by the shared unique index.
    assert_eq!(book(b.addr, 1, 1), 302);
    let page = get(b.addr, "/flights/1", &host);
    assert_eq!(page.body.matches("<li>Harry Potter</li>").count(), 1);
}
