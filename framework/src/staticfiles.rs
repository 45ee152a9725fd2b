//! Static files in development (Django's `django.contrib.staticfiles` under runserver): with
//! DEBUG on, `STATIC_URL<path>` is served from the project's `static/` and each app's
//! `src/<app>/static/`, first found wins. Paths that try to leave those folders get a 404.

use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use crate::error::{Error, ErrorKind};
use crate::http::{Body, Response};
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
    let prefix = settings.static_url.trim_start_matches('/');
    if prefix.is_empty() || prefix.contains("://") {
        return None;
    }
    path.strip_prefix('/')?.strip_prefix(prefix)
}

/// A relative path with only normal components: no `..`, no root, no drive, no NUL.
fn safe_relative(rel: &str) -> Option<PathBuf> {
    if rel.is_empty() || rel.contains(['\0', '\\']) {
        return None;
    }
    let path = Path::new(rel);
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| path.to_path_buf())
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/vnd.microsoft.icon",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("wasm") => "application/wasm",
        Some("map") => "application/json",
        _ => "application/octet-stream",
    }
}

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
            return Some(file);
        }
    }
    None
}

/// Serves `rel` (already percent-decoded) for a GET or HEAD.
pub(crate) async fn serve(
    settings: &Settings,
    method: &Method,
    headers: &HeaderMap,
    rel: &str,
) -> Result<Response, Error> {
    let not_found = || Error::new(ErrorKind::NotFound, format!("“{rel}” could not be found"));
    if method != Method::GET && method != Method::HEAD {
        return Err(Error::new(
            ErrorKind::MethodNotAllowed,
            "static files take GET and HEAD",
        ));
    }
    let file = safe_relative(rel)
        .and_then(|r| find(settings, &r))
        .ok_or_else(not_found)?;
    let modified = std::fs::metadata(&file)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let last_modified = httpdate::fmt_http_date(modified);
    let unchanged = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| {
            let secs = |t: SystemTime| {
                t.duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
            };
            secs(modified) <= secs(since)
        });
    let mut response = if unchanged {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let bytes = tokio::fs::read(&file).await.map_err(|_| not_found())?;
        let len = bytes.len();
        let mut r = Response::new(if method == Method::HEAD {
            Body::empty()
        } else {
            Body::from(bytes)
        });
        r.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        r
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&file)),
    );
    if let Ok(v) = HeaderValue::from_str(&last_modified) {
        h.insert(header::LAST_MODIFIED, v);
    }
    // Development: always revalidate, so an edited file shows on reload.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}
