//! Cross-site request forgery protection, as Django 4.1+ does it: a 32-character secret in
//! the `csrftoken` cookie, a freshly masked 64-character token in each form (BREACH), checks
//! of every unsafe request in Django's order with Django's reasons (see
//! the CSRF middleware), and the 403 page.

use std::sync::{Mutex, OnceLock};

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

use crate::http::Request;

/// Django's `CSRF_ALLOWED_CHARS`, in its order.
pub const ALLOWED_CHARS: &[u8; 62] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// Length of the secret kept in the cookie.
pub const SECRET_LENGTH: usize = 32;
/// Length of a masked token.
pub const TOKEN_LENGTH: usize = 64;
/// The form field that carries the token.
pub const FORM_FIELD: &str = "csrfmiddlewaretoken";

/// Django's reason texts.
pub mod reasons {
    /// Origin does not match (`%s` is the Origin header).
    pub const BAD_ORIGIN: &str = "Origin checking failed - %s does not match any trusted origins.";
    /// HTTPS request without Referer.
    pub const NO_REFERER: &str = "Referer checking failed - no Referer.";
    /// Referer does not match (`%s` is the Referer).
    pub const BAD_REFERER: &str =
        "Referer checking failed - %s does not match any trusted origins.";
    /// No CSRF cookie.
    pub const NO_CSRF_COOKIE: &str = "CSRF cookie not set.";
    /// No token in the form or the header.
    pub const CSRF_TOKEN_MISSING: &str = "CSRF token missing.";
    /// Referer cannot be parsed.
    pub const MALFORMED_REFERER: &str = "Referer checking failed - Referer is malformed.";
    /// HTTP Referer on an HTTPS request.
    pub const INSECURE_REFERER: &str =
        "Referer checking failed - Referer is insecure while host is secure.";
    /// Token or cookie of a wrong length.
    pub const INCORRECT_LENGTH: &str = "has incorrect length";
    /// Token or cookie with other characters than letters and digits.
    pub const INVALID_CHARACTERS: &str = "has invalid characters";
}

fn rng() -> &'static SystemRandom {
    static RNG: OnceLock<SystemRandom> = OnceLock::new();
    RNG.get_or_init(SystemRandom::new)
}

/// `n` characters drawn uniformly from [`ALLOWED_CHARS`] with the system's random generator.
pub fn random_string(n: usize, alphabet: &[u8]) -> String {
    let mut out = String::with_capacity(n);
    // 248 = 4 × 62: bytes at or above it are dropped so each character is equally likely.
    let limit = 256 - 256 % alphabet.len();
    let mut buf = [0u8; 64];
    while out.len() < n {
        rng()
            .fill(&mut buf)
            .expect("the system's random generator failed");
        for &b in &buf {
            if (b as usize) < limit && out.len() < n {
                out.push(alphabet[b as usize % alphabet.len()] as char);
            }
        }
    }
    out
}

fn index(c: u8) -> usize {
    ALLOWED_CHARS.iter().position(|&a| a == c).unwrap_or(0)
}

/// A new 32-character secret.
pub fn new_secret() -> String {
    random_string(SECRET_LENGTH, ALLOWED_CHARS)
}

/// Masks `secret` with a fresh random mask: `mask + cipher`, 64 characters (Django's
/// `_mask_cipher_secret`).
pub fn mask(secret: &str) -> String {
    let mask = random_string(SECRET_LENGTH, ALLOWED_CHARS);
    let mut token = mask.clone();
    for (s, m) in secret.bytes().zip(mask.bytes()) {
        token.push(ALLOWED_CHARS[(index(s) + index(m)) % 62] as char);
    }
    token
}

/// The secret inside a 64-character token (Django's `_unmask_cipher_token`).
pub fn unmask(token: &str) -> String {
    let (mask, cipher) = token.as_bytes().split_at(SECRET_LENGTH.min(token.len()));
    cipher
        .iter()
        .zip(mask)
        .map(|(&c, &m)| ALLOWED_CHARS[(index(c) + 62 - index(m)) % 62] as char)
        .collect()
}

/// Django's `_check_token_format`: 32 or 64 letters and digits; the reason otherwise.
pub fn check_format(token: &str) -> Result<(), &'static str> {
    if token.len() != SECRET_LENGTH && token.len() != TOKEN_LENGTH {
        return Err(reasons::INCORRECT_LENGTH);
    }
    if !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(reasons::INVALID_CHARACTERS);
    }
    Ok(())
}

/// The secret a well-formed token or cookie value carries.
pub fn secret_of(token: &str) -> String {
    if token.len() == TOKEN_LENGTH {
        unmask(token)
    } else {
        token.to_string()
    }
}

/// Constant-time equality (Django's `constant_time_compare`): both sides are MACed with a
/// per-process random key and the tags compared with ring's constant-time `verify`.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    static KEY: OnceLock<hmac::Key> = OnceLock::new();
    let key = KEY.get_or_init(|| {
        hmac::Key::generate(hmac::HMAC_SHA256, rng()).expect("the system's random generator failed")
    });
    let tag = hmac::sign(key, a.as_bytes());
    hmac::verify(key, b.as_bytes(), tag.as_ref()).is_ok()
}

/// The CSRF state of one request, shared by the middleware and `{% csrf_token %}`.
#[derive(Debug, Default)]
pub(crate) struct State {
    /// The secret: from a well-formed cookie, or made when first needed.
    pub secret: Option<String>,
    /// Send the cookie with the response (a token was used, or a new secret made).
    pub needs_update: bool,
}

/// A fresh masked token from `state`, marking it used so the cookie is sent.
pub(crate) fn token_of(state: &Mutex<State>) -> String {
    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
    s.needs_update = true;
    mask(s.secret.get_or_insert_with(new_secret))
}

/// The CSRF state shared by the middleware, the view and `{% csrf_token %}` for one request.
pub(crate) type Shared = std::sync::Arc<Mutex<State>>;

/// What the CSRF middleware attaches to a request: the secret the client sent (its cookie,
/// or its session with CSRF_USE_SESSIONS), and the state made from it when first asked for.
#[derive(Debug)]
pub(crate) struct CsrfSlot {
    sent: Option<String>,
    state: OnceLock<Shared>,
}

impl CsrfSlot {
    /// The slot for a request whose client sent `sent`; a malformed one is replaced at once
    /// (the replacement goes out with the response, whatever it is).
    pub(crate) fn new(sent: Option<String>) -> Self {
        let slot = CsrfSlot {
            sent,
            state: OnceLock::new(),
        };
        if slot.sent().is_some_and(|s| check_format(s).is_err()) {
            slot.state();
        }
        slot
    }

    /// What the client sent.
    pub(crate) fn sent(&self) -> Option<&str> {
        self.sent.as_deref()
    }

    /// The state, made now if nothing asked for it before.
    pub(crate) fn state(&self) -> &Shared {
        self.state.get_or_init(|| state_for(self.sent()))
    }

    /// The state, if something made it.
    pub(crate) fn made(&self) -> Option<&Shared> {
        self.state.get()
    }
}

/// The CSRF state from the secret the client sent, if any: a malformed one is replaced by a
/// new secret, to be sent back.
fn state_for(sent: Option<&str>) -> Shared {
    let mut state = State::default();
    if let Some(value) = sent {
        match check_format(value) {
            Ok(()) => state.secret = Some(secret_of(value)),
            Err(_) => {
                state.secret = Some(new_secret());
                state.needs_update = true;
            }
        }
    }
    std::sync::Arc::new(Mutex::new(state))
}

/// A fresh masked token for this request, and the cookie sent with the response (Django's
/// `get_token`), e.g. for a JavaScript client; `None` when the CSRF middleware is not on.
pub fn get_token(request: &Request) -> Option<String> {
    let slot = request.attached::<CsrfSlot>()?;
    Some(token_of(slot.state()))
}

/// A new secret for this request's client (Django's `rotate_token`; call it on login).
pub fn rotate_token(request: &Request) {
    if let Some(slot) = request.attached::<CsrfSlot>() {
        let mut s = slot.state().lock().unwrap_or_else(|e| e.into_inner());
        s.secret = Some(new_secret());
        s.needs_update = true;
    }
}

/// Marks a request as one the CSRF checks skip (what the test client does unless asked to
/// enforce them, as Django's `Client(enforce_csrf_checks=False)`).
#[derive(Debug, Clone, Copy)]
pub struct DontEnforceCsrfChecks;

/// Django's CSRF failure page (`django.views.csrf.csrf_failure`).
pub fn failure_page(reason: &str, debug: bool) -> String {
    let escape = |s: &str| crate::html::escape(s).into_owned();
    let mut extra = String::new();
    if reason == reasons::NO_REFERER {
        extra.push_str(
            "\n  <p>You are seeing this message because this HTTPS site requires a “Referer header” to be sent by your web browser, but none was sent. This header is required for security reasons, to ensure that your browser is not being hijacked by third parties.</p>\n  <p>If you have configured your browser to disable “Referer” headers, please re-enable them, at least for this site, or for HTTPS connections, or for “same-origin” requests.</p>\n  <p>If you are using the &lt;meta name=&quot;referrer&quot; content=&quot;no-referrer&quot;&gt; tag or including the “Referrer-Policy: no-referrer” header, please remove them. The CSRF protection requires the “Referer” header to do strict referer checking. If you’re concerned about privacy, use alternatives like &lt;a rel=&quot;noreferrer&quot; …&gt; for links to third-party sites.</p>",
        );
    }
    if reason == reasons::NO_CSRF_COOKIE {
        extra.push_str(
            "\n  <p>You are seeing this message because this site requires a CSRF cookie when submitting forms. This cookie is required for security reasons, to ensure that your browser is not being hijacked by third parties.</p>\n  <p>If you have configured your browser to disable cookies, please re-enable them, at least for this site, or for “same-origin” requests.</p>",
        );
    }
    let details = if debug {
        format!(
            "\n<div id=\"info\">\n  <h2>Help</h2>\n    <p>Reason given for failure:</p>\n    <pre>\n    {}\n    </pre>\n\n  <p>In general, this can occur when there is a genuine Cross Site Request Forgery, or when manouche’s CSRF mechanism has not been used correctly. For POST forms, you need to ensure:</p>\n\n  <ul>\n    <li>Your browser is accepting cookies.</li>\n    <li>The view renders its page with <code>render(request, …)</code>, so that the template gets the request’s CSRF token.</li>\n    <li>In the template, there is a <code>{{% csrf_token %}}</code> template tag inside each POST form that targets an internal URL.</li>\n    <li>If you are not using <code>CsrfMiddleware</code>, then you must check the token yourself.</li>\n    <li>The form has a valid CSRF token. After logging in in another browser tab or hitting the back button after a login, you may need to reload the page with the form, because the token is rotated after a login.</li>\n  </ul>\n\n  <p>You’re seeing the help section of this page because you have <code>DEBUG = true</code> in your settings file. Change that to <code>false</code>, and only the initial error message will be displayed.</p>\n\n  <p>You can customize this page using the CSRF_FAILURE_VIEW setting.</p>\n</div>",
            escape(reason)
        )
    } else {
        "\n<div id=\"explanation\">\n  <p><small>More information is available with DEBUG=True.</small></p>\n</div>".into()
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n  <title>403 Forbidden</title>\n</head>\n<body>\n<div id=\"summary\">\n  <h1>Forbidden <span>(403)</span></h1>\n  <p>CSRF verification failed. Request aborted.</p>{extra}\n</div>{details}\n</body>\n</html>\n"
    )
}
