//! CSRF as Django 4.1+ does it (reference §1.4, and the cases of Django's csrf_tests that
//! apply): masking, every rejection reason, the accepted combinations, the Origin and
//! Referer matrices, the methods checked, the exempt view, and the cookie.

use manouche::csrf::{self, ALLOWED_CHARS};
use manouche::http::{HeaderMap, HeaderValue, Method, StatusCode};
use manouche::test::{Client, TestResponse};
use manouche_tests::support::csrf_token;

const SECRET: &str = "lcccccccX2kcccccccY2jcccccccssIC";

fn masked(secret: &str) -> String {
    csrf::mask(secret)
}

fn client() -> Client {
    Client::new(&manouche_tests::project()).enforce_csrf_checks()
}

fn client_with(adjust: impl FnOnce(&mut manouche::Settings)) -> Client {
    Client::with_settings(&manouche_tests::project(), adjust).enforce_csrf_checks()
}

async fn post(c: &mut Client, headers: &[(&str, &str)], form: &str) -> TestResponse {
    post_to(c, Method::POST, headers, form).await
}

async fn post_to(
    c: &mut Client,
    method: Method,
    headers: &[(&str, &str)],
    form: &str,
) -> TestResponse {
    let mut h = HeaderMap::new();
    h.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    for (k, v) in headers {
        h.insert(
            manouche::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    c.send(method, "/form", h, form.to_string().into()).await
}

fn assert_rejected(r: &TestResponse) {
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(
        r.text()
            .contains("<p>CSRF verification failed. Request aborted.</p>")
    );
}

/// With DEBUG on, the page shows the reason.
async fn reason_of(c: &mut Client, headers: &[(&str, &str)], form: &str) -> String {
    let r = post(c, headers, form).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let text = r.text();
    let start = text.find("<pre>\n    ").expect("a reason") + "<pre>\n    ".len();
    let end = text[start..].find("\n    </pre>").unwrap() + start;
    text[start..end].replace("&#x27;", "'")
}

#[test]
fn mask_and_unmask() {
    for _ in 0..50 {
        let secret = csrf::new_secret();
        assert_eq!(secret.len(), 32);
        assert!(secret.bytes().all(|b| ALLOWED_CHARS.contains(&b)));
        let token = masked(&secret);
        assert_eq!(token.len(), 64);
        assert_eq!(csrf::unmask(&token), secret);
        assert_ne!(masked(&secret), token, "a fresh mask each time (BREACH)");
    }
    // A secret of 'a's (index 0) masked with M is M followed by M.
    let mask = "bcdefghijklmnopqrstuvwxyzABCDEFG";
    assert_eq!(csrf::unmask(&format!("{mask}{mask}")), "a".repeat(32));
    // Index arithmetic wraps around the 62 characters: '9' + 'b' = 'a'.
    assert_eq!(
        csrf::unmask(&format!("{}{}", "b".repeat(32), "a".repeat(32))),
        "9".repeat(32)
    );
}

#[tokio::test]
async fn every_rejection_reason_is_djangos() {
    let good = masked(SECRET);
    let (questions, a32) = ("?".repeat(32), "a".repeat(32));
    // (cookie, headers, form, reason)
    type Case<'a> = (Option<&'a str>, Vec<(&'a str, &'a str)>, String, &'a str);
    let cases: Vec<Case> = vec![
        (
            None,
            vec![],
            format!("csrfmiddlewaretoken={good}"),
            "CSRF cookie not set.",
        ),
        (Some(SECRET), vec![], String::new(), "CSRF token missing."),
        (
            Some("short"),
            vec![],
            format!("csrfmiddlewaretoken={good}"),
            "CSRF cookie has incorrect length.",
        ),
        (
            Some("lcccccccX2kcccccccY2jcccccccssI!"),
            vec![],
            format!("csrfmiddlewaretoken={good}"),
            "CSRF cookie has invalid characters.",
        ),
        (
            Some(SECRET),
            vec![],
            "csrfmiddlewaretoken=short".into(),
            "CSRF token from POST has incorrect length.",
        ),
        (
            Some(SECRET),
            vec![],
            format!("csrfmiddlewaretoken={}", "!".repeat(64)),
            "CSRF token from POST has invalid characters.",
        ),
        (
            Some(SECRET),
            vec![],
            format!("csrfmiddlewaretoken={}", masked(&csrf::new_secret())),
            "CSRF token from POST incorrect.",
        ),
        (
            Some(SECRET),
            vec![("x-csrftoken", "short")],
            String::new(),
            "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length.",
        ),
        (
            Some(SECRET),
            vec![("x-csrftoken", questions.as_str())],
            String::new(),
            "CSRF token from the 'X-Csrftoken' HTTP header has invalid characters.",
        ),
        (
            Some(SECRET),
            vec![("x-csrftoken", a32.as_str())],
            String::new(),
            "CSRF token from the 'X-Csrftoken' HTTP header incorrect.",
        ),
        (
            Some(SECRET),
            vec![("origin", "http://evil.com")],
            format!("csrfmiddlewaretoken={good}"),
            "Origin checking failed - http://evil.com does not match any trusted origins.",
        ),
        (
            Some(SECRET),
            vec![("origin", "null")],
            format!("csrfmiddlewaretoken={good}"),
            "Origin checking failed - null does not match any trusted origins.",
        ),
    ];
    for (cookie, headers, form, expected) in cases {
        let mut c2 = client_with(|s| s.debug = true);
        if let Some(v) = cookie {
            c2.set_cookie("csrftoken", v);
        }
        assert_eq!(reason_of(&mut c2, &headers, &form).await, expected);
    }
    // Without DEBUG, the short text.
    let mut plain = client();
    let r = post(&mut plain, &[], "").await;
    assert_rejected(&r);
    assert!(
        r.text()
            .contains("More information is available with DEBUG=True.")
    );
    assert!(
        r.text()
            .contains("this site requires a CSRF cookie when submitting forms")
    );
    assert!(!r.text().contains("Reason given for failure"));
}

#[tokio::test]
async fn https_requests_get_strict_referer_checks() {
    let good = masked(SECRET);
    let form = format!("csrfmiddlewaretoken={good}");
    let cases = [
        (None, "Referer checking failed - no Referer."),
        (
            Some("not a url"),
            "Referer checking failed - Referer is malformed.",
        ),
        (
            Some("https://"),
            "Referer checking failed - Referer is malformed.",
        ),
        (
            Some("http://testserver/form"),
            "Referer checking failed - Referer is insecure while host is secure.",
        ),
        (
            Some("https://evil.com/page"),
            "Referer checking failed - https://evil.com/page does not match any trusted origins.",
        ),
    ];
    for (referer, expected) in cases {
        let mut c = client_with(|s| s.debug = true).secure();
        c.set_cookie("csrftoken", SECRET);
        let headers: Vec<(&str, &str)> = referer.iter().map(|r| ("referer", *r)).collect();
        assert_eq!(
            reason_of(&mut c, &headers, &form).await,
            expected,
            "{referer:?}"
        );
    }
    let mut c = client_with(|s| s.debug = true).secure();
    let r = post(&mut c, &[], &form).await;
    assert!(
        r.text().contains("requires a “Referer header” to be sent"),
        "no-referer help"
    );

    // Accepted: the same host; a trusted origin's host; CSRF_COOKIE_DOMAIN's subdomains.
    for (referer, trusted, domain) in [
        ("https://testserver/elsewhere", vec![], None),
        (
            "https://partner.com/page",
            vec!["https://partner.com".to_string()],
            None,
        ),
        (
            "https://a.partner.com/page",
            vec!["https://*.partner.com".to_string()],
            None,
        ),
        (
            "https://www.testserver/page",
            vec![],
            Some(".testserver".to_string()),
        ),
    ] {
        let mut c = client_with(|s| {
            s.csrf_trusted_origins = trusted.clone();
            s.csrf_cookie_domain = domain.clone();
        })
        .secure();
        c.set_cookie("csrftoken", SECRET);
        let r = post(&mut c, &[("referer", referer)], &form).await;
        assert_eq!(r.status, StatusCode::OK, "{referer}: {}", r.text());
    }
    // Plain HTTP is never Referer-checked.
    let mut c = client();
    c.set_cookie("csrftoken", SECRET);
    assert_eq!(post(&mut c, &[], &form).await.status, StatusCode::OK);
}

#[tokio::test]
async fn origin_matrix() {
    let form = format!("csrfmiddlewaretoken={}", masked(SECRET));
    let cases: &[(&str, &[&str], bool, bool)] = &[
        // (origin, trusted origins, secure, accepted)
        ("http://testserver", &[], false, true),
        ("https://testserver", &[], false, false),
        ("https://testserver", &[], true, true),
        ("http://testserver:80", &[], false, false),
        ("https://partner.com", &["https://partner.com"], false, true),
        ("http://partner.com", &["https://partner.com"], false, false),
        (
            "https://a.partner.com",
            &["https://*.partner.com"],
            false,
            true,
        ),
        (
            "https://partner.com",
            &["https://*.partner.com"],
            false,
            true,
        ),
        (
            "http://a.partner.com",
            &["https://*.partner.com"],
            false,
            false,
        ),
        (
            "https://a.partner.com:8443",
            &["https://*.partner.com"],
            false,
            false,
        ),
        (
            "https://evilpartner.com",
            &["https://*.partner.com"],
            false,
            false,
        ),
        ("null", &[], false, false),
    ];
    for (origin, trusted, secure, accepted) in cases {
        let trusted: Vec<String> = trusted.iter().map(|s| s.to_string()).collect();
        let mut c = client_with(|s| s.csrf_trusted_origins = trusted);
        if *secure {
            c = c.secure();
        }
        c.set_cookie("csrftoken", SECRET);
        let r = post(&mut c, &[("origin", origin)], &form).await;
        assert_eq!(
            r.status == StatusCode::OK,
            *accepted,
            "{origin} {:?}",
            r.status
        );
    }
}

#[tokio::test]
async fn masked_and_unmasked_cookies_and_tokens_are_all_accepted() {
    let secret = csrf::new_secret();
    for cookie in [secret.clone(), masked(&secret)] {
        for token in [secret.clone(), masked(&secret)] {
            let mut c = client();
            c.set_cookie("csrftoken", &cookie);
            let r = post(&mut c, &[], &format!("csrfmiddlewaretoken={token}&a=1")).await;
            assert_eq!(r.text(), "POST 1");
            let mut c = client();
            c.set_cookie("csrftoken", &cookie);
            let r = post(&mut c, &[("x-csrftoken", &token)], "a=2").await;
            assert_eq!(r.text(), "POST 2", "the header, when the form has no token");
        }
    }
}

#[tokio::test]
async fn unsafe_methods_are_checked_and_safe_ones_not() {
    for method in [
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::from_bytes(b"PURGE").unwrap(),
    ] {
        let mut c = client();
        c.set_cookie("csrftoken", SECRET);
        let r = post_to(&mut c, method.clone(), &[], "").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method}");
        let r = post_to(
            &mut c,
            method.clone(),
            &[("x-csrftoken", &masked(SECRET))],
            "",
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{method} with the header");
    }
    for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE] {
        let mut c = client();
        let r = c
            .send(
                method.clone(),
                "/json",
                HeaderMap::new(),
                Default::default(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{method}");
    }
}

#[tokio::test]
async fn an_exempt_view_takes_posts_without_a_token() {
    let mut c = client();
    let mut h = HeaderMap::new();
    h.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let r = c.send(Method::POST, "/echo-body", h, "a=1".into()).await;
    assert_eq!(r.text(), "3 bytes, a=1");
}

#[tokio::test]
async fn the_test_client_skips_checks_unless_asked() {
    let mut c = Client::new(&manouche_tests::project());
    assert_eq!(c.post("/form", &[("a", "x")]).await.text(), "POST x");
}

#[tokio::test]
async fn the_cookie_is_sent_only_when_a_token_was_used() {
    let mut c = client();
    let r = c.get("/json").await;
    assert!(r.header("set-cookie").is_none());
    assert!(r.header("vary").is_none());

    let r = c.get("/form").await;
    let cookie = r
        .header("set-cookie")
        .expect("a page with {% csrf_token %} sets the cookie")
        .to_string();
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("csrftoken=")
        .unwrap()
        .to_string();
    assert_eq!(value.len(), 32);
    assert!(
        cookie.contains("; Max-Age=31449600; Path=/; SameSite=Lax"),
        "{cookie}"
    );
    assert!(cookie.contains("; expires="), "{cookie}");
    assert!(
        !cookie.contains("HttpOnly") && !cookie.contains("Secure"),
        "{cookie}"
    );
    assert_eq!(r.header("vary"), Some("Cookie"));
    // The form's token is a fresh mask of the cookie's secret.
    let html = r.text();
    let token = csrf_token(&html);
    assert_eq!(csrf::unmask(token), value);
    let second = c.get("/form").await.text();
    assert_ne!(csrf_token(&second), token, "each render masks afresh");
    // The secret is kept across requests, and the form posts.
    assert_eq!(c.cookie("csrftoken"), Some(value.as_str()));
    let r = post(&mut c, &[], &format!("csrfmiddlewaretoken={token}&a=ok")).await;
    assert_eq!(r.text(), "POST ok");
}

#[tokio::test]
async fn a_malformed_cookie_is_replaced() {
    let mut c = client();
    c.set_cookie("csrftoken", "badvalue");
    let r = c.get("/json").await;
    let cookie = r.header("set-cookie").expect("a new cookie");
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("csrftoken=")
        .unwrap();
    assert_eq!(value.len(), 32);
    assert!(value.bytes().all(|b| b.is_ascii_alphanumeric()));
}

#[tokio::test]
async fn get_token_and_rotate_token() {
    let mut c = client();
    let token = c.get("/token").await.text();
    assert_eq!(token.len(), 64);
    let secret = c.cookie("csrftoken").unwrap().to_string();
    assert_eq!(csrf::unmask(&token), secret);
    c.get("/rotate").await;
    let rotated = c.cookie("csrftoken").unwrap().to_string();
    assert_ne!(rotated, secret, "a login gets a new secret");
    let r = post(&mut c, &[("x-csrftoken", &token)], "").await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the old token no longer works"
    );
}

#[tokio::test]
async fn cookie_settings_are_applied() {
    let mut c = client_with(|s| {
        s.csrf_cookie_name = "mycsrf".into();
        s.csrf_cookie_secure = true;
        s.csrf_cookie_httponly = true;
        s.csrf_cookie_samesite = "Strict".into();
        s.csrf_cookie_domain = Some(".example.com".into());
        s.csrf_cookie_age = 60;
    });
    let r = c.get("/form").await;
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.starts_with("mycsrf="), "{cookie}");
    assert!(
        cookie.contains("; Domain=.example.com; expires="),
        "{cookie}"
    );
    assert!(
        cookie.ends_with("; HttpOnly; Max-Age=60; Path=/; SameSite=Strict; Secure"),
        "{cookie}"
    );
}

#[tokio::test]
async fn the_project_may_replace_the_failure_page() {
    let project = manouche_tests::project()
        .csrf_failure(|context| Ok(format!("<p>Sorry: {}</p>", context.exception)));
    let mut c = Client::new(&project).enforce_csrf_checks();
    let r = post(&mut c, &[], "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.text(), "<p>Sorry: CSRF cookie not set.</p>");
}

#[tokio::test]
async fn csrf_use_sessions_keeps_the_secret_in_the_session() {
    let mut c = client_with(|s| {
        s.csrf_use_sessions = true;
        s.session_engine = "memory".into();
    });
    let r = c.get("/form").await;
    let cookies: Vec<&str> = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        cookies.iter().all(|c| !c.starts_with("csrftoken=")),
        "no CSRF cookie: {cookies:?}"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("sessionid=")),
        "{cookies:?}"
    );
    let html = r.text();
    let token = csrf_token(&html).to_string();
    let r = post(&mut c, &[], &format!("csrfmiddlewaretoken={token}&a=ok")).await;
    assert_eq!(r.text(), "POST ok");
    let r = post(&mut c, &[], "a=no").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another session (a forged request from elsewhere) has no secret.
    let mut other = client_with(|s| {
        s.csrf_use_sessions = true;
        s.session_engine = "memory".into();
    });
    let r = post(
        &mut other,
        &[],
        &format!("csrfmiddlewaretoken={token}&a=forged"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_403_for_a_malformed_cookie_carries_its_replacement() {
    // Django's process_response runs on the rejection too.
    let mut c = client();
    c.set_cookie("csrftoken", "not-a-valid-secret");
    let r = post(&mut c, &[], "a=1").await;
    assert_rejected(&r);
    let set = r.header("set-cookie").expect("the replacement cookie");
    let value = set
        .strip_prefix("csrftoken=")
        .and_then(|v| v.split(';').next())
        .expect("a csrftoken cookie");
    assert_eq!(value.len(), 32);
    assert!(value.bytes().all(|b| ALLOWED_CHARS.contains(&b)));
    // The replacement works for the next post.
    let form = format!("csrfmiddlewaretoken={}&a=2", masked(value));
    let r = post(&mut c, &[], &form).await;
    assert_eq!((r.status, r.text().as_str()), (StatusCode::OK, "POST 2"));
}

#[tokio::test]
async fn the_form_content_type_is_compared_without_case() {
    let mut c = client();
    c.set_cookie("csrftoken", SECRET);
    let mut h = HeaderMap::new();
    h.insert(
        "content-type",
        HeaderValue::from_static("Application/X-WWW-Form-URLEncoded; Charset=UTF-8"),
    );
    let body = format!("csrfmiddlewaretoken={}&a=yes", masked(SECRET));
    let r = c.send(Method::POST, "/form", h, body.into()).await;
    assert_eq!((r.status, r.text().as_str()), (StatusCode::OK, "POST yes"));
}

#[tokio::test]
async fn too_many_fields_is_a_400_before_the_token_is_looked_for() {
    // Django counts the fields first (TooManyFieldsSent), for every reader of the body.
    let mut c = client();
    let body = "a&".repeat(1000);
    let r = post(&mut c, &[], &body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    let fine = "a&".repeat(999) + "a";
    assert_rejected(&post(&mut c, &[], &fine).await);
    // The limit is the setting's; None lifts it.
    let mut c = client_with(|s| s.data_upload_max_number_fields = None);
    assert_rejected(&post(&mut c, &[], &body).await);
}

#[tokio::test]
async fn with_csrf_use_sessions_the_referer_is_checked_against_the_session_cookie_domain() {
    let mut c = client_with(|s| {
        s.csrf_use_sessions = true;
        s.session_engine = "memory".into();
        s.session_cookie_domain = Some(".example.com".into());
        s.allowed_hosts.push(".example.com".into());
    })
    .secure()
    .host("www.example.com");
    // A token from a page, which keeps the secret in the session.
    let token = c.get("/token").await.text();
    assert_eq!(token.len(), 64);
    let form = format!("csrfmiddlewaretoken={token}&a=1");
    let r = post(
        &mut c,
        &[("referer", "https://shop.example.com/cart")],
        &form,
    )
    .await;
    assert_eq!((r.status, r.text().as_str()), (StatusCode::OK, "POST 1"));
    let r = post(&mut c, &[("referer", "https://evil.test/")], &form).await;
    assert_rejected(&r);
}
