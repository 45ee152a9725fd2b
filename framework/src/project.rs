//! A project: its folder, its root URLconf, its commands and its middleware stack — what
//! Django spreads over manage.py, settings.py and ROOT_URLCONF.

use std::convert::Infallible;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use std::task::{Context, Poll};

use tower_layer::Layer;
use tower_service::Service;

use crate::http::{Body, BoxError, Response};
use crate::middleware::BoxFuture;
use crate::middleware::stack::Stack;
use crate::middleware::{
    AllowedHostsMiddleware, CommonMiddleware, CsrfMiddleware, DynMiddleware, Middleware,
    SecurityMiddleware, SessionMiddleware,
};
use crate::sessions::SessionStore;
use crate::settings::{ImproperlyConfigured, Settings};
use crate::urls::{ResolverMatch, UrlConf};
use crate::views::{ErrorHandler, ErrorHandlers};

/// The settings a request carries in its extensions (put there by `with_settings` when the
/// project's tower layers stand outside), or the defaults.
fn settings_of<B>(req: &http::Request<B>) -> Arc<Settings> {
    req.extensions()
        .get::<Arc<Settings>>()
        .cloned()
        .unwrap_or_default()
}

/// The service a project serves: every layer and the views behind them. A tower service;
/// cloning it only counts a reference, and each request is one boxed future.
#[derive(Clone)]
pub struct ProjectService {
    respond: Arc<Respond>,
    settings: Option<Arc<Settings>>,
}

type Respond = dyn Fn(http::Request<Body>, Option<Arc<Settings>>) -> BoxFuture<'static, Response>
    + Send
    + Sync;

impl std::fmt::Debug for ProjectService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectService").finish_non_exhaustive()
    }
}

impl ProjectService {
    fn from_fn(
        respond: impl Fn(http::Request<Body>, Option<Arc<Settings>>) -> BoxFuture<'static, Response>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        ProjectService {
            respond: Arc::new(respond),
            settings: None,
        }
    }

    /// The service with these settings for every request. Without, a request's settings are
    /// the `Arc<Settings>` in its extensions, or the defaults.
    pub fn with_settings(mut self, settings: Arc<Settings>) -> Self {
        self.settings = Some(settings);
        self
    }

    /// A tower service, called as tower services are: a clone per request, made ready first.
    fn from_tower<S>(service: S) -> Self
    where
        S: Service<http::Request<Body>, Response = Response, Error = Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        ProjectService::from_fn(move |mut req, settings| {
            if let Some(settings) = settings {
                req.extensions_mut().insert(settings);
            }
            let service = service.clone();
            Box::pin(async move {
                match tower::ServiceExt::oneshot(service, req).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            })
        })
    }

    /// Answers one request.
    pub fn respond(&self, req: http::Request<Body>) -> BoxFuture<'static, Response> {
        (self.respond)(req, self.settings.clone())
    }
}

impl Service<http::Request<Body>> for ProjectService {
    type Response = Response;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> ResponseFuture {
        ResponseFuture(self.respond(req))
    }
}

/// The future of [`ProjectService`]'s answer, as tower wants it.
pub struct ResponseFuture(BoxFuture<'static, Response>);

impl std::future::Future for ResponseFuture {
    type Output = Result<Response, Infallible>;
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.as_mut().poll(cx).map(Ok)
    }
}

type UserLayer = Arc<dyn Fn(ProjectService) -> ProjectService + Send + Sync>;

/// A manouche project with root URLconf `U`:
///
/// ```no_run
/// mod urls {
///     manouche::urlpatterns! {}
/// }
///
/// fn main() -> std::process::ExitCode {
///     manouche::Project::<urls::UrlConf>::new(env!("CARGO_MANIFEST_DIR")).execute_from_command_line()
/// }
/// ```
pub struct Project<U> {
    base_dir: PathBuf,
    pub(crate) commands: Vec<Command>,
    layers: Vec<UserLayer>,
    middleware: Vec<Arc<dyn DynMiddleware>>,
    handlers: ErrorHandlers,
    session_store: Option<Arc<dyn SessionStore>>,
    app_migrations: Vec<crate::db::migrations::AppMigrations>,
    apps: Vec<&'static crate::db::AppConfig>,
    _urlconf: PhantomData<fn() -> U>,
}

fn resolves<U: UrlConf>(path: &str) -> bool {
    let mut rm = ResolverMatch::default();
    U::resolve(path.strip_prefix('/').unwrap_or(path), &mut rm).is_some()
}

impl<U: UrlConf> Project<U> {
    /// The project whose `settings.toml` is in `base_dir` (use `env!("CARGO_MANIFEST_DIR")`;
    /// the `MANOUCHE_BASE_DIR` variable moves it, e.g. for a deployed binary).
    pub fn new(base_dir: impl Into<PathBuf>) -> Self {
        let base_dir = std::env::var_os("MANOUCHE_BASE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| base_dir.into());
        Project {
            base_dir,
            commands: Vec::new(),
            layers: Vec::new(),
            middleware: Vec::new(),
            handlers: ErrorHandlers::default(),
            session_store: None,
            app_migrations: Vec::new(),
            apps: Vec::new(),
            _urlconf: PhantomData,
        }
    }

    /// The project folder.
    pub fn base_dir(&self) -> &std::path::Path {
        &self.base_dir
    }

    /// The migrations `migrate` applies: the framework's apps' (auth, sessions), then the
    /// project's own, in the order they were added.
    pub fn migrations(&self) -> Vec<crate::db::migrations::AppMigrations> {
        let mut all = crate::db::migrations::BUILTIN.to_vec();
        all.extend(self.app_migrations.iter().copied());
        all
    }

    /// Adds an app's own migrations (its tables), applied by `migrate` after the framework's,
    /// as Django's INSTALLED_APPS adds an app's `migrations/` folder:
    /// `.app_migrations("catalog", |_| manouche::migrations!("src/catalog/migrations"))`.
    /// The function gets the database's backend, for SQL that differs between them.
    pub fn app_migrations(
        mut self,
        app: &'static str,
        source: fn(crate::db::Backend) -> crate::db::migrations::Migrations,
    ) -> Self {
        self.app_migrations
            .push(crate::db::migrations::AppMigrations { app, source });
        self
    }

    /// Installs an app with models (Django's INSTALLED_APPS): `.app(&flights::CONFIG)`, the
    /// `CONFIG` that `app_config!` makes in the app's `mod.rs`. `migrate` applies its
    /// migrations after those of the apps installed before it, and `makemigrations` writes
    /// them. An app whose models point at another app's comes after that app.
    pub fn app(mut self, config: &'static crate::db::AppConfig) -> Self {
        self.app_migrations
            .push(crate::db::migrations::AppMigrations {
                app: config.name,
                source: config.migrations.source,
            });
        self.apps.push(config);
        self
    }

    /// The apps installed with [`Project::app`], in order.
    pub fn apps(&self) -> &[&'static crate::db::AppConfig] {
        &self.apps
    }

    /// Loads the settings (settings.toml, then the environment).
    pub fn settings(&self) -> Result<Settings, ImproperlyConfigured> {
        Settings::load(&self.base_dir)
    }

    /// Adds a management command (`cargo run -- NAME args…`).
    pub fn command(
        mut self,
        name: &'static str,
        help: &'static str,
        run: fn(&[String]) -> Result<(), CommandError>,
    ) -> Self {
        self.commands.push(Command { name, help, run });
        self
    }

    /// Keeps sessions in `store` instead of the one SESSION_ENGINE names.
    pub fn session_store(mut self, store: Arc<dyn SessionStore>) -> Self {
        self.session_store = Some(store);
        self
    }

    /// The page for 404s with DEBUG off (Django's `handler404`), e.g. the project's
    /// `404.html` rendered with `request_path` and `exception`.
    pub fn handler404(mut self, handler: ErrorHandler) -> Self {
        self.handlers.page_not_found = Some(handler);
        self
    }

    /// The page for 500s with DEBUG off (Django's `handler500`).
    pub fn handler500(mut self, handler: ErrorHandler) -> Self {
        self.handlers.server_error = Some(handler);
        self
    }

    /// The page for 403s with DEBUG off (Django's `handler403`).
    pub fn handler403(mut self, handler: ErrorHandler) -> Self {
        self.handlers.permission_denied = Some(handler);
        self
    }

    /// The page for a failed CSRF check (Django's CSRF_FAILURE_VIEW); its context's
    /// `exception` is the reason.
    pub fn csrf_failure(mut self, handler: ErrorHandler) -> Self {
        self.handlers.csrf_failure = Some(handler);
        self
    }

    /// The page for 400s raised by views with DEBUG off (Django's `handler400`).
    pub fn handler400(mut self, handler: ErrorHandler) -> Self {
        self.handlers.bad_request = Some(handler);
        self
    }

    /// Adds a middleware of the project's own after the built-in ones, as a line of Django's
    /// MIDDLEWARE: its `process_request` runs after theirs, its `process_response` before.
    pub fn middleware(mut self, middleware: impl Middleware) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// Adds a tower layer around the whole stack, from outside (as axum's `Router::layer`):
    /// any tower-http layer fits. Each layer added wraps those added before.
    pub fn layer<L, S, B>(mut self, layer: L) -> Self
    where
        L: Layer<ProjectService, Service = S> + Send + Sync + 'static,
        S: Service<http::Request<Body>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Error: Into<BoxError>,
        S::Future: Send + 'static,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        self.layers.push(Arc::new(move |inner| {
            ProjectService::from_tower(Infallibly(layer.layer(inner)))
        }));
        self
    }

    /// The whole stack: the project's tower layers around the middleware in Django's order
    /// (security → allowed hosts → sessions → common → CSRF → the project's own) around the
    /// views.
    pub fn service(&self) -> ProjectService {
        crate::urls::set_root_urlconf::<U>();
        crate::views::install_hook();
        let stack = Arc::new(Stack::<U> {
            security: SecurityMiddleware::default(),
            hosts: AllowedHostsMiddleware,
            session: match &self.session_store {
                Some(store) => SessionMiddleware::with_store(store.clone()),
                None => SessionMiddleware::new(),
            },
            common: CommonMiddleware::new(resolves::<U>),
            csrf: CsrfMiddleware::new(self.handlers.csrf_failure),
            auth: crate::middleware::AuthenticationMiddleware,
            messages: crate::middleware::MessageMiddleware,
            own: self.middleware.clone(),
            handlers: self.handlers,
            urlconf: PhantomData,
        });
        let mut service = ProjectService::from_fn(move |req, settings| {
            let settings = settings.unwrap_or_else(|| settings_of(&req));
            Box::pin(stack.respond(req, settings))
        });
        for layer in &self.layers {
            service = layer(service);
        }
        service
    }
}

/// A user layer's service whose errors become 500 pages and whose body becomes ours.
#[derive(Clone)]
struct Infallibly<S>(S);

fn layer_failure(e: BoxError) -> Response {
    tracing::error!(
        target: crate::log::targets::ERROR,
        "Internal Server Error: a middleware layer failed: {e}"
    );
    let mut r = Response::new(Body::from(crate::views::defaults::page_for(
        http::StatusCode::INTERNAL_SERVER_ERROR,
    )));
    *r.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
    r
}

impl<S, B> Service<http::Request<Body>> for Infallibly<S>
where
    S: Service<http::Request<Body>, Response = http::Response<B>>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // A layer that cannot take requests (a failed rate limiter, say) answers each with a
        // 500 from `call` instead.
        self.0.poll_ready(cx).map(|_| Ok(()))
    }

    fn call(&mut self, req: http::Request<Body>) -> Self::Future {
        let fut = self.0.call(req);
        Box::pin(async move {
            Ok(match fut.await {
                Ok(response) => response.map(Body::new),
                Err(e) => layer_failure(e.into()),
            })
        })
    }
}

/// A command failed; printed as Django prints it: `CommandError: …`, exit status 1.
#[derive(Debug)]
pub struct CommandError(pub String);

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CommandError {}

impl From<crate::settings::ImproperlyConfigured> for CommandError {
    fn from(e: crate::settings::ImproperlyConfigured) -> Self {
        CommandError(e.0)
    }
}

/// A project's own command.
#[derive(Debug, Clone)]
pub struct Command {
    /// What is typed after the binary's name.
    pub name: &'static str,
    /// One line for `help`.
    pub help: &'static str,
    /// The work; it gets the arguments after the name.
    pub run: fn(&[String]) -> Result<(), CommandError>,
}
