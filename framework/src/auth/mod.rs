//! Users (`django.contrib.auth`): Django's `auth_user` table and password hashes,
//! `authenticate`, `login`, `logout`, the request's user, and `#[view(login_required)]`.
//!
//! The session keys and their values are Django's (`_auth_user_id`, `_auth_user_backend`,
//! `_auth_user_hash`), so a session made by one can be read by the other.

pub mod hashers;
mod models;
mod validation;
pub mod views;

pub use models::{NewUser, User, auth_user, create_user, normalize_email};
pub use validation::validate_password;

use crate::db::Database;
use crate::error::{Error, ErrorKind};
use crate::http::{Request, Response};

/// The session key of the logged-in user's id.
pub const SESSION_KEY: &str = "_auth_user_id";
/// The session key of the backend that authenticated the user.
pub const BACKEND_SESSION_KEY: &str = "_auth_user_backend";
/// The session key of the HMAC of the user's password hash.
pub const HASH_SESSION_KEY: &str = "_auth_user_hash";
/// The only backend: users and passwords in `auth_user` (Django's `ModelBackend`).
pub const BACKEND: &str = "django.contrib.auth.backends.ModelBackend";

/// The request's user once read: `None` until `request.user()` (or the middleware) has
/// read it, then `Some(None)` for an anonymous visitor.
#[derive(Debug, Default)]
pub(crate) struct UserSlot(std::sync::Mutex<Option<Option<User>>>);

impl UserSlot {
    fn get(&self) -> Option<Option<User>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, user: Option<User>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(user);
    }
}

fn remember(request: &Request, user: Option<User>) {
    request.attached_or_make(UserSlot::default).set(user);
}

/// `user` in a template (Django's auth context processor): the request's user as read,
/// or an anonymous one. Its fields are Django's, `is_authenticated` included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrentUser {
    /// The user's id; `None` for an anonymous visitor.
    pub id: Option<i32>,
    /// The login name ("" for an anonymous visitor).
    pub username: String,
    /// The first name.
    pub first_name: String,
    /// The last name.
    pub last_name: String,
    /// The e-mail address.
    pub email: String,
    /// Logged in.
    pub is_authenticated: bool,
    /// Not logged in.
    pub is_anonymous: bool,
    /// May use the admin.
    pub is_staff: bool,
    /// Has every permission.
    pub is_superuser: bool,
    /// May log in.
    pub is_active: bool,
}

impl CurrentUser {
    /// Django's `AnonymousUser`.
    pub fn anonymous() -> Self {
        CurrentUser {
            is_anonymous: true,
            ..CurrentUser::default()
        }
    }

    /// The logged-in `user`.
    pub fn of(user: &User) -> Self {
        CurrentUser {
            id: Some(user.id),
            username: user.username.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            email: user.email.clone(),
            is_authenticated: true,
            is_anonymous: false,
            is_staff: user.is_staff,
            is_superuser: user.is_superuser,
            is_active: user.is_active,
        }
    }
}

impl std::fmt::Display for CurrentUser {
    /// The username, or "AnonymousUser", as Django prints them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_authenticated {
            f.write_str(&self.username)
        } else {
            f.write_str("AnonymousUser")
        }
    }
}

/// The user slot of `request`, if its user was read, for the templates it renders.
pub(crate) fn user_slot(request: &Request) -> Option<std::sync::Arc<UserSlot>> {
    request.attached_shared::<UserSlot>()
}

/// The user a slot holds, as a template sees it.
pub(crate) fn current_user(slot: Option<&UserSlot>) -> CurrentUser {
    match slot.and_then(UserSlot::get) {
        Some(Some(user)) => CurrentUser::of(&user),
        _ => CurrentUser::anonymous(),
    }
}

/// Django's `AuthenticationMiddleware`, eagerly: a request that carries a session cookie
/// has its user read before the view, so that every template can show `user`.
pub(crate) async fn load_user(request: &Request) {
    if request
        .cookie(&request.settings().session_cookie_name)
        .is_some()
    {
        // Boxed: the many requests without a session do not carry this future.
        let _ = Box::pin(request.user()).await;
    }
}

fn database(request: &Request) -> Result<Database, Error> {
    crate::db::shared(request.settings())
}

/// Django's `authenticate(request, username=…, password=…)`: the active user whose
/// password this is, or `None`. Hashing runs on a blocking thread; an unknown username
/// costs one hashing too, so that a stranger cannot tell which usernames exist by time.
/// A hash with fewer iterations than today's is made again, as Django does.
pub async fn authenticate(
    request: &Request,
    username: &str,
    password: &str,
) -> Result<Option<User>, Error> {
    let db = database(request)?;
    let (username, password) = (username.to_string(), password.to_string());
    db.run(move |conn| -> Result<_, Error> {
        let Some(user) = models::by_username(conn, &username)? else {
            let _ = hashers::make_password(&password);
            return Ok(None);
        };
        let checked = hashers::check_password(&password, &user.password);
        if !checked.correct || !user.is_active {
            return Ok(None);
        }
        let mut user = user;
        if checked.must_update {
            let hash = hashers::make_password(&password);
            models::set_password_hash(conn, user.id, &hash)?;
            user.password = hash;
        }
        Ok(Some(user))
    })
    .await
}

/// Django's `login(request, user)`: the session key changes (a new one, or the session is
/// emptied when another user was logged in), the user's id, backend and password HMAC
/// are stored, the CSRF token rotates and `last_login` is set.
pub async fn login(request: &Request, user: &User) -> Result<(), Error> {
    let hash = user.session_auth_hash(&request.settings().secret_key);
    {
        let mut session = request.session().await?;
        let same_user =
            session.get::<String>(SESSION_KEY)?.as_deref() == Some(user.id.to_string().as_str());
        if session.contains(SESSION_KEY) {
            let same_hash = session
                .get::<String>(HASH_SESSION_KEY)?
                .is_some_and(|h| crate::csrf::constant_time_eq(&h, &hash));
            if !same_user || !same_hash {
                session.flush();
            }
        } else {
            session.cycle_key();
        }
        session.insert(SESSION_KEY, user.id.to_string())?;
        session.insert(BACKEND_SESSION_KEY, BACKEND)?;
        session.insert(HASH_SESSION_KEY, hash)?;
    }
    crate::csrf::rotate_token(request);
    remember(request, Some(user.clone()));
    let db = database(request)?;
    let id = user.id;
    db.run(move |conn| models::touch_last_login(conn, id)).await
}

/// Django's `logout(request)`: the session is emptied and its key dropped.
pub async fn logout(request: &Request) -> Result<(), Error> {
    request.session().await?.flush();
    remember(request, None);
    Ok(())
}

impl Request {
    /// The logged-in user (Django's `request.user`), or `None` for an anonymous visitor.
    /// A session whose password HMAC no longer matches (the password changed) is ended.
    /// Opens the session: call it when the view does not hold the session open.
    pub async fn user(&self) -> Result<Option<User>, Error> {
        if let Some(known) = self.attached_shared::<UserSlot>().and_then(|s| s.get()) {
            return Ok(known);
        }
        let user = self.read_user().await?;
        remember(self, user.clone());
        Ok(user)
    }

    async fn read_user(&self) -> Result<Option<User>, Error> {
        let (id, backend, hash) = {
            let session = self.session().await?;
            (
                session.get::<String>(SESSION_KEY)?,
                session.get::<String>(BACKEND_SESSION_KEY)?,
                session.get::<String>(HASH_SESSION_KEY)?,
            )
        };
        let (Some(id), Some(backend)) = (id, backend) else {
            return Ok(None);
        };
        let Ok(id) = id.parse::<i32>() else {
            return Ok(None);
        };
        if backend != BACKEND {
            return Ok(None);
        }
        let db = database(self)?;
        let user = db.run(move |conn| models::by_id(conn, id)).await?;
        let Some(user) = user.filter(|u| u.is_active) else {
            return Ok(None);
        };
        let expected = user.session_auth_hash(&self.settings().secret_key);
        let sent = hash.as_deref().unwrap_or("");
        if !sent.is_empty() && crate::csrf::constant_time_eq(sent, &expected) {
            return Ok(Some(user));
        }
        // Made with a fallback SECRET_KEY: kept, with today's HMAC (Django does so).
        let fallback = !sent.is_empty()
            && self
                .settings()
                .secret_key_fallbacks
                .iter()
                .any(|key| crate::csrf::constant_time_eq(sent, &user.session_auth_hash(key)));
        let mut session = self.session().await?;
        if fallback {
            session.cycle_key();
            session.insert(HASH_SESSION_KEY, expected)?;
            return Ok(Some(user));
        }
        session.flush();
        Ok(None)
    }
}

/// `#[view(login_required)]`: `None` when a user is logged in, else the redirect to
/// LOGIN_URL with `next` (Django's `redirect_to_login`).
pub async fn require_login(request: &Request) -> Option<Response> {
    match request.user().await {
        Ok(Some(_)) => None,
        Ok(None) => Some(redirect_to_login(request)),
        Err(e) => Some(crate::http::IntoResponse::into_response(
            Err::<Response, _>(e),
        )),
    }
}

/// `#[view(staff_required)]` (Django's `permission_required` for staff pages): `None`
/// for a staff user, the login redirect for an anonymous visitor, and 403 for a user who
/// is not staff.
pub async fn require_staff(request: &Request) -> Option<Response> {
    match request.user().await {
        Ok(Some(user)) if user.is_staff => None,
        Ok(Some(_)) => Some(crate::http::IntoResponse::into_response(
            Err::<Response, _>(Error::new(ErrorKind::PermissionDenied, "staff only")),
        )),
        Ok(None) => Some(redirect_to_login(request)),
        Err(e) => Some(crate::http::IntoResponse::into_response(
            Err::<Response, _>(e),
        )),
    }
}

/// Characters `next` keeps (Django quotes it with `safe="/"`).
const NEXT_SAFE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~');

/// The redirect to LOGIN_URL, with the page asked for as `next`.
pub fn redirect_to_login(request: &Request) -> Response {
    let settings = request.settings();
    let next = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let login = settings.login_url.as_str();
    let (base, query) = login.split_once('?').unwrap_or((login, ""));
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("next="))
        .map(str::to_string)
        .collect();
    pairs.push(format!(
        "next={}",
        percent_encoding::utf8_percent_encode(&next, NEXT_SAFE)
    ));
    crate::http::redirect(format!("{base}?{}", pairs.join("&")))
}

/// Where to go after logging in: `next` when it is safe (this host, http or https as
/// the request), else LOGIN_REDIRECT_URL (Django's `LoginView.get_success_url`).
pub fn success_url(request: &Request, next: Option<&str>) -> String {
    let settings = request.settings();
    let host = request.host();
    match next {
        Some(next)
            if crate::http::url_has_allowed_host_and_scheme(next, &[host], request.is_secure()) =>
        {
            next.to_string()
        }
        _ => settings.login_redirect_url.clone(),
    }
}

/// The user called `username` (for commands and tests).
pub fn get_by_username(db: &Database, username: &str) -> Result<Option<User>, Error> {
    let mut conn = db.connection()?;
    models::by_username(&mut conn, username)
}

/// Makes a user (Django's `User.objects.create_user`), on the calling thread.
pub fn create_user_in(db: &Database, new: &NewUser<'_>) -> Result<User, Error> {
    let mut conn = db.connection()?;
    create_user(&mut conn, new)
}

/// Sets a user's password (Django's `set_password` and `save`), on the calling thread.
pub fn set_password(db: &Database, username: &str, password: &str) -> Result<(), Error> {
    let mut conn = db.connection()?;
    let user = models::by_username(&mut conn, username)?.ok_or_else(|| {
        Error::new(
            ErrorKind::NotFound,
            format!("user '{username}' does not exist"),
        )
    })?;
    models::set_password_hash(&mut conn, user.id, &hashers::make_password(password))
}

/// Django's `django.contrib.auth.urls` for a project: `login/`, `logout/` (POST),
/// `password_change/` and `password_change/done/`, named as Django names them, in the
/// module it is written in (then included: `path("accounts/", include(crate::accounts))`).
/// The pages are the project's `templates/registration/login.html`, `logged_out.html`,
/// `password_change_form.html` and `password_change_done.html`, or manouche's own; a page
/// reads `form.username`, `form.next` and `form.errors`.
#[macro_export]
macro_rules! auth_urls {
    () => {
        #[doc(hidden)]
        #[derive(::manouche::Template)]
        #[template(path = "registration/login.html")]
        pub struct LoginPage {
            form: ::manouche::auth::views::LoginState,
        }

        #[doc(hidden)]
        #[derive(::manouche::Template)]
        #[template(path = "registration/logged_out.html")]
        pub struct LoggedOutPage;

        #[doc(hidden)]
        #[derive(::manouche::Template)]
        #[template(path = "registration/password_change_form.html")]
        pub struct PasswordChangePage {
            form: ::manouche::auth::views::PasswordChangeState,
        }

        #[doc(hidden)]
        #[derive(::manouche::Template)]
        #[template(path = "registration/password_change_done.html")]
        pub struct PasswordChangeDonePage;

        /// Django's `LoginView`.
        #[::manouche::view]
        pub async fn login(
            request: &::manouche::http::Request,
        ) -> ::manouche::Result<::manouche::http::Response> {
            ::manouche::auth::views::login(request, |form| async move {
                ::manouche::render(request, LoginPage { form })
            })
            .await
        }

        /// Django's `LogoutView` (POST only).
        #[::manouche::view]
        pub async fn logout(
            request: &::manouche::http::Request,
        ) -> ::manouche::Result<::manouche::http::Response> {
            ::manouche::auth::views::logout(request, || async move {
                ::manouche::render(request, LoggedOutPage)
            })
            .await
        }

        /// Django's `PasswordChangeView`.
        #[::manouche::view(login_required)]
        pub async fn password_change(
            request: &::manouche::http::Request,
        ) -> ::manouche::Result<::manouche::http::Response> {
            let done = ::manouche::reverse("password_change_done").map_err(|e| {
                ::manouche::Error::new(::manouche::ErrorKind::Internal, e.to_string())
            })?;
            ::manouche::auth::views::password_change(request, &done, |form| async move {
                ::manouche::render(request, PasswordChangePage { form })
            })
            .await
        }

        /// Django's `PasswordChangeDoneView`.
        #[::manouche::view(login_required)]
        pub fn password_change_done(
            request: &::manouche::http::Request,
        ) -> ::manouche::Result<::manouche::http::Response> {
            ::manouche::render(request, PasswordChangeDonePage)
        }

        ::manouche::urlpatterns! {
            path("login/", login, name = "login"),
            path("logout/", logout, name = "logout"),
            path("password_change/", password_change, name = "password_change"),
            path("password_change/done/", password_change_done, name = "password_change_done"),
        }
    };
}
