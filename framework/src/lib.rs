//! manouche: Django's way of building a web site, in Rust, with the compiler checking the URLs.
//!
//! A project is a root URLconf (`urlpatterns!`), views (`#[view]`), apps with namespaces
//! (`app!`), and compile-time checked reverse lookups (`url!`). Its binary is its `manage.py`:
//! see [`Project`]. The book walks through all of it.

// The macros name `::manouche`, inside this crate too (its own migrations).
extern crate self as manouche;

pub mod auth;
pub mod csrf;
pub mod db;
pub mod error;
pub mod files;
pub mod forms;
pub mod html;
pub mod http;
pub mod log;
pub mod management;
pub mod messages;
pub mod middleware;
mod project;
mod python;
pub mod server;
pub mod sessions;
pub mod settings;
pub mod signing;
pub mod staticfiles;
pub mod templates;
pub mod test;
pub mod timezone;
pub mod urls;
pub mod views;

/// diesel, the version manouche is built with, for a view's queries
/// (`use manouche::diesel::prelude::*`). diesel's own macros (`table!`, its derives) name the
/// `diesel` crate, so a project that declares tables also lists `diesel = "2.3"` in its
/// `Cargo.toml`; Cargo then builds the one version for both.
pub use diesel;
pub use error::{BadRequest, Error, ErrorKind, Http404, PermissionDenied, Result};
pub use forms::{Bound, Choices, Form};
pub use http::{
    Html, IntoResponse, Json, Method, Request, Response, StatusCode, permanent_redirect, redirect,
};
pub use manouche_macros::{
    Choices, Form, Model, Template, app, app_config, migrations, test, url, urlpatterns, view,
};
pub use project::{Project, ProjectService};
/// serde_json, for a JSON view's values (`Json(manouche::serde_json::json!({…}))`).
pub use serde_json;
pub use settings::Settings;
pub use templates::render;
// The askama trait by glob, so that the derive imported by name above wins the macro
// namespace even when another crate in the build turns on askama's own derive.
pub use templates::trait_only::*;
pub use urls::{NoReverseMatch, reverse, reverse_kwargs, reverse_with};

/// What a views module needs: `use manouche::prelude::*;`.
pub mod prelude {
    pub use crate::db::OrNotFound as _;
    pub use crate::error::{BadRequest, Error, ErrorKind, Http404, PermissionDenied, Result};
    pub use crate::forms::{Bound, Form as _};
    pub use crate::http::{
        Html, IntoResponse, Json, Method, Request, Response, StatusCode, permanent_redirect,
        redirect,
    };
    pub use crate::templates::render;
    pub use crate::{Form, Model, Template, url, view};
}

/// What the macros expand into. Not part of the API: it changes with the macros.
#[doc(hidden)]
pub mod __private {
    pub use crate::__static_page_url as static_page_url;
    pub use crate::http::IntoResponse;
    pub use crate::templates::{
        DjangoHtml, ReversedUrl, StaticUrl, StaticUrlCache, csrf_input, request_full_path,
        request_method, request_path, static_url,
    };
    pub use crate::urls::converters;
    pub use crate::urls::reverse::{UrlArg, UrlPiece, build_url};
    pub use crate::urls::{
        ConverterRef, Dispatch, MAX_CAPTURES, Pattern, ResolverMatch, Segment, Target, UrlConf,
        match_segments,
    };
    pub use crate::views::{Called, View};
    pub use askama;
    pub use diesel_migrations;
    pub use serde_json;

    /// What compiled templates call.
    pub mod tpl {
        pub use crate::templates::Value;
        pub use crate::templates::filters;
        pub use crate::templates::runtime::*;
        pub use crate::templates::{current_user, messages};
    }

    /// `{% url … as var %}`.
    pub fn url_or_empty(url: impl crate::templates::UrlOrEmpty) -> String {
        url.url_or_empty()
    }
    pub use manouche_macros::{__url_lookup, __urlconf_step};

    use crate::urls::{Converter, FromPathParam, ToUrl};

    /// How many `/` a path has: routes whose captures cannot hold `/` need exactly theirs.
    #[inline]
    pub fn count_slashes(path: &str) -> usize {
        path.bytes().filter(|&b| b == b'/').count()
    }

    /// Converts a capture for a view parameter whose type is inferred.
    #[inline]
    pub fn from_path_param<C: Converter, T: FromPathParam<C>>(value: &str) -> Option<T> {
        T::from_path_param(value)
    }

    /// One argument of `url!`, through its converter.
    #[inline]
    pub fn url_arg<'a, C: Converter, T: ToUrl<C> + ?Sized>(
        name: &'static str,
        value: &'a T,
        is_int: bool,
    ) -> UrlArg<'a> {
        let text = value.to_url();
        let matches = C::matches(&text);
        UrlArg {
            name,
            text,
            matches,
            is_int,
        }
    }
}
