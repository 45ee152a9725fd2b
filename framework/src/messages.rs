//! One-time messages (`django.contrib.messages`): `messages::success(request, "Saved.")`
//! in a view, shown on the next page a template renders `{% for message in messages %}`.
//!
//! Stored as Django's `CookieStorage` stores them: a `messages` cookie signed with the
//! SECRET_KEY (`Signer(b"django.http.cookies" + key, salt="django.contrib.messages")`),
//! holding `[["__json_message", safe, level, text(, extra_tags)]…]`; so an anonymous
//! visitor's messages write no session.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::http::{Request, Response, SetCookie};
use crate::signing::Signer;

/// Django's levels.
pub mod level {
    /// DEBUG (not stored unless MESSAGE_LEVEL allows it).
    pub const DEBUG: i64 = 10;
    /// INFO.
    pub const INFO: i64 = 20;
    /// SUCCESS.
    pub const SUCCESS: i64 = 25;
    /// WARNING.
    pub const WARNING: i64 = 30;
    /// ERROR.
    pub const ERROR: i64 = 40;
}

/// The cookie's name (Django's default `messages`).
pub const COOKIE_NAME: &str = "messages";
const SALT: &str = "django.contrib.messages";
/// Django's `CookieStorage.max_cookie_size`.
const MAX_COOKIE_SIZE: usize = 2048;

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The level (`level::SUCCESS`…).
    pub level: i64,
    /// The text.
    pub message: String,
    /// Extra CSS classes given with it.
    pub extra_tags: String,
    /// Whether the text is HTML already (`mark_safe`).
    pub safe: bool,
    /// The level's tag: `"success"`, `"error"`… (Django's `level_tag`).
    pub level_tag: &'static str,
    /// The extra tags, then the level's tag (Django's `tags`), for
    /// `class="{{ message.tags }}"`.
    pub tags: String,
}

/// Django's tag of a level.
fn level_tag(level: i64) -> &'static str {
    match level {
        level::DEBUG => "debug",
        level::INFO => "info",
        level::SUCCESS => "success",
        level::WARNING => "warning",
        level::ERROR => "error",
        _ => "",
    }
}

impl Message {
    /// A message of `level`.
    pub fn new(level: i64, message: impl Into<String>, extra_tags: &str, safe: bool) -> Self {
        let level_tag = level_tag(level);
        let tags = [extra_tags, level_tag]
            .iter()
            .filter(|t| !t.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        Message {
            level,
            message: message.into(),
            extra_tags: extra_tags.to_string(),
            safe,
            level_tag,
            tags,
        }
    }
}

impl crate::templates::ToValue for Message {
    fn to_value(&self) -> crate::templates::Value<'_> {
        if self.safe {
            crate::templates::Value::Safe(self.message.as_str().into())
        } else {
            crate::templates::Value::Str(self.message.as_str().into())
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A request's messages: those it brought, and those added while it ran.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The messages the cookie brought.
    loaded: Vec<Message>,
    /// Added during this request.
    queued: Vec<Message>,
    /// Whether they were read (iterated), so that they are not kept.
    used: bool,
    /// Whether the cookie held messages (it is deleted when none remain).
    had_cookie: bool,
}

fn signer(request: &Request) -> Signer {
    let settings = request.settings();
    let key = format!("django.http.cookies{}", settings.secret_key);
    let fallbacks: Vec<String> = settings
        .secret_key_fallbacks
        .iter()
        .map(|k| format!("django.http.cookies{k}"))
        .collect();
    Signer::new(&key, &fallbacks, SALT)
}

/// Django's `MessageEncoder`: compact JSON.
fn encode(messages: &[Message]) -> String {
    let items: Vec<serde_json::Value> = messages
        .iter()
        .map(|m| {
            let mut item = vec![
                serde_json::Value::from("__json_message"),
                serde_json::Value::from(i64::from(m.safe)),
                serde_json::Value::from(m.level),
                serde_json::Value::from(m.message.as_str()),
            ];
            if !m.extra_tags.is_empty() {
                item.push(serde_json::Value::from(m.extra_tags.as_str()));
            }
            serde_json::Value::Array(item)
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

/// Django's `MessageDecoder`; `None` for anything else (a tampered cookie is dropped).
fn decode(json: &str) -> Option<Vec<Message>> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let mut out = Vec::new();
    for item in value.as_array()? {
        let item = item.as_array()?;
        if item.first()?.as_str()? != "__json_message" {
            // Django's "not finished" sentinel: the rest was stored elsewhere.
            continue;
        }
        out.push(Message::new(
            item.get(2)?.as_i64()?,
            item.get(3)?.as_str()?,
            item.get(4).and_then(|t| t.as_str()).unwrap_or(""),
            item.get(1)?.as_i64()? != 0,
        ));
    }
    Some(out)
}

fn read_cookie(request: &Request) -> Option<Vec<Message>> {
    use base64::Engine as _;
    let value = request.cookie(COOKIE_NAME)?;
    let payload = signer(request).unsign(value).ok()?;
    if payload.starts_with('.') {
        // Compressed by Django (zlib): not read here.
        return None;
    }
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    decode(std::str::from_utf8(&json).ok()?)
}

/// Django's `messages.add_message(request, level, message)`: kept for the next page when
/// the level is at least MESSAGE_LEVEL.
pub fn add_message(
    request: &Request,
    level: i64,
    message: impl Into<String>,
) -> Result<(), crate::error::Error> {
    if level < request.settings().message_level {
        return Ok(());
    }
    // Made here when the request brought no messages: most requests carry none.
    let slot = request.attached_or_make(Slot::default);
    let mut state = slot.state.lock().unwrap_or_else(|e| e.into_inner());
    state.queued.push(Message::new(level, message, "", false));
    Ok(())
}

/// `messages.debug`.
pub fn debug(request: &Request, message: impl Into<String>) -> Result<(), crate::error::Error> {
    add_message(request, level::DEBUG, message)
}

/// `messages.info`.
pub fn info(request: &Request, message: impl Into<String>) -> Result<(), crate::error::Error> {
    add_message(request, level::INFO, message)
}

/// `messages.success`.
pub fn success(request: &Request, message: impl Into<String>) -> Result<(), crate::error::Error> {
    add_message(request, level::SUCCESS, message)
}

/// `messages.warning`.
pub fn warning(request: &Request, message: impl Into<String>) -> Result<(), crate::error::Error> {
    add_message(request, level::WARNING, message)
}

/// `messages.error`.
pub fn error(request: &Request, message: impl Into<String>) -> Result<(), crate::error::Error> {
    add_message(request, level::ERROR, message)
}

/// Django's `get_messages(request)`, read: the messages (those brought, then those added),
/// which are then not kept for another page.
pub fn get_messages(request: &Request) -> Vec<Message> {
    request
        .attached_shared::<Slot>()
        .map_or_else(Vec::new, |s| take(&s))
}

/// The messages of a slot, marked read.
pub(crate) fn take(slot: &Slot) -> Vec<Message> {
    let mut state = slot.state.lock().unwrap_or_else(|e| e.into_inner());
    state.used = true;
    let mut all = state.loaded.clone();
    all.extend(state.queued.iter().cloned());
    all
}

/// The messages of the request being rendered, for `{% for message in messages %}`.
pub(crate) fn shared_slot(request: &Request) -> Option<Arc<Slot>> {
    request.attached_shared::<Slot>()
}

/// Before the view: the cookie's messages, in a slot for the request.
pub(crate) fn load(request: &mut Request) {
    if request.cookie(COOKIE_NAME).is_none() {
        return;
    }
    let loaded = read_cookie(request);
    let had_cookie = true;
    request.attach(Slot {
        state: Mutex::new(State {
            loaded: loaded.unwrap_or_default(),
            had_cookie,
            ..State::default()
        }),
    });
}

/// After the view: keeps what was not read plus what was added (or deletes the cookie
/// when none remain).
pub(crate) fn store(request: &Request, response: &mut Response) {
    let Some(slot) = request.attached_shared::<Slot>() else {
        return;
    };
    let (keep, had_cookie) = {
        let state = slot.state.lock().unwrap_or_else(|e| e.into_inner());
        if !state.used && state.queued.is_empty() {
            return;
        }
        let mut keep = if state.used {
            Vec::new()
        } else {
            state.loaded.clone()
        };
        keep.extend(state.queued.iter().cloned());
        (keep, state.had_cookie)
    };
    let settings = request.settings();
    let header = if keep.is_empty() {
        if !had_cookie {
            return;
        }
        SetCookie::deletion(
            COOKIE_NAME,
            &settings.session_cookie_path,
            settings.session_cookie_domain.as_deref(),
            &settings.session_cookie_samesite,
        )
        .to_header()
    } else {
        use base64::Engine as _;
        let mut keep = keep;
        // Django drops the oldest ones that do not fit in a cookie (its fallback keeps
        // them in the session; here they are dropped).
        let value = loop {
            let json = encode(&keep);
            let signed = signer(request)
                .sign(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json));
            if signed.len() <= MAX_COOKIE_SIZE || keep.len() <= 1 {
                break signed;
            }
            keep.remove(0);
        };
        SetCookie {
            name: COOKIE_NAME,
            value: &value,
            max_age: None,
            domain: settings.session_cookie_domain.as_deref(),
            path: &settings.session_cookie_path,
            secure: settings.session_cookie_secure,
            http_only: settings.session_cookie_httponly,
            same_site: &settings.session_cookie_samesite,
        }
        .to_header()
    };
    if let Ok(v) = http::HeaderValue::from_str(&header) {
        response.headers_mut().append(http::header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_is_djangos() {
        let m = vec![Message::new(level::SUCCESS, "Logged out.", "", false)];
        assert_eq!(encode(&m), r#"[["__json_message",0,25,"Logged out."]]"#);
        assert_eq!(decode(&encode(&m)).unwrap(), m);
        assert_eq!(m[0].tags, "success");
    }
}
