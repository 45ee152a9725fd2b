//! The same statuses as over the socket, in-process with `manouche::test::Client`.

use manouche::http::{HeaderMap, HeaderValue, Method, StatusCode};
use manouche::test::Client;

fn site() -> Client {
    Client::new(&manouche_tests::project())
}

fn site_debug() -> Client {
    Client::with_settings(&manouche_tests::project(), |s| s.debug = true)
}

#[tokio::test]
async fn ok_and_each_converter() {
    let mut c = site();
    let r = c.get("/").await;
    assert_eq!((r.status, r.text().as_str()), (StatusCode::OK, "home"));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(c.get("/int/007").await.text(), "int:7");
    assert_eq!(c.get("/json").await.text(), r#"{"n":3,"ok":true}"#);
}

#[tokio::test]
async fn redirects_301_and_302() {
    let mut c = site();
    let r = c.get("/go-home").await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(r.header("location"), Some("/"));
    let r = c.get("/moved").await;
    assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(r.header("location"), Some("/"));
    let r = c.get("/slash?a=b").await;
    assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(r.header("location"), Some("/slash/?a=b"));
}

#[tokio::test]
async fn append_slash_never_redirects_off_site() {
    // `//evil.example` resolves with a slash added (`<path:value>/`): the redirect must stay
    // on this site, as Django's `escape_leading_slashes` keeps it.
    let mut c = Client::new(&manouche_tests::catch_all::project());
    for (path, location) in [
        ("//evil.example", "/%2Fevil.example/"),
        ("//evil.example?next=1", "/%2Fevil.example/?next=1"),
        ("///evil.example", "/%2F/evil.example/"),
        ("/fine", "/fine/"),
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY, "{path}");
        assert_eq!(r.header("location"), Some(location), "{path}");
    }
    assert_eq!(
        c.get("/%2Fevil.example/").await.text(),
        "path:/evil.example"
    );
}

#[tokio::test]
async fn append_slash_on_post_with_debug_is_an_explained_500() {
    let mut c = site_debug();
    let r = c.post("/slash", &[("a", "1")]).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        r.text()
            .contains("You called this URL via POST, but the URL doesn&#x27;t end in a slash")
    );
    let mut c = site();
    assert_eq!(
        c.post("/slash", &[]).await.status,
        StatusCode::MOVED_PERMANENTLY
    );
}

#[tokio::test]
async fn bad_request_forbidden_not_found_method_not_allowed() {
    let mut c = site();
    let r = c.get("/bad").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text().contains("<h1>Bad Request (400)</h1>"));
    let r = c.get("/forbidden").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("<h1>403 Forbidden</h1>"));
    let r = c.get("/missing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("<h1>Not Found</h1>"));
    let r = c.get("/only-post").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(c.post("/only-post", &[]).await.text(), "posted");
}

#[tokio::test]
async fn host_not_allowed_is_400() {
    let mut c = site().host("evil.com");
    let r = c.get("/").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let mut c = site().host("bad host!");
    assert_eq!(c.get("/").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn debug_allows_only_local_hosts_when_allowed_hosts_is_empty() {
    let project = manouche_tests::project();
    for (host, status) in [
        ("localhost", 200),
        ("www.localhost:8000", 200),
        ("127.0.0.1:8000", 200),
        ("[::1]:8000", 200),
        ("example.com", 400),
    ] {
        let mut c = Client::with_settings(&project, |s| {
            s.debug = true;
            s.allowed_hosts.clear();
        })
        .host(host);
        assert_eq!(c.get("/").await.status.as_u16(), status, "{host}");
    }
}

#[tokio::test]
async fn body_over_the_limit_is_413() {
    let mut c = Client::with_settings(&manouche_tests::project(), |s| {
        s.data_upload_max_memory_size = Some(1000)
    });
    let big = "x".repeat(2000);
    let r = c.post("/echo-body", &[("a", &big)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = c.post("/echo-body", &[("a", "small")]).await;
    assert_eq!(r.text(), "7 bytes, a=small");
}

#[tokio::test]
async fn panics_and_errors_are_500_and_the_next_request_is_served() {
    let mut c = site();
    // A plain `fn` view panics as it is called, an `async fn` view while it is polled.
    for path in ["/panic", "/panic-later"] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert!(r.text().contains("<h1>Server Error (500)</h1>"));
        assert_eq!(c.get("/").await.status, StatusCode::OK);
    }
    let r = c.get("/error").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !r.text().contains("invalid digit"),
        "no details with DEBUG off"
    );
}

#[tokio::test]
async fn technical_500_shows_the_error_where_it_came_from_and_masks_secrets() {
    let mut c = site_debug();
    let mut headers = HeaderMap::new();
    headers.insert("cookie", HeaderValue::from_static("sessionid=abc123secret"));
    headers.insert("x-api-key", HeaderValue::from_static("topsecret"));
    let r = c
        .send(Method::GET, "/error?q=1", headers, Default::default())
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let text = r.text();
    assert!(
        text.contains("<title>ParseIntError at /error</title>"),
        "{text}"
    );
    assert!(text.contains("<pre class=\"exception_value\">invalid digit found in string</pre>"));
    assert!(text.contains("tests/src/views.rs:"), "location of the ?");
    assert!(
        text.contains("manouche_tests::views::error"),
        "raised during"
    );
    assert!(!text.contains("abc123secret") && !text.contains("topsecret"));
    assert!(!text.contains("test-site-secret-key"));
    assert!(text.contains("********************"));

    for (path, message) in [("/panic", "kaboom"), ("/panic-later", "kaboom later")] {
        let text = c.get(path).await.text();
        let shown = format!("<pre class=\"exception_value\">{message}</pre>");
        assert!(text.contains(&shown), "{path}: {text}");
        assert!(text.contains("tests/src/views.rs:"), "{path}");
    }
}

#[tokio::test]
async fn technical_500_is_text_for_clients_that_do_not_take_html() {
    let mut c = site_debug();
    let mut headers = HeaderMap::new();
    headers.insert("accept", HeaderValue::from_static("application/json"));
    let r = c
        .send(Method::GET, "/error", headers, Default::default())
        .await;
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert!(r.text().starts_with(
        "ParseIntError at /error\ninvalid digit found in string\nRequest Method: GET\n"
    ));
}

#[tokio::test]
async fn technical_404_lists_patterns_and_names_the_view_that_raised() {
    let mut c = site_debug();
    let r = c.get("/nope").await;
    let text = r.text();
    assert!(
        text.contains(
            "<li><code>shop/</code> <code>items/&lt;int:id&gt;/</code> [name='item']</li>"
        ),
        "{text}"
    );
    assert!(text.contains("The current path, <code>nope</code>, didn’t match any of these."));
    let text = c.get("/").await.text();
    assert_eq!(text, "home");
    let r = c.get("/missing").await;
    let text = r.text();
    assert!(text.contains("<pre class=\"exception_value\">No such thing</pre>"));
    assert!(text.contains("Raised by:</th><td>manouche_tests::views::missing"));
}

#[tokio::test]
async fn security_headers_never_override_the_views_own() {
    let mut c = site();
    let r = c.get("/own-headers").await;
    assert_eq!(r.header("x-frame-options"), Some("SAMEORIGIN"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    let r = c.get("/nope").await;
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"));
    assert_eq!(r.header("referrer-policy"), Some("same-origin"));
}

#[tokio::test]
async fn the_client_keeps_cookies() {
    let mut c = site();
    assert_eq!(c.get("/read-cookie").await.text(), "none");
    c.get("/set-cookie").await;
    assert_eq!(c.cookie("flavour"), Some("oatmeal"));
    assert_eq!(c.get("/read-cookie").await.text(), "oatmeal");
    c.set_cookie("flavour", "ginger");
    assert_eq!(c.get("/read-cookie").await.text(), "ginger");
}

#[tokio::test]
async fn a_rendered_page_has_each_security_header_once_and_keeps_the_views_own() {
    let mut c = site();
    let once = |r: &manouche::test::TestResponse, name: &str| {
        let values: Vec<&str> = r
            .headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(values.len(), 1, "{name}: {values:?}");
        values[0].to_string()
    };
    // The first page makes the headers; later ones start with them.
    for _ in 0..3 {
        let r = c.get("/context/x").await;
        assert_eq!(once(&r, "content-type"), "text/html; charset=utf-8");
        assert_eq!(once(&r, "x-frame-options"), "DENY");
        assert_eq!(once(&r, "x-content-type-options"), "nosniff");
        assert_eq!(once(&r, "referrer-policy"), "same-origin");
        assert_eq!(once(&r, "cross-origin-opener-policy"), "same-origin");
    }
    let r = c.get("/page-own-headers").await;
    assert_eq!(once(&r, "x-frame-options"), "SAMEORIGIN");
    assert_eq!(once(&r, "referrer-policy"), "same-origin");
    assert_eq!(once(&r, "cross-origin-opener-policy"), "same-origin");
}

#[tokio::test]
async fn user_tower_layers_plug_in_even_when_they_change_the_body_type() {
    use tower::util::MapResponseLayer;
    let project = manouche_tests::project()
        .layer(MapResponseLayer::new(|mut r: manouche::Response| {
            r.headers_mut()
                .insert("x-layer", HeaderValue::from_static("outer"));
            r
        }))
        .layer(MapResponseLayer::new(|r: manouche::Response| {
            r.map(|_| http_body_util::Full::new(bytes::Bytes::from_static(b"replaced")))
        }));
    let mut c = Client::new(&project);
    let r = c.get("/").await;
    assert_eq!(r.header("x-layer"), Some("outer"));
    assert_eq!(r.text(), "replaced");
    // Inside the built-in middleware: security headers are still added.
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
}

#[tokio::test]
async fn behind_user_layers_views_still_get_the_settings_session_and_csrf_token() {
    use tower::util::MapResponseLayer;
    let project = manouche_tests::project().layer(MapResponseLayer::new(|r: manouche::Response| r));
    let mut c = Client::with_settings(&project, |s| {
        s.session_engine = "memory".into();
        s.session_cookie_name = "layered_session".into();
    });
    assert_eq!(c.get("/session/set/fruit/fig").await.text(), "set");
    assert!(c.cookie("layered_session").is_some());
    assert_eq!(c.get("/session/get/fruit").await.text(), "fig");
    let token = c.get("/token").await.text();
    assert_eq!(token.len(), 64, "{token:?}");
    assert!(c.cookie("csrftoken").is_some());
}

#[tokio::test]
async fn the_demo_in_process() {
    let mut c = Client::new(&demo::project());
    assert!(
        c.get("/hello/brian")
            .await
            .text()
            .contains("<h1>Hello, Brian!</h1>")
    );
    assert!(
        c.get("/hello/BRIAN")
            .await
            .text()
            .contains("<h1>Hello, Brian!</h1>")
    );
    assert_eq!(c.get("/hello").await.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(c.get("/nope").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn more_form_fields_than_allowed_is_a_400() {
    let mut c = Client::with_settings(&demo::project(), |s| {
        s.data_upload_max_number_fields = Some(10)
    });
    let many: Vec<(String, String)> = (0..11)
        .map(|i| (format!("f{i}"), "x".to_string()))
        .collect();
    let pairs: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.post("/tasks/add", &pairs).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = c.post("/tasks/add", &pairs[..5]).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "within the limit: the form with its errors"
    );
}

#[test]
fn redirects_refuse_control_characters() {
    let r = manouche::redirect("/next\r\nSet-Cookie: admin=1");
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.headers().get("location").is_none());
    assert!(r.headers().get("set-cookie").is_none());
    // Django's DisallowedRedirect for schemes other than http, https and ftp.
    for unsafe_url in [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        // Browsers drop tabs and newlines in a URL, as Python's urlsplit does.
        "java\tscript:alert(1)",
        "\tjava\nscript:alert(1)",
        "jav\ta\rscript:alert(1)",
    ] {
        let r = manouche::redirect(unsafe_url);
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{unsafe_url}");
        assert!(r.headers().get("location").is_none());
    }
    for fine in [
        "https://example.com/",
        "ftp://example.com/f",
        "/a:b",
        "next?x=javascript:1",
    ] {
        assert_eq!(
            manouche::redirect(fine).status(),
            StatusCode::FOUND,
            "{fine}"
        );
    }
    let ok = manouche::permanent_redirect("/tasks/?q=1");
    assert_eq!(ok.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(ok.headers().get("location").unwrap(), "/tasks/?q=1");
}

/// A project folder whose settings name `database_url`.
fn project_with_database(
    name: &str,
    database_url: &str,
) -> (
    std::path::PathBuf,
    manouche::Project<manouche_tests::urls::UrlConf>,
) {
    let dir = std::env::temp_dir().join(format!("manouche-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("settings.toml"),
        format!("SECRET_KEY = \"k\"\nDATABASE_URL = \"{database_url}\"\n"),
    )
    .unwrap();
    (dir.clone(), manouche::Project::new(dir))
}

#[tokio::test]
async fn the_client_uses_a_test_database_never_the_projects_own() {
    let (dir, project) = project_with_database("devdb", "sqlite://db.sqlite3");
    let dev = dir.join("db.sqlite3");
    let mut c = Client::new(&project);
    let r = c.get("/session/set/a/1").await;
    assert_eq!(r.status(), 200, "{}", r.text());
    assert_eq!(c.get("/session/get/a").await.text(), "1");
    // The session table exists (the test database is migrated) and is not the project's.
    assert_eq!(c.settings().session_engine, "db");
    let test_url = c.settings().database_url.clone();
    let test_file = std::path::PathBuf::from(test_url.strip_prefix("sqlite://").unwrap());
    assert!(test_file.exists(), "{test_url}");
    assert!(!dev.exists(), "the project's db.sqlite3 was written");
    drop(c);
    assert!(
        !test_file.exists(),
        "the test database is removed with the client"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn on_postgresql_the_test_database_is_made_beside_the_projects_and_dropped() {
    let url = std::env::var("MANOUCHE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let (dir, project) = project_with_database("pgdb", &url);
    let mut c = Client::new(&project);
    let test_url = c.settings().database_url.clone();
    let name = test_url.rsplit('/').next().unwrap().to_string();
    assert!(name.starts_with("test_"), "{test_url}");
    assert_ne!(test_url, url);
    assert_eq!(c.get("/session/set/a/1").await.status(), 200);
    assert_eq!(c.get("/session/get/a").await.text(), "1");
    let exists = |name: &str| {
        use diesel::{Connection, RunQueryDsl};
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        let rows: Vec<Count> = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM pg_database WHERE datname = '{name}'"
        ))
        .load(&mut conn)
        .unwrap();
        rows[0].n == 1
    };
    assert!(exists(&name));
    drop(c);
    assert!(
        !exists(&name),
        "the test database is dropped with the client"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_projects_own_middleware_runs_in_the_same_path_as_the_built_in_ones() {
    use manouche_tests::middleware::{Closed, Timing, Trace};
    let project = manouche_tests::project()
        .middleware(Trace("first"))
        .middleware(Timing)
        .middleware(Closed)
        .middleware(Trace("last"));
    // The book's project, too.
    let mut book = Client::new(&manouche_tests::project_with_middleware());
    assert!(book.get("/").await.header("server-timing").is_some());
    assert_eq!(book.get("/closed/").await.status(), 503);
    let mut c = Client::with_settings(&project, |s| s.session_engine = "memory".into());
    // Through the view: every process_response, in reverse order; the built-in ones too.
    let r = c.get("/session/set/a/1").await;
    assert_eq!(r.text(), "set");
    let trace: Vec<_> = r.headers.get_all("x-trace").iter().collect();
    assert_eq!(trace, ["last", "first"]);
    assert!(r.header("server-timing").unwrap().starts_with("view;dur="));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(
        c.cookie("sessionid").is_some(),
        "the session middleware saved it"
    );
    assert_eq!(c.get("/session/get/a").await.text(), "1");
    // Answered by a middleware: the view is not called, and only the middleware that ran
    // before it see the answer (not `last`), the built-in ones included.
    let r = c.get("/closed/str/x").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.text(), "closed for the night");
    let trace: Vec<_> = r.headers.get_all("x-trace").iter().collect();
    assert_eq!(trace, ["first"]);
    assert!(r.header("server-timing").is_some());
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
}
