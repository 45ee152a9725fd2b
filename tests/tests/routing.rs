//! Django's URL dispatcher rules: the converter matrix, first match wins, namespaces and
//! merged names, percent-encoding in reverse lookups, resolve(), NoReverseMatch texts.

use manouche::NoReverseMatch;
use manouche::http::StatusCode;
use manouche::test::Client;
use manouche::urls::{resolve, reverse, reverse_kwargs, reverse_with};
use manouche_tests::reversals;

fn site() -> Client {
    Client::new(&manouche_tests::project())
}

async fn body_or_404(c: &mut Client, path: &str) -> Option<String> {
    let r = c.get(path).await;
    match r.status {
        StatusCode::OK => Some(r.text()),
        StatusCode::NOT_FOUND => None,
        other => panic!("{path}: unexpected {other}"),
    }
}

#[tokio::test]
async fn converter_matrix() {
    let mut c = site();
    let cases: &[(&str, Option<&str>)] = &[
        // int: ASCII digits, leading zeros dropped.
        ("/int/0", Some("int:0")),
        ("/int/007", Some("int:7")),
        ("/int/-1", None),
        ("/int/1.5", None),
        ("/int/a", None),
        ("/int/", None),
        ("/int/%D9%A1", None),
        ("/int/7%0A", None),
        ("/small/255", Some("small:255")),
        ("/small/300", None),
        // str: anything but "/", non-empty, percent-decoded.
        ("/str/a", Some("str:a")),
        ("/str/a%20b", Some("str:a b")),
        ("/str/a.b", Some("str:a.b")),
        ("/str/%C3%BCber", Some("str:über")),
        ("/str/a%2Fb", None),
        ("/str/a/b", None),
        ("/str/", None),
        ("/default/x", Some("str:x")),
        // slug: ASCII letters, digits, - and _.
        ("/slug/abc", Some("slug:abc")),
        ("/slug/a-b_C9", Some("slug:a-b_C9")),
        ("/slug/a%20b", None),
        ("/slug/a.b", None),
        ("/slug/%C3%BC", None),
        // uuid: lower-case only.
        (
            "/uuid/12345678-1234-5678-1234-567812345678",
            Some("uuid:12345678-1234-5678-1234-567812345678"),
        ),
        ("/uuid/12345678-1234-5678-1234-56781234567A", None),
        ("/uuid/12345678-1234-5678-1234-5678123456", None),
        ("/uuid/123456781234567812345678123456781234", None),
        // path: spans slashes.
        ("/path/a/b/c", Some("path:a/b/c")),
        ("/path/a%2Fb", Some("path:a/b")),
        ("/path/", None),
        // A user-defined converter.
        ("/year/2024", Some("year:2024")),
        ("/year/24", None),
        ("/year/20245", None),
        // A trailing newline never matches an endpoint's literal end.
        ("/slash/%0A", None),
    ];
    for (path, expected) in cases {
        assert_eq!(
            body_or_404(&mut c, path).await.as_deref(),
            *expected,
            "{path}"
        );
    }
}

#[tokio::test]
async fn first_match_wins_and_captures_are_greedy() {
    let mut c = site();
    assert_eq!(c.get("/first/42").await.text(), "first-int:42");
    assert_eq!(
        c.get("/first/forty-two").await.text(),
        "first-str:forty-two"
    );
    // Greedy like the regex: "a-b-c" splits as ("a-b", "c").
    assert_eq!(c.get("/two/a-b-c").await.text(), "two:a-b|c");
    assert_eq!(body_or_404(&mut c, "/two/abc").await, None);
}

#[tokio::test]
async fn trailing_slashes_are_literal() {
    let mut c = site();
    assert_eq!(c.get("/shop/items/7/").await.text(), "item 7");
    assert_eq!(
        c.get("/shop/items/7").await.status,
        StatusCode::MOVED_PERMANENTLY
    );
    assert_eq!(c.get("/int/7/").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn namespaced_and_merged_names_through_url() {
    let _ = site(); // installs the root URLconf for the runtime reverse()
    assert_eq!(
        reversals::without_arguments(),
        ["/", "/shop/", "/shop/reviews/"]
    );
    let mixed: Vec<String> = reversals::mixed().into_iter().map(Result::unwrap).collect();
    assert_eq!(
        mixed,
        [
            "/two/a-b-c",
            "/shop/items/7/",
            "/blog/hello-world/", // blog has no app!: its names join the root's
            "/str/brian",
            "/str/a%20b",
            "/int/7"
        ]
    );
    assert_eq!(
        reverse_kwargs("post", &[("slug", "x")]).unwrap(),
        "/blog/x/"
    );
    // A namespaced name is reachable only with its namespace.
    assert_eq!(
        reverse("index").unwrap_err().to_string(),
        "Reverse for 'index' not found. 'index' is not a valid view function or pattern name."
    );
    assert_eq!(reverse("shop:index").unwrap(), "/shop/");
    // The shop's view builds its own URL with url!.
    let mut c = site();
    assert_eq!(c.get("/shop/").await.text(), "/shop/items/7/");
}

#[test]
fn url_percent_encodes_as_django_reverse() {
    assert_eq!(reversals::str_value("a b").unwrap(), "/str/a%20b");
    assert_eq!(reversals::str_value("über").unwrap(), "/str/%C3%BCber");
    assert_eq!(
        reversals::str_value("~:@!$&'()*+,;=").unwrap(),
        "/str/~:@!$&'()*+,;="
    );
    assert_eq!(reversals::str_value("a?b#c%").unwrap(), "/str/a%3Fb%23c%25");
    assert_eq!(reversals::path_value("a/b c").unwrap(), "/path/a/b%20c");
    assert_eq!(reversals::int_value(7).unwrap(), "/int/7");
    assert_eq!(reversals::year_value(999).unwrap(), "/year/0999");
    let id = uuid::Uuid::parse_str("12345678-1234-5678-1234-567812345678").unwrap();
    assert_eq!(
        reversals::uuid_value(id).unwrap(),
        "/uuid/12345678-1234-5678-1234-567812345678"
    );
}

#[test]
fn url_and_runtime_reverse_agree() {
    let _ = site();
    for value in ["a b", "über", "~:@!$&'()*+,;=", "a?b#c%", "plain"] {
        assert_eq!(
            reversals::str_value(value).unwrap(),
            reverse_with("str", &[value]).unwrap(),
            "{value}"
        );
    }
}

#[test]
fn a_value_the_converter_refuses_is_an_error_not_a_wrong_url() {
    assert_eq!(
        reversals::str_value("a/b").unwrap_err(),
        NoReverseMatch(
            "Reverse for 'str' with keyword arguments '{'value': 'a/b'}' not found. 1 pattern(s) tried: ['str/(?P<value>[^/]+)\\\\Z']".into()
        )
    );
    assert_eq!(
        reversals::int_value(-1).unwrap_err().to_string(),
        "Reverse for 'int' with arguments '(-1,)' not found. 1 pattern(s) tried: ['int/(?P<value>[0-9]+)\\\\Z']"
    );
    assert!(reversals::slug_value("a b").is_err());
    assert!(reversals::str_value("").is_err());
}

#[test]
fn runtime_reverse_messages_are_djangos() {
    let _ = site();
    assert_eq!(
        reverse("nope").unwrap_err().to_string(),
        "Reverse for 'nope' not found. 'nope' is not a valid view function or pattern name."
    );
    assert_eq!(
        reverse("nope:x").unwrap_err().to_string(),
        "'nope' is not a registered namespace"
    );
    assert_eq!(
        reverse("shop:blah:x").unwrap_err().to_string(),
        "'blah' is not a registered namespace inside 'shop'"
    );
    assert_eq!(
        reverse("shop:item").unwrap_err().to_string(),
        "Reverse for 'item' with no arguments not found. 1 pattern(s) tried: ['shop/items/(?P<id>[0-9]+)/\\\\Z']"
    );
    assert_eq!(
        reverse_with("str", &["a/b"]).unwrap_err().to_string(),
        "Reverse for 'str' with arguments '('a/b',)' not found. 1 pattern(s) tried: ['str/(?P<value>[^/]+)\\\\Z']"
    );
    assert_eq!(
        reverse_kwargs("str", &[("nam", "x")])
            .unwrap_err()
            .to_string(),
        "Reverse for 'str' with keyword arguments '{'nam': 'x'}' not found. 1 pattern(s) tried: ['str/(?P<value>[^/]+)\\\\Z']"
    );
    assert_eq!(
        reverse_with("shop:item", &["12"]).unwrap(),
        "/shop/items/12/"
    );
}

#[test]
fn resolve_gives_the_view_route_names_and_captures() {
    let _ = site();
    let m = resolve("/shop/reviews/").expect("resolves");
    assert_eq!(m.view_name(), "shop:reviews:list");
    assert_eq!(m.url_name(), Some("list"));
    assert_eq!(m.route(), "shop/reviews/");
    assert_eq!(m.namespace(), "shop:reviews");
    assert_eq!(m.namespaces(), vec!["shop", "reviews"]);
    assert_eq!(m.func(), "manouche_tests::shop::reviews::list");

    let m = resolve("/two/a-b-c").expect("resolves");
    assert_eq!(m.view_name(), "two");
    assert_eq!(m.route(), "two/<slug:a>-<slug:b>");
    assert_eq!(m.kwargs(), [("a", "a-b"), ("b", "c")]);
    // Like Django's resolve(), the path is taken as already decoded.
    let m = resolve("/str/a b").expect("resolves");
    assert_eq!(m.kwargs(), [("value", "a b")]);
    let m = resolve("/str/a%20b").expect("resolves");
    assert_eq!(m.kwargs(), [("value", "a%20b")]);
    assert!(resolve("/nope").is_none());
    assert!(resolve("/small/300").is_none());
}

#[tokio::test]
async fn the_view_sees_its_resolver_match() {
    let mut c = site();
    assert_eq!(
        c.get("/shop/reviews/").await.text(),
        "shop:reviews:list shop/reviews/ shop:reviews"
    );
}
