//! Views: the `View` trait that `#[view]` implements, and the pages for errors (plain, and
//! the technical ones shown with DEBUG on).

pub(crate) mod debug;
pub(crate) mod defaults;
mod panic;

use std::future::Future;

pub(crate) use panic::CatchPanic;

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
    /// Calls the function with the request and these parameters.
    fn call(self, request: &mut Request) -> impl Future<Output = Response> + Send + '_;
}
