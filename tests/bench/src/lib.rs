//! The load benchmark's parts: a minimal HTTP client for set-up and checks, the wrk runner
//! and its output parser, the server process readings (CPU time, peak RSS), and the chart.

pub mod chart;
pub mod client;
pub mod process;
pub mod wrk;

/// The port a peer server listens on: its first argument.
pub fn port_arg() -> u16 {
    std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| {
            eprintln!(
                "usage: {} PORT",
                std::env::args().next().unwrap_or_default()
            );
            std::process::exit(2)
        })
}

/// The Python with Django 5.2 that `--python PATH` names, for the benchmarks that compare
/// with Django; `None` when not given.
pub fn python_arg() -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--python")
        .and_then(|i| args.get(i + 1).cloned())
}

/// The headers Django's middleware (and manouche's) add to a page, for the hand-written
/// peers to send the same: Vary, X-Frame-Options, nosniff, Referrer- and Opener-Policy.
pub fn django_headers(h: &mut axum::http::HeaderMap) {
    use axum::http::{HeaderName, HeaderValue, header};
    h.insert(header::VARY, HeaderValue::from_static("Cookie"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
}
