//! Logging through `tracing`: the access log, errors, start-up and migrations are `tracing`
//! events, so a project can send them anywhere a subscriber can. The project's binary
//! installs one that prints them as Django's runserver does — the message alone, on stderr
//! — or one JSON object a line (`LOG_FORMAT = "json"`, for production), at the levels
//! `RUST_LOG` or the LOGGING setting choose (`info` unless set: `warn`,
//! `manouche=debug,info`, …).

use std::str::FromStr;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

use crate::settings::Settings;

/// Where manouche's events come from, for `RUST_LOG` (`manouche::request=warn`).
pub mod targets {
    /// One line per request, as runserver prints it.
    pub const REQUEST: &str = "manouche::request";
    /// Errors answered with an error page (Django's `django.request`).
    pub const ERROR: &str = "manouche::error";
    /// Refusals that may be attacks (Django's `django.security.*`).
    pub const SECURITY: &str = "manouche::security";
    /// The server starting, stopping and failing to accept.
    pub const SERVER: &str = "manouche::server";
}

/// Installs the subscriber the settings ask for, once per process (a second call, or a
/// subscriber the project installed itself, is left as it is). A LOGGING or `RUST_LOG`
/// that cannot be read is said on stderr, and `info` used.
pub fn init(settings: &Settings) {
    let directives = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| settings.logging.clone());
    let filter = Targets::from_str(&directives).unwrap_or_else(|e| {
        eprintln!("LOGGING/RUST_LOG {directives:?} cannot be read ({e}); logging at info");
        Targets::new().with_default(tracing::Level::INFO)
    });
    let stderr = std::io::stderr;
    let installed = if settings.log_format.eq_ignore_ascii_case("json") {
        let layer = tracing_subscriber::fmt::layer()
            .json()
            .with_writer(stderr)
            .with_filter(filter);
        tracing_subscriber::registry().with(layer).try_init()
    } else {
        let layer = tracing_subscriber::fmt::layer()
            .without_time()
            .with_level(false)
            .with_target(false)
            .with_writer(stderr)
            .with_filter(filter);
        tracing_subscriber::registry().with(layer).try_init()
    };
    // Already installed (tests, or the project's own): that one stays.
    drop(installed);
}
