//! Django's SecurityMiddleware and XFrameOptionsMiddleware: headers added to every response
//! that does not already have them.

use http::{HeaderValue, header};

use std::sync::Arc;

use super::Middleware;
use crate::http::{Request, Response};
use crate::settings::{MadeForFirst, Settings};

/// Django's SecurityMiddleware and XFrameOptionsMiddleware: SECURE_SSL_REDIRECT before the
/// view; X-Frame-Options, X-Content-Type-Options, Referrer-Policy,
/// Cross-Origin-Opener-Policy (and HSTS on HTTPS when configured) on every response that
/// does not have them already.
#[derive(Debug, Default)]
pub struct SecurityMiddleware {
    headers: Cached,
}

impl Middleware for SecurityMiddleware {
    async fn process_request(&self, request: &mut Request) -> Option<Response> {
        ssl_redirect(request)
    }

    async fn process_response(&self, request: &mut Request, response: &mut Response) {
        let secure = request.is_secure();
        self.headers
            .add(request.shared_settings_ref(), response, secure);
    }
}

/// Django's SECURE_SSL_REDIRECT: a request that is not secure is sent to the same URL over
/// HTTPS (on SECURE_SSL_HOST when set), with a 301. A host ALLOWED_HOSTS refuses is left
/// to that check (a 400), as Django's `get_host()` raises first.
fn ssl_redirect(request: &Request) -> Option<Response> {
    let settings = request.settings();
    if !settings.secure_ssl_redirect || request.is_secure() {
        return None;
    }
    let host = match &settings.secure_ssl_host {
        Some(host) => host.as_str(),
        None if super::hosts::refusal(request).is_some() => return None,
        None => request.host(),
    };
    Some(crate::http::permanent_redirect(format!(
        "https://{host}{}",
        request.full_path()
    )))
}

/// Django's `Cross-Origin-Opener-Policy`, made once.
const COOP: header::HeaderName = header::HeaderName::from_static("cross-origin-opener-policy");

/// The headers the settings ask for, made once: per response, only a lookup and a copy of
/// a shared value each.
#[derive(Debug, Clone)]
pub(crate) struct SecurityHeaders {
    always: Vec<(header::HeaderName, HeaderValue)>,
    hsts: Option<HeaderValue>,
    /// What a page's headers become: its content type, then `always`. Most responses are a
    /// page with no other header, and get a copy of this instead of a lookup per header.
    page: http::HeaderMap,
}

/// The content type of a rendered page.
const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");

impl SecurityHeaders {
    /// The headers `settings` ask for; one whose value is empty or not a valid header value
    /// is left out.
    pub(crate) fn new(s: &Settings) -> Self {
        let value = |v: &str| match v {
            "" => None,
            "DENY" => Some(HeaderValue::from_static("DENY")),
            "nosniff" => Some(HeaderValue::from_static("nosniff")),
            "same-origin" => Some(HeaderValue::from_static("same-origin")),
            other => HeaderValue::from_str(other).ok(),
        };
        let mut always = Vec::new();
        let mut push = |name, v: Option<HeaderValue>| {
            if let Some(v) = v {
                always.push((name, v));
            }
        };
        push(
            header::X_FRAME_OPTIONS,
            value(&s.x_frame_options.to_ascii_uppercase()),
        );
        if s.secure_content_type_nosniff {
            push(header::X_CONTENT_TYPE_OPTIONS, value("nosniff"));
        }
        push(header::REFERRER_POLICY, value(&s.secure_referrer_policy));
        push(COOP, value(&s.secure_cross_origin_opener_policy));
        let hsts = (s.secure_hsts_seconds > 0).then(|| {
            let mut v = format!("max-age={}", s.secure_hsts_seconds);
            if s.secure_hsts_include_subdomains {
                v.push_str("; includeSubDomains");
            }
            if s.secure_hsts_preload {
                v.push_str("; preload");
            }
            v
        });
        let mut page = http::HeaderMap::with_capacity(always.len() + 1);
        page.insert(header::CONTENT_TYPE, HTML);
        for (name, value) in &always {
            page.insert(name, value.clone());
        }
        SecurityHeaders {
            always,
            hsts: hsts.and_then(|v| value(&v)),
            page,
        }
    }

    /// Adds each header `response` does not have yet (HSTS only over HTTPS).
    pub(crate) fn add(&self, response: &mut Response, secure: bool) {
        let headers = response.headers_mut();
        let hsts = secure && self.hsts.is_some();
        if !hsts {
            // A page made with the block (`render`): they are all there, in its order.
            if headers.keys().take(self.page.len()).eq(self.page.keys()) {
                return;
            }
            // A page with nothing but its type: it becomes the block.
            if headers.len() == 1 && headers.get(header::CONTENT_TYPE) == Some(&HTML) {
                *headers = self.page.clone();
                return;
            }
        }
        self.add_each(headers, secure);
    }

    /// Adds each header `headers` does not have yet, one by one.
    fn add_each(&self, headers: &mut http::HeaderMap, secure: bool) {
        for (name, value) in &self.always {
            if let header::Entry::Vacant(slot) = headers.entry(name) {
                slot.insert(value.clone());
            }
        }
        if secure
            && let Some(value) = &self.hsts
            && let header::Entry::Vacant(slot) = headers.entry(header::STRICT_TRANSPORT_SECURITY)
        {
            slot.insert(value.clone());
        }
    }
}

/// The security headers of the first settings a service sees, kept so that they are made
/// once, not per request (other settings get theirs made afresh).
#[derive(Debug, Default)]
pub(crate) struct Cached(MadeForFirst<SecurityHeaders>);

impl Cached {
    /// Adds the headers `settings` ask for to `response`.
    pub(crate) fn add(&self, settings: &Arc<Settings>, response: &mut Response, secure: bool) {
        match self.0.get_or_make(settings, SecurityHeaders::new) {
            Some(headers) => headers.add(response, secure),
            // Other settings than the first (a test that changes them): made afresh.
            None => SecurityHeaders::new(settings).add(response, secure),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{HTML, SecurityHeaders};
    use crate::settings::Settings;
    use http::header;

    fn pairs(headers: &http::HeaderMap) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
            .collect()
    }

    #[test]
    fn a_plain_page_gets_the_same_headers_by_the_short_way() {
        for nosniff in [true, false] {
            let mut settings = Settings::default();
            settings.secure_content_type_nosniff = nosniff;
            settings.x_frame_options = "sameorigin".into();
            let security = SecurityHeaders::new(&settings);
            let mut page = crate::http::Response::new(crate::http::Body::empty());
            page.headers_mut().insert(header::CONTENT_TYPE, HTML);
            let mut one_by_one = page.headers().clone();
            security.add_each(&mut one_by_one, false);
            security.add(&mut page, false);
            assert_eq!(pairs(page.headers()), pairs(&one_by_one));
            assert_eq!(page.headers()["x-frame-options"], "SAMEORIGIN");
        }
    }
}
