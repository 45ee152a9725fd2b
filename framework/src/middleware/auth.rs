//! Django's `AuthenticationMiddleware`: the request's user, read before the view when the
//! request carries a session cookie (see [`crate::auth`]), so that templates can show it.

use super::Middleware;
use crate::http::{Request, Response};

/// Reads the user of a request that has a session; nothing for one that has none.
#[derive(Debug, Default, Clone, Copy)]
pub struct AuthenticationMiddleware;

impl Middleware for AuthenticationMiddleware {
    async fn process_request(&self, request: &mut Request) -> Option<Response> {
        crate::auth::load_user(request).await;
        None
    }
}
