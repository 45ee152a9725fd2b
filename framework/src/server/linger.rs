//! Lingering close, as nginx and Apache do it: when the server answers before it has read
//! a request's body (a 403, a 413) and then closes, closing a socket with unread bytes
//! makes the kernel send a reset, and the client, still sending, often loses the answer
//! that was on its way. So the connection first half-closes (the answer and a FIN go out),
//! then reads and throws away what the client still sends — up to a bound of bytes and
//! time — and only then closes.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// Whether the connection's latest request has a body that nothing read to its end: set
/// when a request with a body starts, cleared when its last byte is read.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnreadBody(Arc<AtomicBool>);

impl UnreadBody {
    /// A request starts: its body is unread unless it has none.
    pub(crate) fn request_started(&self, has_body: bool) {
        self.0.store(has_body, Ordering::Release);
    }

    /// The request's body was read to its end.
    pub(crate) fn body_read(&self) {
        self.0.store(false, Ordering::Release);
    }

    fn pending(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// How long and how much a closing connection drains.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LingerLimits {
    pub(crate) time: Duration,
    pub(crate) bytes: usize,
}

/// A connection's I/O that lingers on close while a request body is still arriving.
#[derive(Debug)]
pub(crate) struct Lingering<I> {
    inner: I,
    unread: UnreadBody,
    limits: LingerLimits,
    draining: Option<Draining>,
}

#[derive(Debug)]
struct Draining {
    deadline: Pin<Box<Sleep>>,
    left: usize,
}

impl<I> Lingering<I> {
    pub(crate) fn new(inner: I, unread: UnreadBody, limits: LingerLimits) -> Self {
        Lingering {
            inner,
            unread,
            limits,
            draining: None,
        }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Lingering<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<I: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Lingering<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.draining.is_none() {
            // The answer and a FIN go out first, whatever follows.
            std::task::ready!(Pin::new(&mut this.inner).poll_shutdown(cx))?;
            if !this.unread.pending() {
                return Poll::Ready(Ok(()));
            }
            this.draining = Some(Draining {
                deadline: Box::pin(tokio::time::sleep(this.limits.time)),
                left: this.limits.bytes,
            });
        }
        let Some(draining) = this.draining.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        let mut scratch = [0u8; 16 * 1024];
        loop {
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut this.inner).poll_read(cx, &mut buf) {
                // The client is done sending (or gone): close now.
                Poll::Ready(Ok(())) if buf.filled().is_empty() => break,
                Poll::Ready(Err(_)) => break,
                Poll::Ready(Ok(())) => {
                    draining.left = draining.left.saturating_sub(buf.filled().len());
                    if draining.left == 0 {
                        break;
                    }
                }
                Poll::Pending => {
                    if draining.deadline.as_mut().poll(cx).is_ready() {
                        break;
                    }
                    return Poll::Pending;
                }
            }
        }
        this.unread.body_read();
        Poll::Ready(Ok(()))
    }
}

/// A request body that tells the connection when it has been read to its end.
#[derive(Debug)]
pub(crate) struct Tracked<B> {
    inner: B,
    unread: UnreadBody,
}

impl<B> Tracked<B> {
    pub(crate) fn new(inner: B, unread: UnreadBody) -> Self {
        Tracked { inner, unread }
    }
}

impl<B: http_body::Body + Unpin> http_body::Body for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<B::Data>, B::Error>>> {
        let frame = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(frame, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.unread.body_read();
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
