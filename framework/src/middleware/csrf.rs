//! Django's CsrfViewMiddleware: every unsafe request (not GET, HEAD, OPTIONS or TRACE) to a
//! view that is not `#[view(csrf_exempt)]` must carry the token that matches its
//! `csrftoken` cookie. Checks run in Django's order — Origin; strict Referer on HTTPS; the
//! cookie; the token — and the first failure is a 403 with Django's reason. The cookie is
//! sent only when a page used a token, or a malformed one had to be replaced.

use http::{HeaderValue, Method, header};

use super::Middleware;
use crate::csrf::{self, CsrfSlot, DontEnforceCsrfChecks, reasons};
use crate::http::{
    Body, IntoResponse, Request, Response, SetCookie, header_name_of, is_form_urlencoded,
    is_multipart, patch_vary,
};
use crate::settings::Settings;
use crate::views::{ErrorContext, ErrorHandler};

/// Where CSRF_USE_SESSIONS keeps the secret (Django's `CSRF_SESSION_KEY`).
const SESSION_KEY: &str = "_csrftoken";

/// CSRF protection, with the project's own failure page if it has one (Django's
/// CSRF_FAILURE_VIEW; it gets the reason as the exception).
#[derive(Debug, Clone, Copy, Default)]
pub struct CsrfMiddleware {
    failure: Option<ErrorHandler>,
}

impl CsrfMiddleware {
    /// The middleware, answering a failed check with `failure` (or Django's page).
    pub fn new(failure: Option<ErrorHandler>) -> Self {
        CsrfMiddleware { failure }
    }
}

impl Middleware for CsrfMiddleware {
    /// Django's `process_request` and `process_view`: the secret from the cookie (or the
    /// session), then the checks of an unsafe method.
    async fn process_request(&self, request: &mut Request) -> Option<Response> {
        let sent = if request.settings().csrf_use_sessions {
            Box::pin(secret_in_session(request)).await
        } else {
            request
                .cookie(&request.settings().csrf_cookie_name)
                .map(str::to_owned)
        };
        request.attach(CsrfSlot::new(sent));
        let safe = matches!(
            *request.method(),
            Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
        );
        let exempt = request
            .extensions()
            .get::<DontEnforceCsrfChecks>()
            .is_some()
            || request.resolver_match().is_some_and(|m| m.csrf_exempt());
        if safe || exempt {
            return None;
        }
        // The checks are boxed: most requests are safe, and do not carry their future.
        match Box::pin(check(request)).await {
            Ok(()) => None,
            Err(Refusal::Reason(reason)) => Some(reject(&reason, request, self.failure)),
            Err(Refusal::Body(e)) => Some(e.into_response()),
        }
    }

    /// Django's `process_response`: sends the secret when a token was used or a secret made
    /// — as a cookie, or with CSRF_USE_SESSIONS into the session (which the session
    /// middleware, outside this one, then saves).
    async fn process_response(&self, request: &mut Request, response: &mut Response) {
        let Some(state) = request.attached::<CsrfSlot>().and_then(|slot| slot.made()) else {
            return;
        };
        let secret = {
            let s = state.lock().unwrap_or_else(|e| e.into_inner());
            s.needs_update.then(|| s.secret.clone()).flatten()
        };
        let Some(secret) = secret else {
            return;
        };
        let settings = request.settings();
        if !settings.csrf_use_sessions {
            set_cookie(response, &secret, settings);
            return;
        }
        Box::pin(secret_into_session(request, secret)).await;
    }
}

/// Keeps the secret in the session (CSRF_USE_SESSIONS), for the session middleware to save.
async fn secret_into_session(request: &Request, secret: String) {
    if let Some(handle) = crate::sessions::handle_of(request)
        && let Ok(mut state) = handle.loaded().await
    {
        state.data.insert(SESSION_KEY.into(), secret.into());
        state.modified = true;
    }
}

/// The secret CSRF_USE_SESSIONS keeps in the session, if any.
async fn secret_in_session(request: &Request) -> Option<String> {
    let handle = crate::sessions::handle_of(request)?;
    let state = handle.loaded().await.ok()?;
    state
        .data
        .get(SESSION_KEY)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// Django's `is_same_domain`, for origins and referers (a host with its port).
fn is_same_domain(host: &str, pattern: &str) -> bool {
    let (host, pattern) = (host.to_ascii_lowercase(), pattern.to_ascii_lowercase());
    match pattern.strip_prefix('.') {
        Some(bare) => host == bare || host.ends_with(&pattern),
        None => host == pattern,
    }
}

/// `scheme://netloc` of a URL, as `urlsplit` gives them; `None` when there is no `//`.
fn split_url(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let netloc = rest.split(['/', '?', '#']).next().unwrap_or("");
    let valid_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid_scheme.then_some((scheme, netloc))
}

/// Django's `_origin_verified`.
fn origin_verified(origin: &str, host: &str, secure: bool, settings: &Settings) -> bool {
    let good = format!("{}://{host}", if secure { "https" } else { "http" });
    if origin == good || settings.csrf_trusted_origins.iter().any(|o| o == origin) {
        return true;
    }
    let Some((scheme, netloc)) = split_url(origin) else {
        return false;
    };
    settings.csrf_trusted_origins.iter().any(|trusted| {
        trusted.contains('*')
            && split_url(trusted).is_some_and(|(s, n)| {
                s.eq_ignore_ascii_case(scheme) && is_same_domain(netloc, n.trim_start_matches('*'))
            })
    })
}

/// Django's `_check_referer` (HTTPS requests only).
fn check_referer(referer: Option<&str>, host: &str, settings: &Settings) -> Result<(), String> {
    let Some(referer) = referer else {
        return Err(reasons::NO_REFERER.into());
    };
    let Some((scheme, netloc)) = split_url(referer).filter(|(_, n)| !n.is_empty()) else {
        return Err(reasons::MALFORMED_REFERER.into());
    };
    if scheme != "https" {
        return Err(reasons::INSECURE_REFERER.into());
    }
    let trusted = settings.csrf_trusted_origins.iter().any(|o| {
        split_url(o).is_some_and(|(_, n)| is_same_domain(netloc, n.trim_start_matches('*')))
    });
    if trusted {
        return Ok(());
    }
    // The domain the secret is kept for: the session cookie's with CSRF_USE_SESSIONS.
    let domain = if settings.csrf_use_sessions {
        &settings.session_cookie_domain
    } else {
        &settings.csrf_cookie_domain
    };
    let good = match domain {
        Some(domain) => {
            let port = host.rsplit_once(':').map(|(_, p)| p).unwrap_or("");
            if port.is_empty() || port == "443" || port == "80" {
                domain.clone()
            } else {
                format!("{domain}:{port}")
            }
        }
        None => host.to_string(),
    };
    if is_same_domain(netloc, &good) {
        Ok(())
    } else {
        Err(reasons::BAD_REFERER.replace("%s", referer))
    }
}

/// The header name as Django shows it (`HTTP_X_CSRFTOKEN` → `X-Csrftoken`).
fn shown_header_name(setting: &str) -> String {
    let bare = setting.strip_prefix("HTTP_").unwrap_or(setting);
    bare.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Django's `_check_token`: cookie, then the token from the form or the header.
fn check_token(
    cookie_value: Option<&str>,
    form_token: Option<&str>,
    header_token: Option<&str>,
    settings: &Settings,
) -> Result<(), String> {
    let Some(cookie_value) = cookie_value else {
        return Err(reasons::NO_CSRF_COOKIE.into());
    };
    csrf::check_format(cookie_value).map_err(|r| format!("CSRF cookie {r}."))?;
    let secret = csrf::secret_of(cookie_value);
    let (token, source) = match form_token.filter(|t| !t.is_empty()) {
        Some(t) => (t, "POST".to_string()),
        None => match header_token {
            Some(t) => (
                t,
                format!(
                    "the '{}' HTTP header",
                    shown_header_name(&settings.csrf_header_name)
                ),
            ),
            None => return Err(reasons::CSRF_TOKEN_MISSING.into()),
        },
    };
    csrf::check_format(token).map_err(|r| format!("CSRF token from {source} {r}."))?;
    if csrf::constant_time_eq(&csrf::secret_of(token), &secret) {
        Ok(())
    } else {
        Err(format!("CSRF token from {source} incorrect."))
    }
}

/// Why a check refused the request.
enum Refusal {
    /// Django's reason, for the 403 page.
    Reason(String),
    /// The form's body could not be read (413, 400, 408).
    Body(crate::Error),
}

/// Django's `process_view` checks, in its order.
async fn check(request: &mut Request) -> Result<(), Refusal> {
    let settings = &request.shared_settings();
    let host = request.host().to_owned();
    let secure = request.is_secure();
    if let Some(origin) = request.header("origin") {
        if !origin_verified(origin, &host, secure, settings) {
            return Err(Refusal::Reason(reasons::BAD_ORIGIN.replace("%s", origin)));
        }
    } else if secure {
        check_referer(request.header("referer"), &host, settings).map_err(Refusal::Reason)?;
    }
    // The form's token, when the body is a form (read here, kept for the view): Django
    // reads `request.POST`, a multipart body's fields included.
    let form_token = if *request.method() == Method::POST
        && (is_form_urlencoded(request.headers()) || is_multipart(request.headers()))
    {
        request.read_body().await.map_err(Refusal::Body)?;
        request.form_value(csrf::FORM_FIELD)
    } else {
        None
    };
    let header_token = request.header(&header_name_of(&settings.csrf_header_name));
    let cookie_value = request.attached::<CsrfSlot>().and_then(CsrfSlot::sent);
    check_token(cookie_value, form_token.as_deref(), header_token, settings)
        .map_err(Refusal::Reason)
}

fn set_cookie(response: &mut Response, secret: &str, settings: &Settings) {
    let cookie = SetCookie {
        name: &settings.csrf_cookie_name,
        value: secret,
        max_age: Some(settings.csrf_cookie_age),
        domain: settings.csrf_cookie_domain.as_deref(),
        path: &settings.csrf_cookie_path,
        secure: settings.csrf_cookie_secure,
        http_only: settings.csrf_cookie_httponly,
        same_site: &settings.csrf_cookie_samesite,
    };
    if let Ok(v) = cookie.to_header_value() {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    patch_vary(response, "Cookie");
}

/// The 403 page: the project's own CSRF failure page, or Django's.
fn reject(reason: &str, request: &Request, own: Option<ErrorHandler>) -> Response {
    let path = request.path();
    tracing::warn!(target: crate::log::targets::SECURITY, "Forbidden ({reason}): {path}");
    let context = ErrorContext {
        request_path: path,
        exception: reason,
        status: http::StatusCode::FORBIDDEN,
    };
    let page = own
        .and_then(|page| page(&context).ok())
        .unwrap_or_else(|| csrf::failure_page(reason, request.settings().debug));
    let mut r = Response::new(Body::from(page));
    *r.status_mut() = http::StatusCode::FORBIDDEN;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}
