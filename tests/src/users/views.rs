//! The lecture's views: `authenticate`, `login` and `logout` as Django's users app calls
//! them, and `login_required` on the index.

use manouche::auth;
use manouche::prelude::*;

/// `users/index.html`: the logged-in user.
#[derive(Template)]
#[template(path = "users/index.html")]
pub struct Index {
    /// Who is logged in.
    pub user: auth::User,
}

/// `users/login.html`: the form, and a message when there is one.
#[derive(Template)]
#[template(path = "users/login.html")]
pub struct Login {
    /// "Invalid credentials.", when the login failed.
    pub message: Option<String>,
    /// The username typed, shown again.
    pub username: String,
}

/// Only for logged-in users: "Welcome, <first name>".
#[view(login_required)]
pub async fn index(request: &Request) -> Result<Response> {
    let user = request.user().await?.ok_or_else(|| {
        Error::new(
            ErrorKind::Internal,
            "login_required let an anonymous visitor in",
        )
    })?;
    render(request, Index { user })
}

/// GET: the form. POST: logs in and goes to `next` when it is safe, else to the index.
#[view]
pub async fn login_view(request: &Request) -> Result<Response> {
    if request.method() != Method::POST {
        return render(
            request,
            Login {
                message: None,
                username: String::new(),
            },
        );
    }
    let form = request.post();
    let username = form.get("username").unwrap_or("").to_string();
    let password = form.get("password").unwrap_or("");
    match auth::authenticate(request, &username, password).await? {
        Some(user) => {
            auth::login(request, &user).await?;
            let next = request.query().get("next").map(str::to_string);
            let to = match next {
                Some(next) => auth::success_url(request, Some(&next)),
                None => url!("users:index").to_string(),
            };
            Ok(redirect(&to))
        }
        None => render(
            request,
            Login {
                message: Some("Invalid credentials.".into()),
                username,
            },
        ),
    }
}

/// POST only: logs out and goes to the login page, which says "Logged out." once.
#[view]
pub async fn logout_view(request: &Request) -> Result<Response> {
    if request.method() != Method::POST {
        return Err(Error::new(ErrorKind::MethodNotAllowed, "log out with POST"));
    }
    auth::logout(request).await?;
    manouche::messages::success(request, "Logged out.")?;
    Ok(redirect(url!("users:login")))
}
