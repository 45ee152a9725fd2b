//! Bad input from clients, at random: paths, Host headers, cookies, query strings, form
//! bodies, signed values and CSRF tokens. Nothing panics, nothing hangs, and no request is
//! answered with a 5xx. Reproducible (a fixed xorshift seed), bounded (a few thousand cases).

use manouche::http::{HeaderMap, HeaderValue, Method};
use manouche::test::Client;
use manouche_tests::support::Rng;

/// Random bytes written as a valid URI path: some characters as they are, the rest %XX.
fn random_path(rng: &mut Rng) -> String {
    let mut path = String::from("/");
    for b in rng.bytes(40) {
        match b {
            b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => path.push(b as char),
            _ => path.push_str(&format!("%{b:02X}")),
        }
    }
    path
}

fn site() -> Client {
    Client::with_settings(&manouche_tests::project(), |s| {
        s.session_engine = "memory".into();
        s.debug = true;
    })
}

fn not_a_server_error(status: manouche::http::StatusCode, what: &str) {
    assert!(!status.is_server_error(), "{status} for {what}");
}

#[tokio::test]
async fn random_paths_resolve_to_an_answer_never_a_5xx() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut c = site();
    let prefixes = [
        "",
        "/str",
        "/int",
        "/slug",
        "/uuid",
        "/path",
        "/two",
        "/shop",
        "/blog",
        "/static",
        "/session/get",
    ];
    for _ in 0..3000 {
        let prefix = prefixes[rng.below(prefixes.len())];
        let path = format!("{prefix}{}", random_path(&mut rng));
        if ["/panic", "/error", "/session/fail"]
            .iter()
            .any(|p| path.starts_with(p))
        {
            continue;
        }
        let r = c.get(&path).await;
        not_a_server_error(r.status, &path);
        let _ = manouche::urls::resolve(&path);
        let _ = manouche::urls::decode_path(&path);
    }
}

#[tokio::test]
async fn random_hosts_are_refused_or_served_never_a_5xx() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..1000 {
        let host = rng.text("abcXYZ019.-:[]_*@ !$%&'", 30);
        if HeaderValue::from_str(&host).is_err() || host.is_empty() {
            continue;
        }
        let mut c = site().host(&host);
        let r = c.get("/").await;
        assert!(
            r.status.as_u16() == 200 || r.status.as_u16() == 400,
            "{} for Host {host:?}",
            r.status
        );
    }
}

#[tokio::test]
async fn random_cookies_never_break_a_request() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let alphabet = "abcdefABCDEF0123456789=;, \"\\:.-_%+/";
    for _ in 0..1500 {
        let mut headers = HeaderMap::new();
        let cookie = match rng.below(3) {
            0 => format!("sessionid={}", rng.text(alphabet, 80)),
            1 => format!("csrftoken={}", rng.text(alphabet, 80)),
            _ => rng.text(alphabet, 120),
        };
        let Ok(value) = HeaderValue::from_str(&cookie) else {
            continue;
        };
        headers.insert("cookie", value);
        let mut c = site().enforce_csrf_checks();
        for (method, path) in [
            (Method::GET, "/session/get/x"),
            (Method::GET, "/form"),
            (Method::POST, "/form"),
        ] {
            let r = c
                .send(method.clone(), path, headers.clone(), Default::default())
                .await;
            not_a_server_error(r.status, &format!("{method} {path} with Cookie {cookie:?}"));
        }
    }
}

#[tokio::test]
async fn random_query_strings_and_form_bodies_never_break_a_request() {
    let mut rng = Rng(0x94D0_49BB_1331_11EB);
    let mut demo = Client::with_settings(&demo::project(), |s| s.session_engine = "memory".into());
    let mut c = site();
    for _ in 0..1500 {
        let query = rng.text("task=priority&%+019.-e abc\u{e9}", 60);
        let body = rng.bytes(200);
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let encoded: String = query
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"=&%+.-".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let r = demo
            .send(
                Method::POST,
                &format!("/tasks/add?{encoded}"),
                headers.clone(),
                body.clone().into(),
            )
            .await;
        not_a_server_error(r.status, "POST /tasks/add");
        let r = c.get(&format!("/slow?ms=0&{encoded}")).await;
        not_a_server_error(r.status, "GET /slow");
        let r = c
            .send(Method::POST, "/echo-body", headers, body.into())
            .await;
        not_a_server_error(r.status, "POST /echo-body");
    }
}

#[test]
fn signed_values_and_tokens_from_clients_never_panic() {
    let mut rng = Rng(0xBF58_476D_1CE4_E5B9);
    let alphabet = "abcXYZ0189:-_.=+/";
    for _ in 0..5000 {
        let text = rng.text(alphabet, 120);
        assert!(
            manouche::signing::loads::<serde_json::Value>(&text, "key", &[], "salt", None).is_err()
                || text.contains(':')
        );
        let _ = manouche::csrf::check_format(&text);
        let _ = manouche::csrf::unmask(&text);
        let _ = manouche::csrf::secret_of(&text);
        let _ = manouche::http::QueryDict::parse(text.as_bytes());
        let _: Vec<_> = manouche::http::parse_cookies(&text).collect();
        let _ = manouche::middleware::hosts::split_domain_port(&text);
    }
}
