//! Static files with DEBUG on (content types, caching headers, traversal refused), none with
//! DEBUG off, and the project's own 404.html / 500.html pages.

use manouche::http::{HeaderMap, HeaderValue, Method, StatusCode};
use manouche::test::Client;

fn demo(debug: bool) -> Client {
    Client::with_settings(&demo::project(), |s| s.debug = debug)
}

#[tokio::test]
async fn static_files_are_served_with_debug_on() {
    let mut c = demo(true);
    let r = c.get("/static/styles.css").await;
    assert_eq!(r.status, StatusCode::OK);
    // Django's `mimetypes.guess_type`, as its development server sends it.
    assert_eq!(r.header("content-type"), Some("text/css"));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    let expected = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../demo/static/styles.css"
    ))
    .unwrap();
    assert_eq!(r.text(), expected);
    let modified = r
        .header("last-modified")
        .expect("Last-Modified")
        .to_string();

    let mut headers = HeaderMap::new();
    headers.insert(
        "if-modified-since",
        HeaderValue::from_str(&modified).unwrap(),
    );
    let r = c
        .send(
            Method::GET,
            "/static/styles.css",
            headers,
            Default::default(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.body.is_empty());

    let r = c
        .send(
            Method::HEAD,
            "/static/styles.css",
            HeaderMap::new(),
            Default::default(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn paths_out_of_the_static_folders_are_refused() {
    let mut c = demo(true);
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/%2e%2e%2fCargo.toml",
        "/static/..%5cCargo.toml",
        "/static/%2fetc/passwd",
        "/static//etc/passwd",
        "/static/nope.css",
        "/static/",
    ] {
        assert_eq!(c.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn no_static_files_with_debug_off() {
    let mut c = demo(false);
    assert_eq!(
        c.get("/static/styles.css").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_projects_404_template_is_used_with_debug_off() {
    let mut c = demo(false);
    let r = c.get("/nope%3Cb%3E").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let text = r.text();
    assert!(
        text.contains("<p>There is nothing at <code>/nope&lt;b&gt;</code>.</p>"),
        "{text}"
    );
    assert!(
        text.contains(r#"<a href="/hello/">Hello</a>"#),
        "it extends the layout"
    );
}

#[tokio::test]
async fn a_projects_500_page_and_a_failing_one() {
    let project = manouche_tests::project().handler500(|_| Ok("<h1>Our own 500</h1>".into()));
    let mut c = Client::new(&project);
    let r = c.get("/panic").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.text(), "<h1>Our own 500</h1>");
    // A handler that fails falls back to Django's plain page.
    let project =
        manouche_tests::project().handler404(|_| Err(manouche::BadRequest::new("broken").into()));
    let mut c = Client::new(&project);
    assert!(c.get("/nope").await.text().contains("<h1>Not Found</h1>"));
}
