//! The body type that flows through every layer: whole bytes for what manouche makes, or any
//! boxed stream a user's tower layer (compression, say) puts in its place.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;

/// The error a streamed body may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A request or response body.
///
/// One pointer wide (`None` when empty): a response is then 128 bytes or less, which the
/// compiler moves with a few register copies instead of a call to `memmove`, and a response
/// crosses several layers on its way out.
#[derive(Debug)]
pub struct Body(Option<Box<Inner>>);

#[derive(Debug)]
enum Inner {
    Full(Bytes),
    Stream(UnsyncBoxBody<Bytes, BoxError>),
}

impl Body {
    /// An empty body.
    pub fn empty() -> Self {
        Body(None)
    }

    /// Wraps any other body, such as the one a tower-http layer returns.
    pub fn new<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Body(Some(Box::new(Inner::Stream(
            body.map_err(Into::into).boxed_unsync(),
        ))))
    }

    /// The whole body when it is already in memory (always so for what manouche makes).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self.0.as_deref() {
            None => Some(&[]),
            Some(Inner::Full(b)) => Some(b),
            Some(Inner::Stream(_)) => None,
        }
    }

    /// Reads the whole body.
    pub async fn collect_bytes(self) -> Result<Bytes, BoxError> {
        match self.0.map(|inner| *inner) {
            None => Ok(Bytes::new()),
            Some(Inner::Full(b)) => Ok(b),
            Some(Inner::Stream(s)) => Ok(s.collect().await?.to_bytes()),
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Self {
        Body((!b.is_empty()).then(|| Box::new(Inner::Full(b))))
    }
}

impl From<String> for Body {
    fn from(s: String) -> Self {
        Bytes::from(s).into()
    }
}

impl From<&'static str> for Body {
    fn from(s: &'static str) -> Self {
        Bytes::from_static(s.as_bytes()).into()
    }
}

impl From<Vec<u8>> for Body {
    fn from(v: Vec<u8>) -> Self {
        Bytes::from(v).into()
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match this.0.as_deref_mut() {
            None => Poll::Ready(None),
            Some(Inner::Stream(s)) => Pin::new(s).poll_frame(cx),
            Some(Inner::Full(b)) => {
                // The one frame: taken, and the body is empty from now on.
                let data = std::mem::take(b);
                this.0 = None;
                Poll::Ready(Some(Ok(Frame::data(data))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self.0.as_deref() {
            None => true,
            Some(Inner::Full(_)) => false,
            Some(Inner::Stream(s)) => s.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self.0.as_deref() {
            None => SizeHint::with_exact(0),
            Some(Inner::Full(b)) => SizeHint::with_exact(b.len() as u64),
            Some(Inner::Stream(s)) => s.size_hint(),
        }
    }
}

/// Lets `Infallible` bodies (e.g. `Full<Bytes>`) convert without ceremony.
impl From<http_body_util::Full<Bytes>> for Body {
    fn from(b: http_body_util::Full<Bytes>) -> Self {
        Body::new(b.map_err(|e: Infallible| match e {}))
    }
}
