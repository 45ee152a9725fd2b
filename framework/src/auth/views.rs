//! Django's ready-made auth views (`django.contrib.auth.views`), for `auth_urls!()`: log
//! in, log out (POST), change the password. Each takes the project's page to render, made
//! by `auth_urls!()` from the project's `registration/…` templates (or manouche's own).

use std::future::Future;

use super::{Error, ErrorKind};
use crate::http::{Method, Request, Response, redirect};

/// Django's message for a wrong username or password.
pub const INVALID_LOGIN: &str =
    "Please enter a correct username and password. Note that both fields may be case-sensitive.";
/// Django's message for an old password that is not the user's.
pub const PASSWORD_INCORRECT: &str =
    "Your old password was entered incorrectly. Please enter it again.";
/// Django's message for two new passwords that differ.
pub const PASSWORD_MISMATCH: &str = "The two password fields didn’t match.";

/// What the login page shows.
#[derive(Debug, Clone, Default)]
pub struct LoginState {
    /// The username typed (shown again after a failed login).
    pub username: String,
    /// Where to go after logging in (the `next` field).
    pub next: String,
    /// Django's message after a failed login.
    pub errors: Vec<String>,
}

/// Django's `LoginView`: the form on GET; on POST, the user is logged in and sent to a safe
/// `next` (or LOGIN_REDIRECT_URL), or the form is shown again with Django's message.
pub async fn login<F>(
    request: &Request,
    page: impl FnOnce(LoginState) -> F,
) -> Result<Response, Error>
where
    F: Future<Output = Result<Response, Error>>,
{
    let next = request
        .query()
        .get("next")
        .map(str::to_string)
        .or_else(|| request.post().get("next").map(str::to_string))
        .unwrap_or_default();
    if request.method() != Method::POST {
        return page(LoginState {
            next,
            ..LoginState::default()
        })
        .await;
    }
    let form = request.post();
    let username = form.get("username").unwrap_or_default().to_string();
    let password = form.get("password").unwrap_or_default().to_string();
    if let Some(user) = super::authenticate(request, &username, &password).await? {
        super::login(request, &user).await?;
        let to = super::success_url(request, Some(next.as_str()).filter(|n| !n.is_empty()));
        return Ok(redirect(to));
    }
    page(LoginState {
        username,
        next,
        errors: vec![INVALID_LOGIN.to_string()],
    })
    .await
}

/// Django's `LogoutView`: POST only; logs out, then LOGOUT_REDIRECT_URL or the page.
pub async fn logout<F>(request: &Request, page: impl FnOnce() -> F) -> Result<Response, Error>
where
    F: Future<Output = Result<Response, Error>>,
{
    if request.method() != Method::POST {
        return Err(Error::new(
            ErrorKind::MethodNotAllowed,
            "Method Not Allowed (GET): log out with a form (POST)",
        ));
    }
    super::logout(request).await?;
    match request.settings().logout_redirect_url.clone() {
        Some(to) => Ok(redirect(to)),
        None => page().await,
    }
}

/// What the password change page shows.
#[derive(Debug, Clone, Default)]
pub struct PasswordChangeState {
    /// Messages of the form as a whole, or of its fields, in Django's words.
    pub errors: Vec<String>,
}

/// Django's `PasswordChangeView` (for a logged-in user): the old password, the new one
/// twice and Django's validators; the session stays logged in (Django's
/// `update_session_auth_hash`), others are logged out. `done` is where it goes after.
pub async fn password_change<F>(
    request: &Request,
    done: &str,
    page: impl FnOnce(PasswordChangeState) -> F,
) -> Result<Response, Error>
where
    F: Future<Output = Result<Response, Error>>,
{
    let Some(user) = request.user().await? else {
        return Ok(super::redirect_to_login(request));
    };
    if request.method() != Method::POST {
        return page(PasswordChangeState::default()).await;
    }
    let form = request.post();
    let old = form.get("old_password").unwrap_or_default().to_string();
    let new1 = form.get("new_password1").unwrap_or_default().to_string();
    let new2 = form.get("new_password2").unwrap_or_default().to_string();
    let mut errors = Vec::new();
    let hash = user.password.clone();
    let checked = tokio::task::spawn_blocking(move || super::hashers::check_password(&old, &hash))
        .await
        .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
    if !checked.correct {
        errors.push(PASSWORD_INCORRECT.to_string());
    }
    if new1 != new2 {
        errors.push(PASSWORD_MISMATCH.to_string());
    } else {
        errors.extend(super::validate_password(&new1, Some(&user)));
    }
    if !errors.is_empty() {
        return page(PasswordChangeState { errors }).await;
    }
    let db = super::database(request)?;
    let (username, password) = (user.username.clone(), new1);
    let user = db
        .run(move |conn| {
            let hash = super::hashers::make_password(&password);
            super::models::set_password_hash(conn, user.id, &hash)?;
            super::models::by_username(conn, &username)
        })
        .await?
        .ok_or_else(|| Error::new(ErrorKind::Internal, "the user is gone"))?;
    // This session stays logged in, with the new password's HMAC.
    {
        let mut session = request.session().await?;
        session.cycle_key();
        session.insert(
            super::HASH_SESSION_KEY,
            user.session_auth_hash(&request.settings().secret_key),
        )?;
    }
    super::remember(request, Some(user));
    Ok(redirect(done))
}
