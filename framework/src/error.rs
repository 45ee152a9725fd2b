//! The error a view returns with `?`, and the status each kind becomes (Django's exceptions:
//! Http404, PermissionDenied, SuspiciousOperation, DisallowedHost, RequestDataTooBig, …).

use std::fmt;
use std::panic::Location;

use http::StatusCode;

/// What went wrong; each kind maps to one status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400: the request is malformed (Django's `SuspiciousOperation`, `BadRequest`).
    BadRequest,
    /// 400: the Host header is not in ALLOWED_HOSTS (Django's `DisallowedHost`).
    DisallowedHost,
    /// 403: `PermissionDenied`, or a failed CSRF check.
    PermissionDenied,
    /// 404: no route matched, or a view raised `Http404`.
    NotFound,
    /// 405: the view does not accept this method.
    MethodNotAllowed,
    /// 408: the client did not send its whole body within REQUEST_BODY_TIMEOUT.
    RequestTimeout,
    /// 413: the body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.
    PayloadTooLarge,
    /// 500: anything else — a bug, a database failure, a panic.
    Internal,
}

impl ErrorKind {
    /// The HTTP status this kind of error is answered with.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest | ErrorKind::DisallowedHost => StatusCode::BAD_REQUEST,
            ErrorKind::PermissionDenied => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The error type of views: `Result<Response>` is `Result<Response, Error>`.
///
/// Any `std::error::Error` converts into a 500 with `?`; [`Http404`], [`PermissionDenied`] and
/// [`BadRequest`] convert into their own statuses. The place of the `?` is kept for the debug page.
pub struct Error {
    kind: ErrorKind,
    message: String,
    type_name: &'static str,
    location: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// An error of `kind` with a message shown on the debug page (and in the log).
    #[track_caller]
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let type_name = match kind {
            ErrorKind::BadRequest => "BadRequest",
            ErrorKind::DisallowedHost => "DisallowedHost",
            ErrorKind::PermissionDenied => "PermissionDenied",
            ErrorKind::NotFound => "Http404",
            ErrorKind::MethodNotAllowed => "MethodNotAllowed",
            ErrorKind::RequestTimeout => "RequestTimeout",
            ErrorKind::PayloadTooLarge => "RequestDataTooBig",
            ErrorKind::Internal => "Error",
        };
        Error {
            kind,
            message: message.into(),
            type_name,
            location: Some(Location::caller().to_string()),
            source: None,
        }
    }

    /// A 500 for a panic that a view raised; the location is where it panicked.
    pub(crate) fn from_panic(message: String, location: Option<String>) -> Self {
        Error {
            kind: ErrorKind::Internal,
            message,
            type_name: "panic",
            location,
            source: None,
        }
    }

    /// The same error under Django's own exception name (`TooManyFieldsSent`), for the
    /// debug page.
    pub(crate) fn named(mut self, type_name: &'static str) -> Self {
        self.type_name = type_name;
        self
    }

    /// The kind, which decides the status.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The status this error is answered with.
    pub fn status(&self) -> StatusCode {
        self.kind.status()
    }

    /// The message (Django's exception value).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The name of the error's type (Django's exception type), for the debug page.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// Where the error was raised: the `?` or constructor call.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("type", &self.type_name)
            .field("message", &self.message)
            .field("location", &self.location)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    #[track_caller]
    fn from(err: E) -> Self {
        let mut message = err.to_string();
        let mut source = err.source();
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Error {
            kind: ErrorKind::Internal,
            message,
            type_name: short_type_name::<E>(),
            location: Some(Location::caller().to_string()),
            source: Some(Box::new(err)),
        }
    }
}

impl Error {
    /// The underlying error, when this one was converted from a `std::error::Error`.
    pub fn source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.source.as_deref()
    }
}

/// A type's name without its path (`Flight` for `demo::flights::Flight`).
pub(crate) fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base)
}

macro_rules! django_exception {
    ($(#[$doc:meta])* $name:ident => $kind:ident, $default:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default)]
        pub struct $name(pub String);

        impl $name {
            /// With a message for the debug page.
            pub fn new(message: impl Into<String>) -> Self {
                $name(message.into())
            }
        }

        impl From<$name> for Error {
            #[track_caller]
            fn from(e: $name) -> Self {
                let message = if e.0.is_empty() { $default.to_string() } else { e.0 };
                Error::new(ErrorKind::$kind, message)
            }
        }
    };
}

django_exception!(
    /// Django's `Http404`: `return Err(Http404::new("No such task"))?` gives a 404 page.
    Http404 => NotFound, ""
);
django_exception!(
    /// Django's `PermissionDenied`: a 403 page.
    PermissionDenied => PermissionDenied, ""
);
django_exception!(
    /// Django's `BadRequest`/`SuspiciousOperation`: a 400 page.
    BadRequest => BadRequest, ""
);

/// `Result<T, manouche::Error>`, what views return.
pub type Result<T, E = Error> = std::result::Result<T, E>;
