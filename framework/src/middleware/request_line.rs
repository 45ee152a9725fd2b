//! What the middleware's work on a response needs of the request (the method, path and
//! host), read from the request the view had, or kept apart from it.

use crate::http::{Body, Request, Response};
use crate::settings::Settings;

/// What the middleware's work on a response may need of the request, which the view has
/// had by then: the method and path (for a redirect or an error page), and the host.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestLine<'a> {
    pub(crate) method: &'a http::Method,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    host: HostOf<'a>,
}

/// Where a [`RequestLine`]'s host is: looked up only if asked for (rarely: one DEBUG page).
#[derive(Debug, Clone, Copy)]
enum HostOf<'a> {
    Headers(&'a http::HeaderMap),
    Value(Option<&'a http::HeaderValue>),
}

impl<'a> RequestLine<'a> {
    /// The line of the request a view had.
    pub(crate) fn of(request: &'a Request) -> Self {
        RequestLine {
            method: request.method(),
            path: request.raw_path(),
            query: request.path_and_query().and_then(|pq| pq.query()),
            host: HostOf::Headers(request.headers()),
        }
    }

    /// The Host header.
    pub(crate) fn host(&self) -> Option<&'a http::HeaderValue> {
        match self.host {
            HostOf::Headers(headers) => headers.get(http::header::HOST),
            HostOf::Value(value) => value,
        }
    }

    /// A copy that outlives the request.
    pub(crate) fn kept(self) -> OwnedLine {
        let path_and_query = match self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.to_owned(),
        };
        OwnedLine {
            method: self.method.clone(),
            path_and_query: path_and_query.parse().ok(),
            host: self.host().cloned(),
        }
    }

    /// The error page for `err` raised while answering this request.
    pub(crate) fn error_page(&self, err: &crate::error::Error, settings: &Settings) -> Response {
        let uri = self.kept().uri();
        let headers = http::HeaderMap::new();
        let page = crate::views::debug::PageRequest::new(self.method, &uri, &headers, None);
        crate::handler::error_page(err, &page, settings, &[], &Default::default())
    }
}

/// A [`RequestLine`] kept apart from its request (its path shares the request's bytes).
#[derive(Debug, Clone, Default)]
pub(crate) struct OwnedLine {
    method: http::Method,
    path_and_query: Option<http::uri::PathAndQuery>,
    host: Option<http::HeaderValue>,
}

impl OwnedLine {
    pub(crate) fn of(req: &http::Request<Body>, settings: &Settings) -> Self {
        OwnedLine {
            method: req.method().clone(),
            path_and_query: req.uri().path_and_query().cloned(),
            // Only the DEBUG page about APPEND_SLASH shows it.
            host: settings
                .debug
                .then(|| req.headers().get(http::header::HOST).cloned())
                .flatten(),
        }
    }

    /// The line, borrowed.
    pub(crate) fn line(&self) -> RequestLine<'_> {
        RequestLine {
            method: &self.method,
            path: self.path_and_query.as_ref().map_or("/", |pq| pq.path()),
            query: self.path_and_query.as_ref().and_then(|pq| pq.query()),
            host: HostOf::Value(self.host.as_ref()),
        }
    }

    fn uri(self) -> http::Uri {
        self.path_and_query.map(http::Uri::from).unwrap_or_default()
    }
}
