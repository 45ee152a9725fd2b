//! Django's `MessageMiddleware`: the request's one-time messages (see [`crate::messages`]).

use super::Middleware;
use crate::http::{Request, Response};

/// Loads the `messages` cookie (and the session's overflow) before the view; after it,
/// keeps what was not read plus what was added, or deletes the cookie when none remain.
#[derive(Debug, Default, Clone, Copy)]
pub struct MessageMiddleware;

impl Middleware for MessageMiddleware {
    async fn process_request(&self, request: &mut Request) -> Option<Response> {
        crate::messages::load(request).await;
        None
    }

    async fn process_response(&self, request: &mut Request, response: &mut Response) {
        crate::messages::store(request, response).await;
    }
}
