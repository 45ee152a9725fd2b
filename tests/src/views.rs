//! Views that exercise the runtime: one per converter, and ones that fail on purpose.

use std::time::Duration;

use manouche::http::HeaderValue;
use manouche::prelude::*;

/// `home`.
#[view]
pub fn home(_request: &Request) -> &'static str {
    "home"
}

/// `str`.
#[view]
pub fn echo_str(_request: &Request, value: String) -> String {
    format!("str:{value}")
}

/// `int`.
#[view]
pub fn echo_int(_request: &Request, value: i64) -> String {
    format!("int:{value}")
}

/// `small`: a u8 parameter, so 300 does not convert and the route does not match.
#[view]
pub fn echo_small(_request: &Request, value: u8) -> String {
    format!("small:{value}")
}

/// `slug`.
#[view]
pub fn echo_slug(_request: &Request, value: String) -> String {
    format!("slug:{value}")
}

/// `uuid`.
#[view]
pub fn echo_uuid(_request: &Request, value: uuid::Uuid) -> String {
    format!("uuid:{value}")
}

/// `path`.
#[view]
pub fn echo_path(_request: &Request, value: String) -> String {
    format!("path:{value}")
}

/// `year`, with the user-defined converter.
#[view]
pub fn year(_request: &Request, year: u16) -> String {
    format!("year:{year}")
}

/// `first-int`: listed before `first-str`, so it wins for digits.
#[view]
pub fn first_int(_request: &Request, n: i64) -> String {
    format!("first-int:{n}")
}

/// `first-str`.
#[view]
pub fn first_str(_request: &Request, s: String) -> String {
    format!("first-str:{s}")
}

/// `two`: two slugs around a dash, greedy as Django's regex.
#[view]
pub fn two(_request: &Request, a: String, b: String) -> String {
    format!("two:{a}|{b}")
}

/// Panics: a 500 for this request only.
#[view]
pub fn panic(_request: &Request) -> &'static str {
    panic!("kaboom")
}

/// Fails with an error: a 500 that shows the error with DEBUG on.
#[view]
pub async fn error(_request: &Request) -> Result<String> {
    let n: i32 = "not a number".parse()?;
    Ok(n.to_string())
}

/// Http404 with a message.
#[view]
pub fn missing(_request: &Request) -> Result<Response> {
    Err(Http404::new("No such thing"))?
}

/// PermissionDenied.
#[view]
pub fn forbidden(_request: &Request) -> Result<Response> {
    Err(PermissionDenied::default())?
}

/// BadRequest.
#[view]
pub fn bad(_request: &Request) -> Result<Response> {
    Err(BadRequest::new("malformed"))?
}

/// 302 to `home`.
#[view]
pub fn go_home(_request: &Request) -> Response {
    redirect(url!("home"))
}

/// 301 to `home`.
#[view]
pub fn moved(_request: &Request) -> Response {
    permanent_redirect(url!("home"))
}

/// Answers after `?ms=` milliseconds (default 1500): an in-flight request for shutdown tests.
#[view]
pub async fn slow(request: &Request) -> String {
    let ms = request
        .query()
        .get("ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("slept {ms}ms")
}

/// Sets its own X-Frame-Options, which the middleware must keep.
#[view]
pub fn own_headers(_request: &Request) -> Response {
    let mut r = "framed".into_response();
    r.headers_mut()
        .insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
    r
}

/// JSON.
#[view]
pub fn json(_request: &Request) -> Json<serde_json::Value> {
    Json(serde_json::json!({"ok": true, "n": 3}))
}

/// Echoes the body's length and the form's `a` field. CSRF-exempt, like an API endpoint.
#[view(csrf_exempt)]
pub fn echo_body(request: &Request) -> String {
    format!(
        "{} bytes, a={}",
        request.body().len(),
        request.post().get("a").unwrap_or("-")
    )
}

/// 405 for anything but POST.
#[view]
pub fn only_post(request: &mut Request) -> Result<&'static str> {
    if request.method() != Method::POST {
        return Err(Error::new(
            manouche::ErrorKind::MethodNotAllowed,
            "POST only",
        ));
    }
    Ok("posted")
}

/// Sets a cookie, which the test client must send back.
#[view]
pub fn set_cookie(_request: &Request) -> Response {
    let mut r = "set".into_response();
    r.headers_mut().insert(
        "set-cookie",
        HeaderValue::from_static("flavour=oatmeal; Path=/"),
    );
    r
}

/// Echoes the cookie.
#[view]
pub fn read_cookie(request: &Request) -> String {
    request.cookie("flavour").unwrap_or("none").to_string()
}

/// Renders a template with the request's context (`x` is only there to be decoded).
#[view]
pub fn context(request: &Request, x: String) -> Result<Response> {
    let _ = x;
    render(request, crate::pages::RequestContext)
}

/// GET: a form with its CSRF token; POST (and PUT, PATCH, DELETE): what was posted.
#[view]
pub fn form(request: &Request) -> Result<Response> {
    if request.method() == Method::GET {
        return render(request, crate::pages::Form);
    }
    Ok(format!(
        "{} {}",
        request.method(),
        request.post().get("a").unwrap_or("-")
    )
    .into_response())
}

/// A fresh token as text, for a JavaScript client (Django's `get_token`).
#[view]
pub fn token(request: &Request) -> String {
    manouche::csrf::get_token(request).unwrap_or_default()
}

/// Rotates the secret, as a login does, and shows a form.
#[view]
pub fn rotate(request: &Request) -> Result<Response> {
    manouche::csrf::rotate_token(request);
    render(request, crate::pages::Form)
}
