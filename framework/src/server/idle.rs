//! The request-head deadline: from the moment a connection has no request in flight (it
//! was just accepted, or its last response was made), the client has REQUEST_HEADER_TIMEOUT
//! to deliver a whole request head. Bytes that trickle in do not extend it (slowloris), and
//! a silent connection is closed too — hyper's own header timeout starts only at the first
//! byte, and costs a boxed timer per request; this one is armed once per idle period.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// Requests being answered on one connection; while there are any, silence is the view
/// working, not the client idling.
#[derive(Debug, Clone, Default)]
pub(crate) struct InFlight(Arc<Counts>);

#[derive(Debug, Default)]
struct Counts {
    /// Requests being answered now.
    now: AtomicUsize,
    /// Requests started on this connection so far: a new one starts a new idle period.
    started: AtomicUsize,
}

impl InFlight {
    /// Counts a request until the guard is dropped (answered or cancelled).
    pub(crate) fn start(&self) -> InFlightGuard {
        self.0.started.fetch_add(1, Ordering::AcqRel);
        self.0.now.fetch_add(1, Ordering::AcqRel);
        InFlightGuard(self.0.clone())
    }

    fn idle(&self) -> bool {
        self.0.now.load(Ordering::Acquire) == 0
    }

    fn started(&self) -> usize {
        self.0.started.load(Ordering::Acquire)
    }
}

/// One request in flight.
#[derive(Debug)]
pub(crate) struct InFlightGuard(Arc<Counts>);

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A connection's I/O whose reads fail with `TimedOut` when no request head has arrived
/// within `timeout` of the connection going idle.
#[derive(Debug)]
pub(crate) struct IdleTimeout<I> {
    inner: I,
    in_flight: InFlight,
    timeout: Duration,
    sleep: Pin<Box<Sleep>>,
    /// The deadline is set for the idle period that follows this many requests.
    armed_after: usize,
    /// When bytes last went out: a response still being written to a slow reader is not
    /// idleness.
    last_write: Option<Instant>,
    /// The last write found the socket full.
    write_waited: bool,
}

impl<I> IdleTimeout<I> {
    pub(crate) fn new(inner: I, in_flight: InFlight, timeout: Duration) -> Self {
        IdleTimeout {
            inner,
            in_flight,
            timeout,
            sleep: Box::pin(tokio::time::sleep(timeout)),
            // Armed from the start: a new connection must send a request in time.
            armed_after: 0,
            last_write: None,
            write_waited: false,
        }
    }
}

impl<I> IdleTimeout<I> {
    /// Remembers when writing last started to wait (the socket full: a slow reader) or made
    /// progress after waiting, so that an answer still going out is not taken for idleness
    /// — while a reader that takes nothing for the whole timeout is still cut off. A write
    /// that goes out at once needs no clock reading.
    fn note_write(&mut self, written: &Poll<io::Result<usize>>) {
        match written {
            Poll::Pending if !self.write_waited => {
                self.write_waited = true;
                self.last_write = Some(Instant::now());
            }
            Poll::Ready(Ok(n)) if *n > 0 && self.write_waited => {
                self.write_waited = false;
                self.last_write = Some(Instant::now());
            }
            _ => {}
        }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for IdleTimeout<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            // Bytes of a head do not move the deadline; only a request in flight ends it.
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => {
                if !this.in_flight.idle() {
                    return Poll::Pending;
                }
                let started = this.in_flight.started();
                if this.armed_after != started {
                    // A new idle period: the previous request is answered.
                    this.sleep.as_mut().reset(Instant::now() + this.timeout);
                    this.armed_after = started;
                }
                if this.sleep.as_mut().poll(cx).is_ready()
                    && let Some(written) = this.last_write
                    && written.elapsed() < this.timeout
                {
                    // The answer was still going out: the idle period starts after it.
                    this.sleep.as_mut().reset(written + this.timeout);
                    if this.sleep.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                }
                match this.sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the client sent no whole request head within REQUEST_HEADER_TIMEOUT",
                    ))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.note_write(&written);
        written
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.note_write(&written);
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
