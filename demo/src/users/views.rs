// ANCHOR: all
use manouche::auth;
use manouche::messages;
use manouche::prelude::*;

/// The template shows `user`: every template has it (Django's auth context processor).
#[derive(Template)]
#[template(path = "users/user.html")]
struct UserPage;

#[derive(Template)]
#[template(path = "users/login.html")]
struct LoginPage {
    message: Option<&'static str>,
    username: String,
}

// ANCHOR: index
/// Only for logged-in users (LOGIN_URL in settings.toml is the login page).
#[view(login_required)]
pub async fn index(request: &Request) -> Result<Response> {
    render(request, UserPage)
}
// ANCHOR_END: index

// ANCHOR: login
pub async fn login_page(
    request: &Request,
    message: Option<&'static str>,
    username: String,
) -> Result<Response> {
    render(request, LoginPage { message, username })
}

#[view]
pub async fn login_view(request: &Request) -> Result<Response> {
    if request.method() == Method::POST {
        let form = request.post();
        let username = form.get("username").unwrap_or_default().to_string();
        let password = form.get("password").unwrap_or_default();
        return match auth::authenticate(request, &username, password).await? {
            Some(user) => {
                auth::login(request, &user).await?;
                let next = request.query().get("next").map(str::to_owned);
                match next {
                    Some(next) => Ok(redirect(auth::success_url(request, Some(&next)))),
                    None => Ok(redirect(url!("users:index"))),
                }
            }
            None => {
                let message = "Please enter a correct username and password. Note that both fields may be case-sensitive.";
                login_page(request, Some(message), username).await
            }
        };
    }
    login_page(request, None, String::new()).await
}
// ANCHOR_END: login

// ANCHOR: logout
#[view]
pub async fn logout_view(request: &Request) -> Result<Response> {
    if request.method() != Method::POST {
        return Err(Error::new(
            ErrorKind::MethodNotAllowed,
            "log out with a form (POST)",
        ));
    }
    auth::logout(request).await?;
    messages::success(request, "Logged out.")?;
    Ok(redirect(url!("users:login")))
}
// ANCHOR_END: logout
// ANCHOR_END: all
