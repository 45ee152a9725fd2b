//! Django's template behaviours on the compiled templates: inheritance (three levels,
//! block.super, nested blocks, child-only blocks ignored), autoescaping, `{% url %}` escaped
//! and percent-encoded, loops, and the other tags.

use manouche::Template;
use manouche_tests::pages::{
    Child, Escaping, Inline, Loops, Middle, PlainText, RawText, Tags, Urls,
};

#[test]
fn a_template_that_is_not_html_is_escaped_as_django_escapes_every_template() {
    let value = "<b>&</b>".to_string();
    let text = PlainText {
        value: value.clone(),
    }
    .render()
    .unwrap();
    assert_eq!(text, "&lt;b&gt;&amp;&lt;/b&gt;|&lt;B&gt;&amp;&lt;/B&gt;\n");
    assert_eq!(RawText { value }.render().unwrap(), "<b>&</b>\n");
}

#[test]
fn three_levels_of_inheritance_with_block_super_and_nested_blocks() {
    let html = Child.render().unwrap();
    assert_eq!(
        html,
        "<title>Child - Base</title>\nmiddle[base content] child inner + middle inner\nbase footer\n"
    );
    assert!(
        !html.contains("never shown"),
        "a block only the child has is not shown"
    );
    assert!(
        !html.contains("ignored text"),
        "text outside blocks in a child is ignored"
    );
    assert_eq!(
        Middle.render().unwrap(),
        "<title>Base</title>\nmiddle[base content] middle inner\nbase footer\n"
    );
}

#[test]
fn autoescape_is_djangos() {
    let html = Escaping {
        value: r#"<b>"Tom" & 'Jerry'</b>"#.into(),
    }
    .render()
    .unwrap();
    assert_eq!(
        html,
        "[&lt;b&gt;&quot;Tom&quot; &amp; &#x27;Jerry&#x27;&lt;/b&gt;] [<b>\"Tom\" & 'Jerry'</b>]\n"
    );
}

#[test]
fn for_empty_and_forloop() {
    let items = vec!["a".to_string(), "<b>".to_string()];
    assert_eq!(Loops { items }.render().unwrap(), "1:a, 2:&lt;b&gt;\n");
    assert_eq!(Loops { items: vec![] }.render().unwrap(), "nothing\n");
}

#[test]
fn url_tags_are_checked_encoded_and_escaped() {
    let html = Urls {
        value: "a'b&c d".into(),
        id: 7,
        slashy: "a/b".into(),
    }
    .render()
    .unwrap();
    let lines: Vec<&str> = html.lines().collect();
    assert_eq!(
        lines,
        [
            "/",
            "/str/a&#x27;b&amp;c%20d",
            "/str/a&#x27;b&amp;c%20d",
            "/shop/items/7/",
            "[/str/a&#x27;b&amp;c%20d]",
            "[]",
            "/q&amp;a/it&#x27;s",
            "[/q&amp;a/it&#x27;s]",
        ]
    );
}

#[test]
fn url_with_a_value_the_route_refuses_fails_the_render() {
    let err = Urls {
        value: "a/b".into(),
        id: 1,
        slashy: String::new(),
    }
    .render()
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("Reverse for 'str' with arguments '('a/b',)' not found."),
        "{err}"
    );
}

#[test]
fn load_comment_static_if_and_csrf_outside_a_request() {
    let html = Tags {
        on: true,
        off: false,
        never: false,
    }
    .render()
    .unwrap();
    // The comment and its lines vanish, the file's last newline stays (as in Django); no CSRF token without a request (as in Django).
    // Quoted as Django's `filepath_to_uri` (`&` encoded, `'` kept), then escaped.
    assert_eq!(
        html,
        "/static/css/site.css /static/a%20b.css /static/a%26b&#x27;s.css\nyes\n[]\n"
    );
}

#[test]
fn inline_templates_are_rewritten_too() {
    assert_eq!(Inline { forloop_free: "x" }.render().unwrap(), "/|x");
}

#[tokio::test]
async fn render_gives_templates_the_request_context() {
    let mut c = manouche::test::Client::with_settings(&manouche_tests::project(), |s| {
        s.static_url = "/assets/".into()
    });
    let r = c.get("/context/a%20b?q=1").await;
    assert_eq!(r.status.as_u16(), 200);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(
        r.text(),
        "GET /context/a b /context/a%20b?q=1 /assets/x.css ?q=1&amp;page=2 ?\n"
    );
}

#[tokio::test]
async fn a_static_tag_follows_each_clients_static_url() {
    // A `{% static "literal" %}` keeps its text for the first settings it renders with;
    // other settings in the same process still get their own.
    for (prefix, expected) in [
        ("/one/", "/one/x.css"),
        ("two/", "/two/x.css"),
        ("/one/", "/one/x.css"),
        (
            "https://cdn.example/a&b/",
            "https://cdn.example/a&amp;b/x.css",
        ),
    ] {
        let mut c = manouche::test::Client::with_settings(&manouche_tests::project(), |s| {
            s.static_url = prefix.into()
        });
        let text = c.get("/context/x").await.text();
        assert!(text.contains(&format!(" {expected} ")), "{prefix}: {text}");
    }
}
