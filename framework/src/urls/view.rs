//! What the router calls: a view, made by `#[view]` from a handler function.

use std::future::Future;

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
