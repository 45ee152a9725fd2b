//! Views: the `View` trait that `#[view]` implements (defined with the router, which calls
//! it), and the pages for errors (plain, and the technical ones shown with DEBUG on).

pub(crate) mod debug;
pub(crate) mod defaults;
pub(crate) mod errors;
mod panic;

pub(crate) use panic::{CatchPanic, catch_panic, install_hook};

pub use crate::urls::{Called, View};

/// What a project's own error page gets (Django passes `request_path` and `exception` to
/// `404.html`).
#[derive(Debug, Clone, Copy)]
pub struct ErrorContext<'a> {
    /// The path asked for, decoded.
    pub request_path: &'a str,
    /// The error's message (empty for a 500, as Django shows nothing there).
    pub exception: &'a str,
    /// The status of the page.
    pub status: http::StatusCode,
}

/// Renders a project's error page, e.g. its `404.html` template.
pub type ErrorHandler = fn(&ErrorContext<'_>) -> crate::Result<String>;

/// The project's error pages by status (Django's `handler404`, `handler500`, …), used when
/// DEBUG is off; a status without one gets Django's plain page.
#[derive(Debug, Clone, Copy, Default)]
pub struct ErrorHandlers {
    /// For 400.
    pub bad_request: Option<ErrorHandler>,
    /// For 403.
    pub permission_denied: Option<ErrorHandler>,
    /// For 404.
    pub page_not_found: Option<ErrorHandler>,
    /// For 500.
    pub server_error: Option<ErrorHandler>,
    /// For a failed CSRF check (Django's CSRF_FAILURE_VIEW), shown with DEBUG on too.
    pub csrf_failure: Option<ErrorHandler>,
}

impl ErrorHandlers {
    pub(crate) fn for_status(&self, status: http::StatusCode) -> Option<ErrorHandler> {
        match status.as_u16() {
            400 => self.bad_request,
            403 => self.permission_denied,
            404 => self.page_not_found,
            500 => self.server_error,
            _ => None,
        }
    }
}
