//! The security review's promises (issue 19) that are about HTTPS, redirects and what the
//! debug page shows: one "is this request secure" for HSTS and SECURE_SSL_REDIRECT, and no
//! secret of the settings on any error page.

use manouche::http::{HeaderMap, HeaderValue, Method, StatusCode};
use manouche::test::{Client, TestResponse};

fn site(adjust: impl FnOnce(&mut manouche::Settings)) -> Client {
    Client::with_settings(&manouche_tests::project(), adjust)
}

async fn get_with(c: &mut Client, path: &str, headers: &[(&str, &str)]) -> TestResponse {
    let mut h = HeaderMap::new();
    for (k, v) in headers {
        h.append(
            manouche::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    c.send(Method::GET, path, h, Default::default()).await
}

#[tokio::test]
async fn hsts_is_sent_behind_a_proxy_in_either_spelling_of_its_header() {
    for name in ["X-Forwarded-Proto", "HTTP_X_FORWARDED_PROTO"] {
        let mut c = site(|s| {
            s.secure_hsts_seconds = 3600;
            s.secure_proxy_ssl_header = vec![name.into(), "https".into()];
        });
        let r = get_with(&mut c, "/", &[("X-Forwarded-Proto", "https")]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.header("strict-transport-security"),
            Some("max-age=3600"),
            "{name}"
        );
        // The first value decides, as Django reads it.
        let r = get_with(&mut c, "/", &[("X-Forwarded-Proto", "https, http")]).await;
        assert!(r.header("strict-transport-security").is_some(), "{name}");
        for plain in ["http", "http, https", ""] {
            let r = get_with(&mut c, "/", &[("X-Forwarded-Proto", plain)]).await;
            assert_eq!(
                r.header("strict-transport-security"),
                None,
                "{name}: {plain}"
            );
        }
        // The proxy's word decides even over TLS the server terminated.
        let mut tls = site(|s| {
            s.secure_hsts_seconds = 3600;
            s.secure_proxy_ssl_header = vec![name.into(), "https".into()];
        })
        .secure();
        let r = get_with(&mut tls, "/", &[("X-Forwarded-Proto", "http")]).await;
        assert_eq!(r.header("strict-transport-security"), None);
        let r = get_with(&mut tls, "/", &[]).await;
        assert!(r.header("strict-transport-security").is_some());
    }
}

#[tokio::test]
async fn a_client_s_absolute_https_target_does_not_make_a_request_secure() {
    let mut c = site(|s| s.secure_hsts_seconds = 3600);
    let r = get_with(&mut c, "https://testserver/", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("strict-transport-security"), None);
    // Without SECURE_PROXY_SSL_HEADER, the header is no one's word either.
    let r = get_with(&mut c, "/", &[("X-Forwarded-Proto", "https")]).await;
    assert_eq!(r.header("strict-transport-security"), None);
    // TLS the server terminated (the test client's `secure()`) is.
    let mut tls = site(|s| s.secure_hsts_seconds = 3600).secure();
    let r = get_with(&mut tls, "/", &[]).await;
    assert_eq!(r.header("strict-transport-security"), Some("max-age=3600"));
}

#[tokio::test]
async fn secure_ssl_redirect_follows_the_same_rule() {
    let proxied = |s: &mut manouche::Settings| {
        s.secure_ssl_redirect = true;
        s.secure_proxy_ssl_header = vec!["HTTP_X_FORWARDED_PROTO".into(), "https".into()];
    };
    let mut c = site(proxied);
    let r = get_with(&mut c, "/str/a?b=1", &[]).await;
    assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(r.header("location"), Some("https://testserver/str/a?b=1"));
    // Security headers go out with the redirect, as Django's middleware adds them.
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    let r = get_with(&mut c, "https://testserver/str/a", &[]).await;
    assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY, "a URI is not TLS");
    let r = get_with(&mut c, "/str/a", &[("X-Forwarded-Proto", "https")]).await;
    assert_eq!((r.status, r.text().as_str()), (StatusCode::OK, "str:a"));
    // The redirect names the request's host only once ALLOWED_HOSTS allows it (Django's
    // get_host() raises first): a disallowed Host is a 400, never a redirect to it.
    let r = get_with(&mut c, "/", &[("Host", "evil.example")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.header("location"), None);
    // SECURE_SSL_HOST names the host instead, so Django redirects without asking the
    // request's.
    let mut c = site(|s| {
        proxied(s);
        s.secure_ssl_host = Some("secure.example.com".into());
    });
    let r = get_with(&mut c, "/", &[]).await;
    assert_eq!(r.header("location"), Some("https://secure.example.com/"));
    let r = get_with(&mut c, "/", &[("Host", "evil.example")]).await;
    assert_eq!(r.header("location"), Some("https://secure.example.com/"));
}

#[tokio::test]
async fn no_secret_of_the_settings_appears_on_a_debug_page() {
    let secrets = [
        "hunter2",
        "the-secret-key-0123456789",
        "old-key-9876543210",
        "cookie-secret",
    ];
    let mut c = site(|s| {
        s.debug = true;
        s.session_engine = "memory".into();
        s.database_url = "postgres://app:hunter2@db.internal:5432/site".into();
        s.secret_key = "the-secret-key-0123456789".into();
        s.secret_key_fallbacks = vec!["old-key-9876543210".into()];
        s.csrf_trusted_origins = vec!["https://user:hunter2@partner.example".into()];
    });
    c.set_cookie("sessionid", "cookie-secret");
    for accept in ["text/html", "text/plain"] {
        for path in ["/error", "/nope", "/bad"] {
            let r = get_with(&mut c, path, &[("Accept", accept)]).await;
            assert!(r.status.is_client_error() || r.status.is_server_error());
            let page = r.text();
            for secret in secrets {
                assert!(!page.contains(secret), "{path} ({accept}) shows {secret:?}");
            }
        }
    }
    let page = get_with(&mut c, "/error", &[]).await.text();
    // The rest of the URL stays, to tell which database it was.
    assert!(
        page.contains("postgres://app:********************@db.internal:5432/site"),
        "{page}"
    );
}
