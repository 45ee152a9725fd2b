//! Static files (Django's `django.contrib.staticfiles`). With DEBUG on, `STATIC_URL<path>` is
//! served from the project's `static/` and each app's `src/<app>/static/`, first found wins,
//! and MEDIA_URL from MEDIA_ROOT. For production, [`collect`] gathers them into STATIC_ROOT
//! with hashed names and a manifest that `{% static %}` then follows; the server serves
//! STATIC_ROOT itself when set. Paths that try to leave a folder get a 404.

pub mod collect;
mod hashing;
pub mod manifest;
mod serve;

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, ErrorKind};
use crate::http::Response;
use crate::settings::Settings;

/// The folders searched, in order.
pub fn static_dirs(base: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![base.join("static")];
    let mut apps: Vec<PathBuf> = std::fs::read_dir(base.join("src"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path().join("static"))
                .collect()
        })
        .unwrap_or_default();
    apps.sort();
    dirs.extend(apps);
    dirs.retain(|d| d.is_dir());
    dirs
}

/// The path under STATIC_URL, when `path` is one; `None` otherwise.
pub(crate) fn static_path<'a>(settings: &Settings, path: &'a str) -> Option<&'a str> {
    under_prefix(&settings.static_url, path)
}

/// The path under MEDIA_URL, when `path` is one; `None` otherwise.
pub(crate) fn media_path<'a>(settings: &Settings, path: &'a str) -> Option<&'a str> {
    under_prefix(&settings.media_url, path)
}

fn under_prefix<'a>(prefix: &str, path: &'a str) -> Option<&'a str> {
    let prefix = prefix.trim_start_matches('/');
    if prefix.is_empty() || prefix.contains("://") {
        return None;
    }
    path.strip_prefix('/')?.strip_prefix(prefix)
}

/// STATIC_URL as an absolute path prefix (`static/` → `/static/`), as Django's settings give
/// it once the script prefix is added.
pub(crate) fn absolute_static_url(settings: &Settings) -> String {
    let url = &settings.static_url;
    let mut out = if url.starts_with('/') || url.contains("://") {
        url.clone()
    } else {
        format!("/{url}")
    };
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The name `{% static %}` links to: the hashed name from the manifest with DEBUG off (when
/// STATIC_ROOT is set and collectstatic made one), else the name itself.
pub(crate) fn stored_name<'a>(settings: &'a Settings, name: &'a str) -> &'a str {
    if settings.debug {
        return name;
    }
    match settings.static_manifest() {
        Some(manifest) => manifest.get(name.trim_start_matches('/')).unwrap_or(name),
        None => name,
    }
}

/// Where the file a path names is served from, decided before anything is read.
#[derive(Debug)]
pub(crate) enum FileRoute<'a> {
    /// DEBUG on: the first static folder that has it.
    Static(&'a str),
    /// DEBUG off, STATIC_ROOT set: what collectstatic gathered there.
    Collected(PathBuf, &'a str),
    /// DEBUG on: an upload in MEDIA_ROOT.
    Media(&'a str),
}

/// The file `path` names: under STATIC_URL (with DEBUG on, or from STATIC_ROOT when set) or
/// MEDIA_URL (DEBUG on); `None` for a path that is a view's.
pub(crate) fn route<'a>(settings: &Settings, path: &'a str) -> Option<FileRoute<'a>> {
    if let Some(rel) = static_path(settings, path) {
        if settings.debug {
            return Some(FileRoute::Static(rel));
        }
        if let Some(root) = settings.static_root_path() {
            return Some(FileRoute::Collected(root, rel));
        }
    }
    if settings.debug
        && let Some(rel) = media_path(settings, path)
    {
        return Some(FileRoute::Media(rel));
    }
    None
}

/// The answer for a routed file: a static folder's and MEDIA_ROOT's files are revalidated
/// on every load (they change while developing); STATIC_ROOT's hashed names are cached for
/// a year, its others for a minute.
pub(crate) async fn respond(route: FileRoute<'_>, request: &crate::http::Request) -> Response {
    use crate::http::IntoResponse;
    let settings = request.settings();
    let served = match route {
        FileRoute::Static(rel) => match safe_relative(rel).and_then(|r| find(settings, &r)) {
            Some(root) => serve::serve_from(&root, rel, request, serve::Caching::Revalidate).await,
            None => Err(Error::new(
                ErrorKind::NotFound,
                format!("“{rel}” could not be found"),
            )),
        },
        FileRoute::Collected(root, rel) => {
            let caching = match settings.static_manifest() {
                Some(manifest) if manifest.is_hashed(rel) => serve::Caching::Forever,
                _ => serve::Caching::Briefly,
            };
            serve::serve_from(&root, rel, request, caching).await
        }
        FileRoute::Media(rel) => {
            let root = settings.media_root_path();
            serve::serve_from(&root, rel, request, serve::Caching::Revalidate).await
        }
    };
    served.unwrap_or_else(IntoResponse::into_response)
}

/// A relative path with only normal components: no `..`, no root, no drive, no NUL.
pub(crate) fn safe_relative(rel: &str) -> Option<PathBuf> {
    if rel.is_empty() || rel.contains(['\0', '\\']) {
        return None;
    }
    let path = Path::new(rel);
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| path.to_path_buf())
}

/// The static folder that has `rel`, the first in the finders' order.
fn find(settings: &Settings, rel: &Path) -> Option<PathBuf> {
    for dir in static_dirs(settings.base_dir()) {
        let Ok(root) = dir.canonicalize() else {
            continue;
        };
        let Ok(file) = root.join(rel).canonicalize() else {
            continue;
        };
        // A symbolic link that leads out of the folder is not served.
        if file.starts_with(&root) && file.is_file() {
            return Some(root);
        }
    }
    None
}
