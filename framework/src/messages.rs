//! One-time messages (`django.contrib.messages`): `messages::success(request, "Saved.")`
//! in a view, shown on the next page a template renders `{% for message in messages %}`.
//!
//! Stored as Django's default `FallbackStorage` stores them: a `messages` cookie signed with
//! the SECRET_KEY (`TimestampSigner(b"django.http.cookies" + key,
//! salt="django.contrib.messages")`, Django's SIGNING_BACKEND),
//! holding `[["__json_message", safe, level, text(, extra_tags)]…]` (zlib-compressed when
//! that is shorter), so an anonymous visitor's messages write no session; the messages
//! that do not fit its 2048 bytes go to the session (`_messages`), the cookie ending with
//! Django's `"__messagesnotfinished__"` marker.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::http::{Request, Response, SetCookie};
use crate::signing::TimestampSigner;

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
/// Django's marker, last in a cookie whose other messages are in the session.
const NOT_FINISHED: &str = "__messagesnotfinished__";
/// Where Django's `SessionStorage` keeps them.
const SESSION_KEY: &str = "_messages";

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
    /// Whether some of `loaded` came from the session (the key is removed when they go).
    had_session: bool,
}

/// Django's `get_cookie_signer`: SIGNING_BACKEND (a `TimestampSigner`) with the cookie key.
fn signer(request: &Request) -> TimestampSigner {
    let settings = request.settings();
    let key = format!("django.http.cookies{}", settings.secret_key);
    let fallbacks: Vec<String> = settings
        .secret_key_fallbacks
        .iter()
        .map(|k| format!("django.http.cookies{k}"))
        .collect();
    TimestampSigner::new(&key, &fallbacks, SALT)
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

/// Django's `SessionStorage` text: `json.dumps` with `MessageEncoder`, Python's spacing.
fn encode_for_session(messages: &[Message]) -> String {
    let quote = crate::python::json_str;
    let items: Vec<String> = messages
        .iter()
        .map(|m| {
            let mut item = format!(
                "[\"__json_message\", {}, {}, {}",
                i64::from(m.safe),
                m.level,
                quote(&m.message)
            );
            if !m.extra_tags.is_empty() {
                item.push_str(", ");
                item.push_str(&quote(&m.extra_tags));
            }
            item.push(']');
            item
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// Django's `MessageDecoder`: the messages, and whether they are all (no "not finished"
/// marker at the end); `None` for anything else (a tampered cookie is dropped).
fn decode(json: &str) -> Option<(Vec<Message>, bool)> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    let mut items = value.as_array()?.as_slice();
    let finished = match items.last() {
        Some(serde_json::Value::String(s)) if s == NOT_FINISHED => {
            items = &items[..items.len() - 1];
            false
        }
        _ => true,
    };
    let mut out = Vec::new();
    for item in items {
        let item = item.as_array()?;
        if item.first()?.as_str()? != "__json_message" {
            return None;
        }
        out.push(Message::new(
            item.get(2)?.as_i64()?,
            item.get(3)?.as_str()?,
            item.get(4).and_then(|t| t.as_str()).unwrap_or(""),
            item.get(1)?.as_i64()? != 0,
        ));
    }
    Some((out, finished))
}

/// The cookie's messages, and whether they are all; Django's zlib-compressed payloads
/// (a leading `.`) are read too.
fn read_cookie(request: &Request) -> Option<(Vec<Message>, bool)> {
    let value = request.cookie(COOKIE_NAME)?;
    let json = signer(request).unsign_payload(value, None).ok()?;
    decode(std::str::from_utf8(&json).ok()?)
}

/// The signed cookie value of `messages` (with the marker when `unfinished`), compressed
/// as Django's `signing.dumps(compress=True)` does when that is shorter.
fn cookie_value(request: &Request, messages: &[Message], unfinished: bool) -> String {
    let mut json = encode(messages);
    if unfinished {
        json.pop();
        if !messages.is_empty() {
            json.push(',');
        }
        json.push_str(&format!("\"{NOT_FINISHED}\"]"));
    }
    signer(request).sign_payload(json.as_bytes(), true)
}

/// The messages kept in the session, read when the cookie said there were more.
async fn read_session(request: &Request) -> Option<Vec<Message>> {
    let handle = crate::sessions::handle_of(request)?;
    let state = handle.loaded().await.ok()?;
    let text = state.data.get(SESSION_KEY)?.as_str()?;
    decode(text).map(|(messages, _)| messages)
}

/// Keeps `messages` in the session, or removes the key when there are none.
async fn write_session(request: &Request, messages: &[Message]) {
    let Some(handle) = crate::sessions::handle_of(request) else {
        return;
    };
    let Ok(mut state) = handle.loaded().await else {
        return;
    };
    if messages.is_empty() {
        if state.data.remove(SESSION_KEY).is_some() {
            state.modified = true;
        }
    } else {
        state
            .data
            .insert(SESSION_KEY.into(), encode_for_session(messages).into());
        state.modified = true;
    }
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

/// Before the view: the cookie's messages (and the session's, when the cookie says there
/// are more), in a slot for the request.
pub(crate) async fn load(request: &mut Request) {
    if request.cookie(COOKIE_NAME).is_none() {
        return;
    }
    let (mut loaded, finished) = read_cookie(request).unwrap_or_default();
    let mut had_session = false;
    if !finished && let Some(more) = read_session(request).await {
        had_session = true;
        loaded.extend(more);
    }
    request.attach(Slot {
        state: Mutex::new(State {
            loaded,
            had_cookie: true,
            had_session,
            ..State::default()
        }),
    });
}

/// After the view: keeps what was not read plus what was added, in the cookie as far as
/// it fits and in the session beyond (Django's `FallbackStorage`), or deletes the cookie
/// when none remain.
pub(crate) async fn store(request: &Request, response: &mut Response) {
    let Some(slot) = request.attached_shared::<Slot>() else {
        return;
    };
    let (keep, had_cookie, had_session) = {
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
        (keep, state.had_cookie, state.had_session)
    };
    let settings = request.settings();
    let (header, rest) = if keep.is_empty() {
        if !had_cookie {
            return;
        }
        let deletion = SetCookie::deletion(
            COOKIE_NAME,
            &settings.session_cookie_path,
            settings.session_cookie_domain.as_deref(),
            &settings.session_cookie_samesite,
        );
        (deletion.to_header(), &[][..])
    } else {
        let all = cookie_value(request, &keep, false);
        // Django's `bisect_keep_left`: the oldest that fit with the marker stay in the
        // cookie, the newer ones go to the session.
        let (value, fits) = if all.len() <= MAX_COOKIE_SIZE {
            (all, keep.len())
        } else {
            let fits = |n: usize| cookie_value(request, &keep[..n], true).len() <= MAX_COOKIE_SIZE;
            let (mut lo, mut hi) = (0, keep.len());
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                if fits(mid) { lo = mid } else { hi = mid - 1 }
            }
            (cookie_value(request, &keep[..lo], true), lo)
        };
        let cookie = SetCookie {
            name: COOKIE_NAME,
            value: &value,
            max_age: None,
            domain: settings.session_cookie_domain.as_deref(),
            path: &settings.session_cookie_path,
            secure: settings.session_cookie_secure,
            http_only: settings.session_cookie_httponly,
            same_site: &settings.session_cookie_samesite,
        };
        (cookie.to_header(), &keep[fits..])
    };
    if !rest.is_empty() || had_session {
        write_session(request, rest).await;
    }
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
        assert_eq!(decode(&encode(&m)).unwrap(), (m.clone(), true));
        assert_eq!(
            encode_for_session(&m),
            r#"[["__json_message", 0, 25, "Logged out."]]"#
        );
        let unfinished = r#"[["__json_message",0,25,"Logged out."],"__messagesnotfinished__"]"#;
        assert_eq!(decode(unfinished).unwrap(), (m.clone(), false));
        assert_eq!(
            decode(r#"["__messagesnotfinished__"]"#).unwrap(),
            (vec![], false)
        );
        assert!(decode(r#"[["other",0,25,"x"]]"#).is_none());
        assert_eq!(m[0].tags, "success");
    }
}
