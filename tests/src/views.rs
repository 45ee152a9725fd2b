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

/// Panics after an await: a 500 as well.
#[view]
pub async fn panic_later(_request: &Request) -> &'static str {
    tokio::task::yield_now().await;
    panic!("kaboom later")
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

// ANCHOR: db
/// `db/user/<int:id>`: a user's username, read on the blocking pool; a 404 for no such user.
#[view]
pub async fn db_user(request: &Request, id: i32) -> Result<String> {
    use manouche::auth::auth_user;
    use manouche::diesel::prelude::*;
    request
        .db()?
        .run(move |c| {
            auth_user::table
                .find(id)
                .select(manouche::auth::User::as_select())
                .first(c)
                .or_404()
        })
        .await
        .map(|user| user.username)
}
// ANCHOR_END: db

// ANCHOR: json
/// What `json-sum` reads.
#[derive(serde::Deserialize)]
pub struct Sum {
    a: i64,
    b: i64,
}

/// `json-sum`: a JSON body in, JSON out; CSRF-exempt, as an API endpoint a script calls.
#[view(csrf_exempt)]
pub fn json_sum(request: &Request) -> Result<Json<serde_json::Value>> {
    let Sum { a, b } = request.json()?;
    Ok(Json(serde_json::json!({ "sum": a + b })))
}
// ANCHOR_END: json

// ANCHOR: exempt
/// Echoes the body's length and the form's `a` field. CSRF-exempt, like an API endpoint.
#[view(csrf_exempt)]
pub fn echo_body(request: &Request) -> String {
    format!(
        "{} bytes, a={}",
        request.body().len(),
        request.post().get("a").unwrap_or("-")
    )
}
// ANCHOR_END: exempt

/// `kib` KiB of text (at most 64 MiB), for clients that read slowly.
#[view]
pub fn big(_request: &Request, kib: u32) -> Result<String> {
    if kib > 64 * 1024 {
        return Err(BadRequest::new("at most 65536 KiB").into());
    }
    Ok("0123456789abcdef".repeat(64 * kib as usize))
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

/// A rendered page whose view changes the security headers: its own X-Frame-Options, and no
/// Referrer-Policy (which the middleware puts back, as Django's would).
#[view]
pub fn page_own_headers(request: &Request) -> Result<Response> {
    let mut r = render(request, crate::pages::RequestContext)?;
    r.headers_mut()
        .insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
    r.headers_mut().remove("referrer-policy");
    Ok(r)
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

/// The session's value for `key`, or "none".
#[view]
pub async fn session_get(request: &Request, key: String) -> Result<String> {
    let value: Option<String> = request.session().await?.get(&key)?;
    Ok(value.unwrap_or_else(|| "none".into()))
}

/// Sets `key` to `value` in the session.
#[view]
pub async fn session_set(request: &Request, key: String, value: String) -> Result<&'static str> {
    request.session().await?.insert(&key, value)?;
    Ok("set")
}

/// Appends `item` to the session's list, as the lecture's tasks do.
#[view]
pub async fn session_push(request: &Request, item: String) -> Result<String> {
    let mut session = request.session().await?;
    session.update("items", |items: &mut Vec<String>| items.push(item))?;
    let items: Vec<String> = session.get("items")?.unwrap_or_default();
    Ok(items.join(","))
}

/// Logs out: deletes the session.
#[view]
pub async fn session_flush(request: &Request) -> Result<&'static str> {
    request.session().await?.flush();
    Ok("flushed")
}

/// Logs in: a new key for the same data.
#[view]
pub async fn session_cycle(request: &Request) -> Result<&'static str> {
    request.session().await?.cycle_key();
    Ok("cycled")
}

/// `set_expiry(seconds)`; 0 means until the browser closes.
#[view]
pub async fn session_expiry(request: &Request, seconds: u64) -> Result<&'static str> {
    let expiry = match seconds {
        0 => manouche::sessions::Expiry::AtBrowserClose,
        n => manouche::sessions::Expiry::After(std::time::Duration::from_secs(n)),
    };
    request.session().await?.set_expiry(expiry)?;
    Ok("expiry set")
}

/// Changes the session, then fails: a 5xx never saves.
#[view]
pub async fn session_fail(request: &Request) -> Result<&'static str> {
    request.session().await?.insert("lost", "yes")?;
    Err(Error::new(
        manouche::ErrorKind::Internal,
        "failed after changing the session",
    ))
}

/// Opens the session a second time while the first is in hand: an error that says so.
#[view]
pub async fn session_twice(request: &Request) -> Result<&'static str> {
    let mut first = request.session().await?;
    first.insert("a", 1)?;
    let _second = request.session().await?;
    Ok("opened twice")
}

/// The session's key.
#[view]
pub async fn session_key(request: &Request) -> Result<String> {
    let session = request.session().await?;
    Ok(session.session_key().unwrap_or("none").to_owned())
}

/// `messages.html`: the request's messages, one a line.
#[derive(manouche::Template)]
#[template(path = "messages.html")]
pub struct MessagesPage;

/// `messages/add/<int:n>`: `n` messages of 60 letters that do not compress, so that 60
/// of them are more than a cookie holds.
#[view]
pub fn messages_add(request: &Request, n: u32) -> Result<&'static str> {
    for i in 0..n {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64 ^ u64::from(i);
        let noise: String = (0..60)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(b'a' + (x % 26) as u8)
            })
            .collect();
        manouche::messages::info(request, format!("Message {i:02}: {noise}"))?;
    }
    Ok("added")
}

/// `messages/show`: renders the messages (which reads them).
#[view]
pub fn messages_show(request: &Request) -> Result<Response> {
    render(request, MessagesPage)
}
