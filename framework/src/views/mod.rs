//! Views: the `View` trait that `#[view]` implements, and the pages for errors (plain, and
//! the technical ones shown with DEBUG on).

pub(crate) mod debug;
pub(crate) mod defaults;
pub(crate) mod errors;
mod panic;

use std::future::Future;

pub(crate) use panic::{CatchPanic, catch_panic, install_hook};

use crate::http::{Request, Response};

/// A view with its path parameters, ready to call. `#[view]` implements it on a struct named
/// like the function, whose fields are the function's path parameters.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a view",
    label = "not a view",
    note = "annotate the handler function with `#[view]`"
)]
pub trait View: Send + Sized + 'static {
    /// The function's path, for the debug pages and `resolve()`.
    const NAME: &'static str;
    /// Whether CSRF checks are skipped (`#[view(csrf_exempt)]`).
    const CSRF_EXEMPT: bool = false;
    /// Calls the function with the request and these parameters: a plain `fn` answers at
    /// once, an `async fn` with its future.
    fn call(self, request: &mut Request) -> Called<impl Future<Output = Response> + Send + '_>;
}

/// What calling a view gives.
#[derive(Debug)]
pub enum Called<F> {
    /// A plain `fn` view's response: no future to make, box or poll.
    Now(Response),
    /// An `async fn` view's future.
    Later(F),
}

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
