//! Django's SecurityMiddleware and XFrameOptionsMiddleware: headers added to every response
//! that does not already have them.

use http::{HeaderValue, header};
use tower_layer::Layer;

use std::future::Future;

use super::{Middleware, Wrapped};
use crate::handler::settings_of;
use crate::http::{Body, Response};
use crate::settings::Settings;

/// Adds X-Frame-Options, X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy
/// (and HSTS on HTTPS when configured), never overriding a view's own.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecurityHeadersLayer;

impl<S> Layer<S> for SecurityHeadersLayer {
    type Service = Wrapped<Self, S>;
    fn layer(&self, inner: S) -> Self::Service {
        Wrapped::new(*self, inner)
    }
}

impl Middleware for SecurityHeadersLayer {
    fn call<N, F>(
        self,
        req: http::Request<Body>,
        next: N,
    ) -> impl Future<Output = Response> + Send + 'static
    where
        N: FnOnce(http::Request<Body>) -> F + Send + 'static,
        F: Future<Output = Response> + Send + 'static,
    {
        let settings = settings_of(&req);
        let secure = req.uri().scheme() == Some(&http::uri::Scheme::HTTPS);
        let fut = next(req);
        async move {
            let mut response = fut.await;
            add_headers(&mut response, &settings, secure);
            response
        }
    }
}

/// Django's `Cross-Origin-Opener-Policy`, made once.
const COOP: header::HeaderName = header::HeaderName::from_static("cross-origin-opener-policy");

fn set_default(response: &mut Response, name: header::HeaderName, value: &str) {
    if value.is_empty() {
        return;
    }
    let header::Entry::Vacant(slot) = response.headers_mut().entry(name) else {
        return;
    };
    // The defaults are static values: no parsing or copying per request.
    let value = match value {
        "DENY" => Ok(HeaderValue::from_static("DENY")),
        "nosniff" => Ok(HeaderValue::from_static("nosniff")),
        "same-origin" => Ok(HeaderValue::from_static("same-origin")),
        other => HeaderValue::from_str(other),
    };
    if let Ok(v) = value {
        slot.insert(v);
    }
}

fn add_headers(response: &mut Response, s: &Settings, secure: bool) {
    let frame = &s.x_frame_options;
    if frame.eq_ignore_ascii_case("DENY") {
        set_default(response, header::X_FRAME_OPTIONS, "DENY");
    } else {
        set_default(
            response,
            header::X_FRAME_OPTIONS,
            &frame.to_ascii_uppercase(),
        );
    }
    if s.secure_content_type_nosniff {
        set_default(response, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    }
    set_default(response, header::REFERRER_POLICY, &s.secure_referrer_policy);
    set_default(response, COOP, &s.secure_cross_origin_opener_policy);
    if secure && s.secure_hsts_seconds > 0 {
        let mut value = format!("max-age={}", s.secure_hsts_seconds);
        if s.secure_hsts_include_subdomains {
            value.push_str("; includeSubDomains");
        }
        if s.secure_hsts_preload {
            value.push_str("; preload");
        }
        set_default(response, header::STRICT_TRANSPORT_SECURITY, &value);
    }
}
