//! Django's URL dispatcher: the patterns that `urlpatterns!` generates, resolution of a path
//! to a view, and reverse lookups (`reverse`, and the code behind `url!`).

pub mod converters;
mod matcher;
pub(crate) mod reverse;
mod view;

use std::future::Future;
use std::sync::OnceLock;

pub use crate::http::decode_path;
pub use converters::{Converter, FromPathParam, ToUrl};
pub use matcher::match_segments;
pub use reverse::{NoReverseMatch, quote, reverse, reverse_kwargs, reverse_with};
pub use view::{Called, View};

use crate::http::{Request, Response, SharedPath};

/// A URLconf module: what `urlpatterns!` generates as the module's `UrlConf` type.
pub trait UrlConf: 'static {
    /// A matched route with its typed parameters, ready to call.
    type Match: Send + 'static;
    /// The module's `app!` name, if any.
    const APP_NAME: Option<&'static str>;
    /// The patterns in order, for resolution, reverse lookups and the debug 404 page.
    fn patterns() -> &'static [Pattern];
    /// Resolves `path` (without its leading `/`), recording the route in `rm`.
    fn resolve(path: &str, rm: &mut ResolverMatch) -> Option<Self::Match>;
    /// Calls the matched view: a plain `fn` view's response, or an `async fn` view's future
    /// boxed at its own size (an include hands on its module's), so that a small view does
    /// not pay for the project's largest.
    fn dispatch(m: Self::Match, request: &mut Request) -> Dispatch<'_>;
}

/// What [`UrlConf::dispatch`] returns: what calling the view gave, its future (if any)
/// boxed at its own size.
pub type Dispatch<'a> = Called<std::pin::Pin<Box<dyn Future<Output = Response> + Send + 'a>>>;

impl<'a> Dispatch<'a> {
    /// Calls `view`: what a `urlpatterns!` route's dispatch arm does.
    pub fn call<V: View>(view: V, request: &'a mut Request) -> Self {
        match view.call(request) {
            Called::Now(response) => Called::Now(response),
            Called::Later(future) => Called::Later(Box::pin(future)),
        }
    }
}

/// One `path()` entry of a URLconf.
#[derive(Debug)]
pub struct Pattern {
    /// The route as written: `"hello/<str:name>"`.
    pub route: &'static str,
    /// The route split into literal text and captures.
    pub segments: &'static [Segment],
    /// `name = "…"`.
    pub name: Option<&'static str>,
    /// A view or an included URLconf.
    pub target: Target,
}

/// What a pattern leads to.
#[derive(Debug)]
pub enum Target {
    /// A view function.
    View {
        /// Its path, e.g. `demo::hello::views::greet`.
        view: &'static str,
        /// Whether CSRF checks are skipped for it.
        csrf_exempt: bool,
    },
    /// Another URLconf mounted under the route.
    Include {
        /// Its `app!` name (its namespace), if any.
        app_name: Option<&'static str>,
        /// Its patterns.
        patterns: fn() -> &'static [Pattern],
    },
}

/// A piece of a route.
#[derive(Debug)]
pub enum Segment {
    /// Text that must be there as written.
    Literal(&'static str),
    /// `<converter:name>`.
    Capture {
        /// The parameter name.
        name: &'static str,
        /// The converter that matches it.
        converter: ConverterRef,
    },
}

/// A converter as data, so that static pattern tables can hold it.
#[derive(Debug, Clone, Copy)]
pub struct ConverterRef {
    /// The name used in routes (`int`).
    pub name: &'static str,
    /// Django's regex, for messages.
    pub regex: &'static str,
    /// Whether it may match `/`.
    pub spans_slashes: bool,
    /// The match test.
    pub matches: fn(&str) -> bool,
}

impl ConverterRef {
    /// The data of converter `C` registered as `name`.
    pub const fn of<C: Converter>(name: &'static str) -> Self {
        ConverterRef {
            name,
            regex: C::REGEX,
            spans_slashes: C::SPANS_SLASHES,
            matches: C::matches,
        }
    }
}

const MAX_DEPTH: usize = 8;

/// The most captures one route may have (`urlpatterns!` refuses more).
pub const MAX_CAPTURES: usize = 16;

/// What resolution found (Django's `ResolverMatch`).
#[derive(Debug, Clone)]
pub struct ResolverMatch {
    chain: [Option<&'static Pattern>; MAX_DEPTH],
    depth: usize,
    /// The path the captures are in, shared with the request (not copied).
    path: Option<SharedPath>,
    caps: [(u32, u32); MAX_CAPTURES],
    ncaps: usize,
}

impl Default for ResolverMatch {
    fn default() -> Self {
        ResolverMatch {
            chain: [None; MAX_DEPTH],
            depth: 0,
            path: None,
            caps: [(0, 0); MAX_CAPTURES],
            ncaps: 0,
        }
    }
}

impl ResolverMatch {
    /// A match about to be made for `path`: captures will point into it without copying.
    pub(crate) fn for_path(path: SharedPath) -> Self {
        ResolverMatch {
            path: Some(path),
            ..ResolverMatch::default()
        }
    }

    /// Records that `pattern` matched; returns the depth to truncate back to on failure.
    #[doc(hidden)]
    pub fn push(&mut self, pattern: &'static Pattern) -> usize {
        let before = self.depth;
        if self.depth < MAX_DEPTH {
            self.chain[self.depth] = Some(pattern);
        }
        self.depth += 1;
        before
    }

    /// Records where the endpoint's captures are in `path`, a slice of the path given to
    /// [`ResolverMatch::for_path`] (copied only when it is not one).
    #[doc(hidden)]
    pub fn capture(&mut self, path: &str, caps: &[(usize, usize)]) {
        if caps.is_empty() {
            return;
        }
        let base = match &self.path {
            Some(full) => {
                let (start, sub) = (full.as_ptr() as usize, path.as_ptr() as usize);
                (sub >= start && sub + path.len() <= start + full.len()).then(|| sub - start)
            }
            None => None,
        };
        let base = base.unwrap_or_else(|| {
            self.path = Some(SharedPath::from(path));
            0
        });
        self.ncaps = caps.len().min(MAX_CAPTURES);
        for (slot, &(a, b)) in self.caps.iter_mut().zip(caps) {
            *slot = ((base + a) as u32, (base + b) as u32);
        }
    }

    /// Forgets patterns recorded after `depth` (an include whose children did not match).
    #[doc(hidden)]
    pub fn truncate(&mut self, depth: usize) {
        for slot in self
            .chain
            .iter_mut()
            .take(self.depth.min(MAX_DEPTH))
            .skip(depth)
        {
            *slot = None;
        }
        self.depth = depth;
    }

    fn patterns(&self) -> impl Iterator<Item = &'static Pattern> + '_ {
        self.chain.iter().flatten().copied()
    }

    fn endpoint(&self) -> Option<&'static Pattern> {
        self.patterns().last()
    }

    /// The route's `name`, e.g. `"greet"`.
    pub fn url_name(&self) -> Option<&'static str> {
        self.endpoint()?.name
    }

    /// The full route, e.g. `"hello/<str:name>"`.
    pub fn route(&self) -> String {
        self.patterns().map(|p| p.route).collect()
    }

    /// The namespaces crossed, outermost first (`["tasks"]`).
    pub fn namespaces(&self) -> Vec<&'static str> {
        self.patterns()
            .filter_map(|p| match p.target {
                Target::Include { app_name, .. } => app_name,
                Target::View { .. } => None,
            })
            .collect()
    }

    /// The namespaces joined with `:` (`"tasks"`).
    pub fn namespace(&self) -> String {
        self.namespaces().join(":")
    }

    /// `"tasks:add"`: the name a reverse lookup would use.
    pub fn view_name(&self) -> String {
        let mut parts = self.namespaces();
        parts.extend(self.url_name());
        parts.join(":")
    }

    /// The view function's path (Django's `_func_path`).
    pub fn func(&self) -> &'static str {
        match self.endpoint().map(|p| &p.target) {
            Some(Target::View { view, .. }) => view,
            _ => "",
        }
    }

    /// Whether the view skips CSRF checks.
    pub fn csrf_exempt(&self) -> bool {
        matches!(
            self.endpoint().map(|p| &p.target),
            Some(Target::View {
                csrf_exempt: true,
                ..
            })
        )
    }

    /// The captured texts by parameter name (Django's `kwargs`, before conversion).
    pub fn kwargs(&self) -> Vec<(&'static str, &str)> {
        let (Some(pattern), Some(path)) = (self.endpoint(), self.path.as_deref()) else {
            return Vec::new();
        };
        let names = pattern.segments.iter().filter_map(|s| match s {
            Segment::Capture { name, .. } => Some(*name),
            Segment::Literal(_) => None,
        });
        names
            .zip(&self.caps[..self.ncaps])
            .map(|(n, &(a, b))| (n, &path[a as usize..b as usize]))
            .collect()
    }
}

/// The project's root URLconf, installed once at start (Django's ROOT_URLCONF).
struct Root {
    patterns: &'static [Pattern],
    resolve: fn(&str) -> Option<ResolverMatch>,
}

static ROOT: OnceLock<Root> = OnceLock::new();

fn resolve_with<U: UrlConf>(path: &str) -> Option<ResolverMatch> {
    let path = SharedPath::from(path);
    let mut rm = ResolverMatch::for_path(path.clone());
    U::resolve(path.strip_prefix('/').unwrap_or(&path), &mut rm).map(|_| rm)
}

/// Makes `U` the root URLconf for [`reverse`] and [`resolve`]. The first call wins.
pub fn set_root_urlconf<U: UrlConf>() {
    let _ = ROOT.set(Root {
        patterns: U::patterns(),
        resolve: resolve_with::<U>,
    });
}

pub(crate) fn root_patterns() -> &'static [Pattern] {
    ROOT.get().map_or(&[], |r| r.patterns)
}

/// Which view `path` leads to (Django's `resolve()`); `None` is a 404.
pub fn resolve(path: &str) -> Option<ResolverMatch> {
    (ROOT.get()?.resolve)(path)
}

impl Request {
    /// Which route matched: view, route, names (Django's `request.resolver_match`).
    pub fn resolver_match(&self) -> Option<&ResolverMatch> {
        self.attached()
    }

    /// Resolves the request's path with `resolve`, which fills a resolver match (its
    /// captures point into the path, which it shares); kept on the request when it matched.
    pub(crate) fn resolve_with<R>(
        &mut self,
        resolve: impl FnOnce(&str, &mut ResolverMatch) -> Option<R>,
    ) -> Option<R> {
        let mut rm = ResolverMatch::for_path(self.shared_path());
        let matched = resolve(self.path(), &mut rm);
        if matched.is_some() {
            self.attach(rm);
        }
        matched
    }
}

/// One endpoint of a URLconf tree, flattened (for `showurls`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The full route: `"hello/<str:name>"`.
    pub route: String,
    /// The view function's path.
    pub view: &'static str,
    /// The name with its namespaces (`"hello:greet"`), empty when unnamed.
    pub name: String,
}

/// Every endpoint below `patterns`, in order.
pub fn flatten(patterns: &'static [Pattern]) -> Vec<Endpoint> {
    fn walk(patterns: &'static [Pattern], prefix: &str, ns: &str, out: &mut Vec<Endpoint>) {
        for p in patterns {
            let route = format!("{prefix}{}", p.route);
            match &p.target {
                Target::View { view, .. } => {
                    let name = p.name.map(|n| format!("{ns}{n}")).unwrap_or_default();
                    out.push(Endpoint { route, view, name });
                }
                Target::Include { app_name, patterns } => {
                    let ns = match app_name {
                        Some(a) => format!("{ns}{a}:"),
                        None => ns.to_owned(),
                    };
                    walk(patterns(), &route, &ns, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(patterns, "", "", &mut out);
    out
}
