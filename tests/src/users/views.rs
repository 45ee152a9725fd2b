//! The lecture's views: `authenticate`, `login` and `logout` as Django's users app calls
//! them, and `login_required` on the index.

use manouche::auth;
use manouche::prelude::*;

/// `users/index.html`: the logged-in user, as every template has it (`user`).
#[derive(Template)]
#[template(path = "users/index.html")]
pub struct Index;

/// A page whose own `user` field wins over the context processor's, and a loop variable
/// named `user` over both.
#[derive(Template)]
#[template(
    source = "{{ user }}|{% for user in names %}{{ user }};{% endfor %}|{{ user }}|{% if messages %}m{% endif %}",
    ext = "html"
)]
pub struct OwnUser {
    /// Shadows the request's user.
    pub user: String,
    /// Loop values.
    pub names: Vec<String>,
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
    render(request, Index)
}

/// Who `user` is in a template: the request's user, or "AnonymousUser".
#[derive(Template)]
#[template(
    source = "{% if user.is_authenticated %}Hello, {{ user.first_name }} ({{ user }}){% else %}{{ user }}{% endif %}",
    ext = "html"
)]
pub struct Whoami;

/// `user` in a page that any visitor may see.
#[view]
pub fn whoami(request: &Request) -> Result<Response> {
    render(request, Whoami)
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

/// Staff only.
#[view(staff_required)]
pub fn staff(_request: &Request) -> &'static str {
    "staff page"
}
