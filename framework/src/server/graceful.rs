//! Graceful shutdown: each open connection is told to finish the request it is on and
//! close, and the server waits until they have.
//!
//! A connection looks at one shared flag each time it is polled, and takes the lock only
//! when its task's waker is new to it (hyper_util's watcher locks a mutex shared by every
//! connection on each poll, which all the worker threads then contend for).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use hyper_util::server::graceful::GracefulConnection;
use tokio::sync::Notify;

/// A connection that can be told to close once its current request is answered.
pub(crate) trait Closable: Future {
    /// Asks the connection to close (hyper's `graceful_shutdown`).
    fn close(self: Pin<&mut Self>);
}

impl<C: GracefulConnection> Closable for C {
    fn close(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

/// The open connections, and the signal to close them.
#[derive(Debug, Default)]
pub(crate) struct Graceful {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    /// Set once, when the server stops accepting.
    closing: AtomicBool,
    conns: Mutex<Conns>,
    /// Notified when the last connection closes after `closing` is set.
    all_closed: Notify,
}

#[derive(Debug, Default)]
struct Conns {
    next_id: u64,
    /// Each open connection's waker, once it has been polled.
    wakers: HashMap<u64, Option<Waker>>,
}

impl Shared {
    fn conns(&self) -> MutexGuard<'_, Conns> {
        // The map stays consistent whatever panicked while it was held.
        self.conns.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn closing(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }
}

impl Graceful {
    /// Counts `conn` as open until it completes or is dropped.
    pub(crate) fn watch<C: Closable>(&self, conn: C) -> Watched<C> {
        let mut conns = self.shared.conns();
        conns.next_id += 1;
        let id = conns.next_id;
        conns.wakers.insert(id, None);
        Watched {
            conn,
            registration: Registration {
                shared: self.shared.clone(),
                id,
                waker: None,
            },
            told: false,
        }
    }

    /// Tells every connection to close once its current request is answered, and waits
    /// until they all have.
    pub(crate) async fn shutdown(self) {
        self.shared.closing.store(true, Ordering::Release);
        let wakers: Vec<Waker> = self
            .shared
            .conns()
            .wakers
            .values()
            .flatten()
            .cloned()
            .collect();
        for waker in wakers {
            waker.wake();
        }
        loop {
            let closed = self.shared.all_closed.notified();
            tokio::pin!(closed);
            // Registered before looking, so that a close in between is not missed.
            closed.as_mut().enable();
            if self.shared.conns().wakers.is_empty() {
                return;
            }
            closed.await;
        }
    }
}

pin_project_lite::pin_project! {
    /// A connection that closes gracefully when the server shuts down.
    pub(crate) struct Watched<C> {
        #[pin]
        conn: C,
        registration: Registration,
        // `graceful_shutdown` has been called.
        told: bool,
    }
}

/// One connection's place among the open ones; dropped when the connection is.
#[derive(Debug)]
struct Registration {
    shared: Arc<Shared>,
    id: u64,
    /// The waker last registered: the lock is taken again only for another.
    waker: Option<Waker>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut conns = self.shared.conns();
        conns.wakers.remove(&self.id);
        if conns.wakers.is_empty() && self.shared.closing() {
            self.shared.all_closed.notify_one();
        }
    }
}

impl<C: Closable> Future for Watched<C> {
    type Output = C::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<C::Output> {
        let mut this = self.project();
        if !*this.told {
            let registration = &mut *this.registration;
            let mut closing = registration.shared.closing();
            let known = registration
                .waker
                .as_ref()
                .is_some_and(|w| w.will_wake(cx.waker()));
            if !closing && !known {
                let waker = cx.waker().clone();
                registration
                    .shared
                    .conns()
                    .wakers
                    .insert(registration.id, Some(waker.clone()));
                registration.waker = Some(waker);
                // Shutdown may have begun before the waker was there to be woken.
                closing = registration.shared.closing();
            }
            if closing {
                this.conn.as_mut().close();
                *this.told = true;
            }
        }
        this.conn.poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::{Closable, Graceful};
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::{Context, Poll};
    use std::time::Duration;

    /// A connection that stays open until told to close.
    struct Idle(Arc<AtomicBool>);

    impl Future for Idle {
        type Output = Result<(), std::io::Error>;
        fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
            if self.0.load(Ordering::Acquire) {
                Poll::Ready(Ok(()))
            } else {
                Poll::Pending
            }
        }
    }

    impl Closable for Idle {
        fn close(self: Pin<&mut Self>) {
            self.0.store(true, Ordering::Release);
        }
    }

    #[tokio::test]
    async fn shutdown_wakes_idle_connections_and_waits_for_them() {
        let graceful = Graceful::default();
        let told: Vec<_> = (0..3).map(|_| Arc::new(AtomicBool::new(false))).collect();
        let tasks: Vec<_> = told
            .iter()
            .map(|t| tokio::spawn(graceful.watch(Idle(t.clone()))))
            .collect();
        // A connection not polled yet is counted as well.
        let unpolled = Arc::new(AtomicBool::new(false));
        let late = graceful.watch(Idle(unpolled.clone()));
        tokio::task::yield_now().await;
        let shutdown = tokio::spawn(graceful.shutdown());
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!shutdown.is_finished(), "waits for the unpolled connection");
        late.await.unwrap();
        tokio::time::timeout(Duration::from_secs(5), shutdown)
            .await
            .expect("shutdown ends once every connection has closed")
            .unwrap();
        for (task, told) in tasks.into_iter().zip(&told) {
            task.await.unwrap().unwrap();
            assert!(told.load(Ordering::Acquire));
        }
        assert!(unpolled.load(Ordering::Acquire));
    }

    #[tokio::test]
    async fn shutdown_with_no_connection_returns_at_once() {
        tokio::time::timeout(Duration::from_secs(1), Graceful::default().shutdown())
            .await
            .expect("nothing to wait for");
    }
}
