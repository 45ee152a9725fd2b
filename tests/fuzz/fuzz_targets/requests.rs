//! Whole requests through the demo's stack (every middleware, the router, the views, the
//! forms, the session store in memory): the first line of the input is the method and the
//! path, the next lines headers until an empty one, the rest the body. No panic, no 5xx.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use manouche::http::{HeaderMap, HeaderName, HeaderValue, Method};
use manouche::test::Client;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(2, "\n\n");
    let head = parts.next().unwrap_or("");
    let body = parts.next().unwrap_or("").as_bytes().to_vec();
    let mut lines = head.lines();
    let first = lines.next().unwrap_or("GET /");
    let (method, path) = first.split_once(' ').unwrap_or(("GET", first));
    let Ok(method) = Method::from_bytes(method.as_bytes()) else {
        return;
    };
    if !path.starts_with('/') || path.parse::<manouche::http::Uri>().is_err() {
        return;
    }
    let mut headers = HeaderMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':')
            && let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.trim().as_bytes()),
                HeaderValue::from_str(value.trim()),
            )
        {
            headers.append(name, value);
        }
    }
    let project = demo::project();
    let mut client = Client::with_settings(&project, |s| {
        s.session_engine = "memory".into();
        // Nothing here reads the database: no test database is made per input.
        s.database_url = "sqlite:///nonexistent/fuzz.sqlite3".into();
    });
    let response = runtime().block_on(client.send(method, path, headers, body.into()));
    assert!(
        !response.status.is_server_error(),
        "{} for {first:?}",
        response.status
    );
});
