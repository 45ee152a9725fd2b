//! Messages as Django's default `FallbackStorage` keeps them: in the `messages` cookie while
//! they fit its 2048 bytes, in the session beyond, read once; and cookies Django wrote
//! (compressed, with the "not finished" marker) are read.

use manouche::test::Client;

fn client() -> Client {
    Client::new(&manouche_tests::project())
}

#[manouche::test]
async fn messages_that_do_not_fit_the_cookie_go_to_the_session_and_come_back_in_order() {
    let mut c = client();
    assert_eq!(c.get("/messages/add/3").await.text(), "added");
    assert!(
        c.cookie("sessionid").is_none(),
        "a few messages write no session"
    );
    let few = c.get("/messages/show").await.text();
    assert_eq!(few.lines().filter(|l| !l.is_empty()).count(), 3, "{few}");

    c.get("/messages/add/60").await;
    let cookie = c.cookie("messages").expect("the cookie").to_string();
    assert!(cookie.len() <= 2048, "{} bytes", cookie.len());
    assert!(
        c.cookie("sessionid").is_some(),
        "the rest went to the session"
    );
    let shown = c.get("/messages/show").await.text();
    let lines: Vec<&str> = shown.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 60, "{shown}");
    for (i, line) in lines.iter().enumerate() {
        assert!(
            line.starts_with(&format!("info: Message {i:02}: ")),
            "{line}"
        );
    }
    // Read once: gone from the cookie and the session.
    assert_eq!(c.get("/messages/show").await.text().trim(), "");
    assert!(c.cookie("messages").is_none());
}

/// Made by Django 5.2's `CookieStorage._encode` with the test site's SECRET_KEY, for
/// `[Message(25, "Saved the task list. " * 10), Message(40, "Could not reach the
/// server.", extra_tags="urgent")]`: compressed, as Django compresses when it is shorter.
const DJANGO_COMPRESSED: &str = ".eJzVzz0KgDAMQOGrhMxBiugJPIKjlFI01J_aQpP2_IKzF3B98A1vWdC5U3JyN4v4wEiG-pFw9o030J1BvVwQD9EOfh3R0tfsYAinXOMGKSsU9uv-SuHSuHRIWEvgpGjtA_0nZxA:1xZ8Xm:Nmu31STNP-e5nWo_l6GBUzlDFvFmv9QKIP5dNM0K_PI";

#[manouche::test]
async fn a_compressed_cookie_written_by_django_is_read() {
    let mut c = client();
    c.set_cookie("messages", DJANGO_COMPRESSED);
    let shown = c.get("/messages/show").await.text();
    assert_eq!(
        shown,
        format!(
            "success: {}\nurgent error: Could not reach the server.\n\n",
            "Saved the task list. ".repeat(10)
        )
    );
}
