//! Users as Django's `django.contrib.auth` has them, through the lecture's users app
//! (tests/src/users): hashes made by Django log in, `login_required` sends visitors to
//! LOGIN_URL with `next`, a login changes the session key and the CSRF token, a password
//! change ends other sessions, and only a safe `next` is followed.

use diesel::prelude::*;
use manouche::auth::{self, NewUser, auth_user};
use manouche::test::Client;

/// Made by Django 5.2 with Django 4.0's 260,000 iterations:
/// `PBKDF2PasswordHasher().encode("correct horse battery staple", "lSBkZKxVhYlROYJuI0nLOs", 260000)`.
const DJANGO_OLD_HASH: &str =
    "pbkdf2_sha256$260000$lSBkZKxVhYlROYJuI0nLOs$L7UCoinqReK7leKeqhW241ZZE0K+iAHhIveg278Ws5U=";

fn client() -> Client {
    Client::new(&manouche_tests::project())
}

fn db(c: &Client) -> manouche::db::Database {
    manouche::db::shared(c.settings()).unwrap()
}

fn add_user(c: &Client, username: &str, password: &str, first_name: &str) -> auth::User {
    auth::create_user_in(
        &db(c),
        &NewUser {
            username,
            password: Some(password),
            first_name,
            email: "brian@Example.COM",
            ..NewUser::default()
        },
    )
    .unwrap()
}

fn stored_hash(c: &Client, username: &str) -> String {
    let mut conn = db(c).connection().unwrap();
    auth_user::table
        .filter(auth_user::username.eq(username))
        .select(auth_user::password)
        .first::<String>(&mut *conn)
        .unwrap()
}

async fn log_in(c: &mut Client, username: &str, password: &str) -> manouche::test::TestResponse {
    c.post(
        "/users/login",
        &[("username", username), ("password", password)],
    )
    .await
}

#[manouche::test]
async fn a_hash_made_by_django_logs_in_and_is_upgraded_to_todays_iterations() {
    let mut c = client();
    add_user(&c, "brian", "placeholder", "Brian");
    {
        let mut conn = db(&c).connection().unwrap();
        diesel::update(auth_user::table.filter(auth_user::username.eq("brian")))
            .set(auth_user::password.eq(DJANGO_OLD_HASH))
            .execute(&mut *conn)
            .unwrap();
    }
    log_in(&mut c, "brian", "correct horse battery staple")
        .await
        .assert_redirects("/users/");
    c.get("/users/")
        .await
        .assert_contains("<h1>Welcome, Brian</h1>");
    let upgraded = stored_hash(&c, "brian");
    assert!(upgraded.starts_with("pbkdf2_sha256$1000000$"), "{upgraded}");
    // The e-mail's domain was lower-cased, as Django's normalize_email does.
    c.get("/users/").await.assert_contains("brian@example.com");
}

#[manouche::test]
async fn a_wrong_password_or_unknown_user_is_refused_and_the_username_kept() {
    let mut c = client();
    add_user(&c, "brian", "right password", "Brian");
    for (user, password) in [("brian", "wrong password"), ("nobody", "right password")] {
        let r = log_in(&mut c, user, password).await;
        assert_eq!(r.status(), 200);
        r.assert_contains("Invalid credentials.");
        r.assert_contains(&format!("value=\"{user}\""));
    }
    c.get("/users/")
        .await
        .assert_redirects("/accounts/login/?next=/users/");
}

#[manouche::test]
async fn login_required_sends_visitors_to_login_url_with_next() {
    let mut c = client();
    let r = c.get("/users/?a=1&b=%C3%A9").await;
    r.assert_redirects("/accounts/login/?next=/users/%3Fa%3D1%26b%3D%25C3%25A9");
    // An anonymous visit writes no session.
    assert!(
        r.header("set-cookie")
            .is_none_or(|v| !v.contains("sessionid"))
    );
    let mut c = Client::with_settings(&manouche_tests::project(), |s| {
        s.login_url = "/users/login?from=app".into()
    });
    c.get("/users/")
        .await
        .assert_redirects("/users/login?from=app&next=/users/");
}

#[manouche::test]
async fn logging_in_changes_the_session_key_and_the_csrf_token_and_keeps_the_data() {
    let mut c = client();
    add_user(&c, "brian", "pw-brian-123", "Brian");
    c.get("/session/set/colour/blue").await;
    c.get("/rotate").await;
    let (key, token) = (
        c.cookie("sessionid").unwrap().to_string(),
        c.cookie("csrftoken").unwrap().to_string(),
    );
    log_in(&mut c, "brian", "pw-brian-123").await;
    assert_ne!(c.cookie("sessionid").unwrap(), key, "a new session key");
    assert_ne!(c.cookie("csrftoken").unwrap(), token, "a new CSRF secret");
    assert_eq!(c.get("/session/get/colour").await.text(), "blue");
    assert_eq!(
        c.get("/session/get/_auth_user_backend").await.text(),
        "django.contrib.auth.backends.ModelBackend"
    );
}

#[manouche::test]
async fn a_password_change_ends_the_sessions_made_with_the_old_one() {
    let mut c = client();
    add_user(&c, "brian", "first-password-1", "Brian");
    log_in(&mut c, "brian", "first-password-1").await;
    c.get("/users/").await.assert_contains("Welcome, Brian");
    auth::set_password(&db(&c), "brian", "second-password-2").unwrap();
    c.get("/users/")
        .await
        .assert_redirects("/accounts/login/?next=/users/");
    log_in(&mut c, "brian", "second-password-2").await;
    c.get("/users/").await.assert_contains("Welcome, Brian");
}

#[manouche::test]
async fn only_a_safe_next_is_followed_after_login() {
    let mut c = client();
    add_user(&c, "brian", "pw-brian-123", "Brian");
    for evil in [
        "//evil.example",
        "https://evil.example",
        "\\\\evil.example",
        "java\tscript:alert(1)",
        "http:///evil.example",
    ] {
        let q = serde_urlencoded::to_string([("next", evil)]).unwrap();
        log_in_next(&mut c, &q)
            .await
            .assert_redirects("/accounts/profile/");
    }
    let q = serde_urlencoded::to_string([("next", "/users/?x=1")]).unwrap();
    log_in_next(&mut c, &q)
        .await
        .assert_redirects("/users/?x=1");
}

async fn log_in_next(c: &mut Client, query: &str) -> manouche::test::TestResponse {
    c.post(
        &format!("/users/login?{query}"),
        &[("username", "brian"), ("password", "pw-brian-123")],
    )
    .await
}

#[manouche::test]
async fn logout_is_a_post_that_ends_the_session() {
    let mut c = client();
    add_user(&c, "brian", "pw-brian-123", "Brian");
    log_in(&mut c, "brian", "pw-brian-123").await;
    assert_eq!(c.get("/users/logout").await.status(), 405);
    c.get("/users/").await.assert_contains("Welcome, Brian");
    c.post("/users/logout", &[])
        .await
        .assert_redirects("/users/login");
    // The message is shown once, from a cookie: the anonymous visitor has no session.
    assert!(c.cookie("messages").is_some());
    c.get("/users/login")
        .await
        .assert_contains("<div class=\"success\">Logged out.</div>");
    let again = c.get("/users/login").await;
    assert!(!again.text().contains("Logged out."), "shown once");
    assert!(c.cookie("sessionid").is_none_or(str::is_empty));
    c.get("/users/")
        .await
        .assert_redirects("/accounts/login/?next=/users/");
}

#[test]
fn inactive_users_and_unusable_passwords_cannot_log_in() {
    manouche::test::block_on(async {
        let mut c = client();
        auth::create_user_in(
            &db(&c),
            &NewUser {
                username: "nopass",
                password: None,
                ..NewUser::default()
            },
        )
        .unwrap();
        assert!(stored_hash(&c, "nopass").starts_with('!'));
        log_in(&mut c, "nopass", "")
            .await
            .assert_contains("Invalid credentials.");
        add_user(&c, "gone", "pw-gone-1234", "Gone");
        {
            let mut conn = db(&c).connection().unwrap();
            diesel::update(auth_user::table.filter(auth_user::username.eq("gone")))
                .set(auth_user::is_active.eq(false))
                .execute(&mut *conn)
                .unwrap();
        }
        log_in(&mut c, "gone", "pw-gone-1234")
            .await
            .assert_contains("Invalid credentials.");
    });
}

#[manouche::test]
async fn on_postgresql_the_same_login_works() {
    let url = std::env::var("MANOUCHE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let dir = std::env::temp_dir().join(format!("manouche-authpg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("settings.toml"),
        format!("SECRET_KEY = \"k\"\nDATABASE_URL = \"{url}\"\n"),
    )
    .unwrap();
    let mut c = Client::new(&manouche::Project::<manouche_tests::urls::UrlConf>::new(
        &dir,
    ));
    assert!(c.settings().database_url.contains("/test_"));
    add_user(&c, "brian", "pw-brian-123", "Brian");
    log_in(&mut c, "brian", "pw-brian-123")
        .await
        .assert_redirects("/users/");
    c.get("/users/").await.assert_contains("Welcome, Brian");
    let _ = std::fs::remove_dir_all(&dir);
}

#[manouche::test]
async fn every_template_has_user_and_its_own_field_or_loop_variable_wins() {
    let mut c = client();
    assert_eq!(c.get("/users/whoami").await.text(), "AnonymousUser");
    add_user(&c, "brian", "pw-brian-123", "Brian");
    log_in(&mut c, "brian", "pw-brian-123").await;
    assert_eq!(c.get("/users/whoami").await.text(), "Hello, Brian (brian)");
    use manouche::Template;
    let page = manouche_tests::users::views::OwnUser {
        user: "field".into(),
        names: vec!["a".into(), "b".into()],
    };
    assert_eq!(page.render().unwrap(), "field|a;b;|field|");
}

#[manouche::test]
async fn staff_required_lets_staff_in_refuses_others_and_sends_visitors_to_log_in() {
    let mut c = client();
    c.get("/users/staff")
        .await
        .assert_redirects("/accounts/login/?next=/users/staff");
    add_user(&c, "brian", "pw-brian-123", "Brian");
    log_in(&mut c, "brian", "pw-brian-123").await;
    assert_eq!(c.get("/users/staff").await.status(), 403);
    {
        let mut conn = db(&c).connection().unwrap();
        diesel::update(auth_user::table.filter(auth_user::username.eq("brian")))
            .set(auth_user::is_staff.eq(true))
            .execute(&mut *conn)
            .unwrap();
    }
    assert_eq!(c.get("/users/staff").await.text(), "staff page");
}

#[manouche::test]
async fn the_ready_made_views_log_in_log_out_and_change_the_password() {
    let mut c = client();
    add_user(&c, "brian", "pw-brian-123", "Brian");
    let page = c.get("/accounts/login/?next=/users/whoami").await;
    page.assert_contains("<h1>Log in</h1>");
    page.assert_contains("name=\"next\" value=\"/users/whoami\"");
    let wrong = c
        .post(
            "/accounts/login/",
            &[
                ("username", "brian"),
                ("password", "nope"),
                ("next", "/users/whoami"),
            ],
        )
        .await;
    wrong.assert_contains(
        "Please enter a correct username and password. Note that both fields may be case-sensitive.",
    );
    wrong.assert_contains("value=\"brian\"");
    c.post(
        "/accounts/login/",
        &[
            ("username", "brian"),
            ("password", "pw-brian-123"),
            ("next", "/users/whoami"),
        ],
    )
    .await
    .assert_redirects("/users/whoami");

    // Changing the password: Django's messages, then this session stays logged in.
    let r = c
        .post(
            "/accounts/password_change/",
            &[
                ("old_password", "wrong"),
                ("new_password1", "a"),
                ("new_password2", "b"),
            ],
        )
        .await;
    r.assert_contains("Your old password was entered incorrectly. Please enter it again.");
    r.assert_contains("The two password fields didn’t match.");
    let r = c
        .post(
            "/accounts/password_change/",
            &[
                ("old_password", "pw-brian-123"),
                ("new_password1", "12345678"),
                ("new_password2", "12345678"),
            ],
        )
        .await;
    r.assert_contains("This password is too common.");
    c.post(
        "/accounts/password_change/",
        &[
            ("old_password", "pw-brian-123"),
            ("new_password1", "new-secret-456"),
            ("new_password2", "new-secret-456"),
        ],
    )
    .await
    .assert_redirects("/accounts/password_change/done/");
    c.get("/accounts/password_change/done/")
        .await
        .assert_contains("Your password was changed.");
    assert_eq!(c.get("/users/whoami").await.text(), "Hello, Brian (brian)");
    assert!(auth::hashers::check_password("new-secret-456", &stored_hash(&c, "brian")).correct);

    assert_eq!(c.get("/accounts/logout/").await.status(), 405);
    c.post("/accounts/logout/", &[])
        .await
        .assert_contains("<h1>Logged out</h1>");
    assert_eq!(c.get("/users/whoami").await.text(), "AnonymousUser");
    c.get("/accounts/password_change/")
        .await
        .assert_redirects("/accounts/login/?next=/accounts/password_change/");
}
