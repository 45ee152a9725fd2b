//! Templates: `render(request, template)`, the request context that Django's context
//! processors give templates (CSRF token, static URL), and Django's HTML escaping.
//!
//! `#[derive(Template)]` (from manouche-macros) compiles templates with askama after
//! rewriting Django's tags; the functions in `__private` here are what the rewritten tags call.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use crate::csrf::CsrfSlot;

use crate::error::Result;
use crate::http::{Html, IntoResponse, Request, Response};
use crate::settings::Settings;

mod dates;
mod escape;
pub mod filters;
pub mod runtime;
mod value;

pub use escape::DjangoHtml;
pub use value::{List, Seq, ToValue, Value};

pub use askama::Template;

/// askama's `Template` trait, for a glob import (see the crate root).
#[doc(hidden)]
pub mod trait_only {
    pub use askama::Template;
}

/// What a template being rendered by [`render`] can ask of its request.
#[derive(Clone)]
pub struct Context {
    settings: Arc<Settings>,
    /// The request's CSRF state (made when `{% csrf_token %}` first asks for a token); none
    /// without the CSRF middleware.
    csrf: Option<Arc<CsrfSlot>>,
    /// The request's one-time messages (none without the message middleware).
    messages: Option<Arc<crate::messages::Slot>>,
    /// The request's user, when it was read (see `AuthenticationMiddleware`).
    user: Option<Arc<crate::auth::UserSlot>>,
    path: crate::http::SharedPath,
    /// The path with its query, when `path` is a decoded copy (else `path` holds it).
    full_path: Option<http::uri::PathAndQuery>,
    method: http::Method,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context").field("path", &self.path).finish()
    }
}

thread_local! {
    static CONTEXT: RefCell<Vec<Context>> = const { RefCell::new(Vec::new()) };
}

impl Context {
    /// The context of `request`.
    pub fn of(request: &Request) -> Self {
        // Shares the request's bytes: no copy.
        let path = request.shared_path();
        let full_path = match path.full() {
            Some(_) => None,
            None => request.uri().path_and_query().cloned(),
        };
        Context {
            settings: request.shared_settings(),
            csrf: request.attached_shared::<CsrfSlot>(),
            messages: crate::messages::shared_slot(request),
            user: crate::auth::user_slot(request),
            path,
            full_path,
            method: request.method().clone(),
        }
    }

    /// Runs `f` with this context visible to the template tags.
    pub fn scope<T>(self, f: impl FnOnce() -> T) -> T {
        struct Pop;
        impl Drop for Pop {
            fn drop(&mut self) {
                CONTEXT.with(|c| {
                    c.borrow_mut().pop();
                });
            }
        }
        CONTEXT.with(|c| c.borrow_mut().push(self));
        // Popped by the guard, also if `f` panics.
        let _pop = Pop;
        f()
    }
}

fn current<T>(f: impl FnOnce(Option<&Context>) -> T) -> T {
    CONTEXT.with(|c| f(c.borrow().last()))
}

/// Renders `template` with the request's context into a 200 HTML response (Django's
/// `render(request, "page.html", context)`).
pub fn render<T: Template>(request: &Request, template: T) -> Result<Response> {
    let html = Context::of(request).scope(|| render_bytes(&template))?;
    Ok(Html(html).into_response())
}

thread_local! {
    /// A page is rendered into this buffer, grown once to the largest page (up to 256 KiB),
    /// then copied out
    /// at its exact size: no reallocation while rendering, and a body that needs no more
    /// allocation to be sent.
    static BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
}

fn render_bytes<T: Template>(template: &T) -> askama::Result<bytes::Bytes> {
    // Taken out, not borrowed: a template that renders another inside gets a fresh buffer.
    let mut buffer = BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
    buffer.clear();
    let rendered = template.render_into(&mut buffer);
    let bytes = bytes::Bytes::copy_from_slice(buffer.as_bytes());
    BUFFER.with(|b| {
        let mut kept = b.borrow_mut();
        // A huge page's buffer is let go, so that a worker thread does not keep it.
        if kept.capacity() < buffer.capacity() && buffer.capacity() <= 256 * 1024 {
            *kept = buffer;
        }
    });
    rendered.map(|()| bytes)
}

/// `{% csrf_token %}`: the hidden input, or nothing outside a request (as Django renders
/// nothing when the context has no token).
pub fn csrf_input() -> String {
    current(|c| match c.and_then(|c| c.csrf.as_ref()) {
        Some(slot) => format!(
            "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"{}\">",
            crate::html::escape(&crate::csrf::token_of(slot.state()))
        ),
        None => String::new(),
    })
}

/// `{% static "path" %}`: STATIC_URL joined with the path, percent-encoded.
pub fn static_url(path: &str) -> String {
    StaticUrl(path).to_string()
}

/// `{% static "path" %}` written straight into the page (no string made for it).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct StaticUrl<'a>(pub &'a str);

impl fmt::Display for StaticUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}

/// What askama writes with, without `fmt`'s machinery.
impl askama::FastWritable for StaticUrl<'_> {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
        Ok(self.write(dest)?)
    }
}

/// `{% static %}` in a page: the URL escaped Django's way.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct EscapedStaticUrl<'a>(StaticUrl<'a>);

impl fmt::Display for EscapedStaticUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}

impl askama::FastWritable for EscapedStaticUrl<'_> {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
        Ok(self.write(dest)?)
    }
}

impl EscapedStaticUrl<'_> {
    fn write(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        with_static_settings(|settings| write_static_url(f, settings, self.0.0, true))
    }
}

/// `{% static "literal" %}` in a page: its text made once for the settings first seen (the
/// server's), then written as it is. Each tag has its own, a `static` item of the page.
#[doc(hidden)]
#[derive(Debug)]
pub struct StaticUrlCache {
    path: &'static str,
    made: crate::settings::MadeForFirst<String>,
}

impl StaticUrlCache {
    /// The cache of one `{% static %}` tag.
    pub const fn new(path: &'static str) -> Self {
        StaticUrlCache {
            path,
            made: crate::settings::MadeForFirst::new(),
        }
    }
}

impl askama::FastWritable for &'static StaticUrlCache {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
        let written = current(|c| {
            let Some(c) = c else {
                return StaticUrl(self.path).escaped().write(dest);
            };
            let made = self.made.get_or_make(&c.settings, |settings| {
                let mut text = String::new();
                let _ = write_static_url(&mut text, settings, self.path, true);
                text
            });
            match made {
                Some(text) => dest.write_str(text),
                // Other settings than the first (a test that changes them).
                None => write_static_url(dest, &c.settings, self.path, true),
            }
        });
        Ok(written?)
    }
}

impl fmt::Display for &'static StaticUrlCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        askama::FastWritable::write_into(self, f, &askama::NO_VALUES).map_err(|_| fmt::Error)
    }
}

/// `{% static "literal" %}` in a rewritten template: its cache, made once.
#[doc(hidden)]
#[macro_export]
macro_rules! __static_page_url {
    ($path:literal) => {{
        static URL: $crate::__private::StaticUrlCache =
            $crate::__private::StaticUrlCache::new($path);
        &URL
    }};
}

impl<'a> StaticUrl<'a> {
    /// The URL as a page shows it.
    pub fn escaped(self) -> EscapedStaticUrl<'a> {
        EscapedStaticUrl(self)
    }

    fn write(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        with_static_settings(|settings| write_static_url(f, settings, self.0, false))
    }
}

/// Runs `f` with STATIC_URL: the request's settings, or the default outside a request.
fn with_static_settings<T>(f: impl FnOnce(&Settings) -> T) -> T {
    current(|c| match c {
        Some(c) => f(&c.settings),
        None => f(&Settings::default()),
    })
}

/// Writes STATIC_URL joined with `path` (its hashed name from collectstatic's manifest with
/// DEBUG off), quoted, and HTML-escaped when `escape`.
fn write_static_url(
    f: &mut dyn fmt::Write,
    settings: &Settings,
    path: &str,
    escape: bool,
) -> fmt::Result {
    let prefix = settings.static_url.as_str();
    let path = crate::staticfiles::stored_name(settings, path);
    let mut put = |s: &str| {
        if escape {
            escape::write_escaped(&mut *f, s)
        } else {
            f.write_str(s)
        }
    };
    // A relative STATIC_URL ("static/", Django's default) is served from the site's root.
    if !prefix.starts_with('/') && !prefix.as_bytes().windows(3).any(|w| w == b"://") {
        put("/")?;
    }
    put(prefix)?;
    if !prefix.ends_with('/') {
        put("/")?;
    }
    put(&crate::files::filepath_to_uri(path.trim_start_matches('/')))
}

/// What `{% url … as var %}` keeps: the URL, or "" when the values do not fit (Django
/// swallows `NoReverseMatch` there).
pub trait UrlOrEmpty {
    /// The URL or "".
    fn url_or_empty(self) -> String;
}

/// A `{% url %}` of a route without arguments, reversed at compile time: the URL, and the
/// page's text of it (escaped Django's way, also at compile time).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ReversedUrl(pub &'static str, pub &'static str);

impl fmt::Display for ReversedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }
}

impl askama::FastWritable for ReversedUrl {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
        Ok(dest.write_str(self.1)?)
    }
}

impl UrlOrEmpty for askama::filters::Safe<ReversedUrl> {
    fn url_or_empty(self) -> String {
        self.0.0.to_owned()
    }
}

impl UrlOrEmpty for String {
    fn url_or_empty(self) -> String {
        self
    }
}

impl<E> UrlOrEmpty for std::result::Result<String, E> {
    fn url_or_empty(self) -> String {
        self.unwrap_or_default()
    }
}

/// `{{ request.path }}` in a template: the path being rendered ("" outside a request).
pub fn request_path() -> String {
    current(|c| c.map(|c| c.path.to_string())).unwrap_or_default()
}

/// `{{ request.get_full_path }}`: the path with its query string, as sent.
pub fn request_full_path() -> String {
    current(|c| {
        c.map(|c| {
            let full = c.full_path.as_ref().or(c.path.full());
            full.map_or("/", |p| p.as_str()).to_owned()
        })
    })
    .unwrap_or_default()
}

/// `{{ messages }}`: the request's messages, then read (Django's messages context
/// processor); none outside a request.
pub fn messages() -> Vec<crate::messages::Message> {
    current(|c| {
        c.and_then(|c| c.messages.as_ref())
            .map(|s| crate::messages::take(s))
    })
    .unwrap_or_default()
}

/// `{{ user }}`: the request's user (Django's auth context processor); anonymous outside a
/// request or without a session.
pub fn current_user() -> crate::auth::CurrentUser {
    current(|c| crate::auth::current_user(c.and_then(|c| c.user.as_deref())))
}

/// The query string of the request being rendered ("" outside a request).
pub(crate) fn current_query() -> String {
    current(|c| {
        c.map(|c| {
            let full = c.full_path.as_ref().or(c.path.full());
            full.and_then(|p| p.query()).unwrap_or("").to_owned()
        })
    })
    .unwrap_or_default()
}

/// `{{ request.method }}`.
pub fn request_method() -> String {
    current(|c| c.map(|c| c.method.to_string())).unwrap_or_default()
}
