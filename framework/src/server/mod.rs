//! The HTTP server: hyper 1 (HTTP/1.1 and h2c on one port) on tokio, with limits on header
//! size and header time (slowloris), one access-log line per request as runserver prints
//! it, and graceful shutdown on SIGINT/SIGTERM.

mod graceful;
mod idle;
mod linger;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http_body::Body as _;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

use crate::http::{Body, Response};
use crate::log::targets;
use crate::middleware::BoxFuture;
use crate::settings::Settings;
use crate::timezone::civil;
use graceful::Graceful;
use idle::{IdleTimeout, InFlight};
use linger::{LingerLimits, Lingering, Tracked, UnreadBody};

use crate::timezone::MONTH_NAMES as MONTHS;

/// `25/Nov/2026 11:22:25`, the access log's time.
fn log_time(now: SystemTime) -> String {
    let (y, mo, d, h, mi, s) = civil(now);
    let month = &MONTHS[(mo - 1) as usize][..3];
    format!("{d:02}/{month}/{y} {h:02}:{mi:02}:{s:02}")
}

/// `November 25, 2026 - 11:22:22`, the runserver banner's time.
pub(crate) fn banner_time(now: SystemTime) -> String {
    let (y, mo, d, h, mi, s) = civil(now);
    format!(
        "{} {d:02}, {y} - {h:02}:{mi:02}:{s:02}",
        MONTHS[(mo - 1) as usize]
    )
}

/// How the server behaves, from the settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Print one line per request on stderr.
    pub access_log: bool,
    /// Time allowed for the request headers.
    pub header_timeout: Duration,
    /// Largest request head, in bytes.
    pub max_header_size: usize,
    /// Time in-flight requests get on shutdown.
    pub shutdown_timeout: Duration,
    /// Longest a closing connection drains a request body it did not read.
    pub lingering_timeout: Duration,
    /// Most bytes a closing connection drains.
    pub lingering_max_size: usize,
}

impl ServerConfig {
    /// The configuration the settings ask for.
    pub fn from_settings(settings: &Settings) -> Self {
        ServerConfig {
            access_log: true,
            header_timeout: Duration::from_secs(settings.request_header_timeout.max(1)),
            // hyper refuses buffers under 8 KiB.
            max_header_size: settings.max_header_size.max(8192),
            shutdown_timeout: Duration::from_secs(settings.shutdown_timeout),
            lingering_timeout: Duration::from_secs(settings.lingering_close_timeout),
            lingering_max_size: usize::try_from(settings.lingering_close_max_size)
                .unwrap_or(usize::MAX),
        }
    }
}

/// Resolves when the process is asked to stop (SIGINT or SIGTERM).
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// What the server answers requests with: the project's whole stack.
pub type App = Arc<dyn Fn(http::Request<Body>) -> BoxFuture<'static, Response> + Send + Sync>;

/// Answers one request: the project's response, logged when `log`; `guard` counts it as in
/// flight until then.
fn handle(
    app: &App,
    req: http::Request<Incoming>,
    log: bool,
    guard: idle::InFlightGuard,
    unread: &UnreadBody,
) -> impl Future<Output = Result<Response, Infallible>> + Send + use<> {
    let line = log.then(|| {
        format!(
            "\"{} {} {:?}\"",
            req.method(),
            req.uri().path_and_query().map_or("/", |p| p.as_str()),
            req.version()
        )
    });
    // A request without a body (most GETs) carries none: no boxed stream to allocate.
    let req = req.map(|incoming| {
        let has_body = !incoming.is_end_stream();
        unread.request_started(has_body);
        if has_body {
            Body::new(Tracked::new(incoming, unread.clone()))
        } else {
            Body::empty()
        }
    });
    let response = app(req);
    async move {
        let response = response.await;
        drop(guard);
        if let Some(line) = line {
            let size = response.body().size_hint().exact().unwrap_or(0);
            tracing::info!(
                target: targets::REQUEST,
                "[{}] {line} {} {size}",
                log_time(SystemTime::now()),
                response.status().as_u16()
            );
        }
        Ok(response)
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets in-flight requests finish
/// (within the shutdown timeout) and returns.
pub async fn serve(
    listener: TcpListener,
    app: App,
    config: ServerConfig,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // The header deadline is kept by `IdleTimeout` (one timer per idle period, not hyper's
    // boxed one per request).
    builder.http1().max_buf_size(config.max_header_size);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(config.max_header_size).unwrap_or(u32::MAX));
    let builder = Arc::new(builder);
    let graceful = Graceful::default();
    tokio::pin!(shutdown);
    loop {
        let (stream, _peer): (_, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::error!(target: targets::SERVER, "accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let log = config.access_log;
        let in_flight = InFlight::default();
        let unread = UnreadBody::default();
        let limits = LingerLimits {
            time: config.lingering_timeout,
            bytes: config.lingering_max_size,
        };
        let io = Lingering::new(stream, unread.clone(), limits);
        let io = IdleTimeout::new(io, in_flight.clone(), config.header_timeout);
        let hyper_service = hyper::service::service_fn(move |req| {
            handle(&app, req, log, in_flight.start(), &unread)
        });
        let conn = builder.serve_connection(TokioIo::new(io), hyper_service);
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    if tokio::time::timeout(config.shutdown_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            target: targets::SERVER,
            "Shutdown timed out after {}s; closing the remaining connections.",
            config.shutdown_timeout.as_secs()
        );
    }
}
