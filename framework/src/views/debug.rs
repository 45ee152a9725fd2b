//! The technical pages shown with DEBUG on: the 404 that lists the URL patterns tried, and
//! the 500 that shows the error, where it came from and the request, secrets masked.

use std::fmt::Write;

use http::{HeaderMap, Method, Uri, header};

use crate::error::{Error, ErrorKind};
use crate::html::escape;
use crate::settings::Settings;
use crate::urls::{Pattern, Target};

/// What the error pages know of the request.
pub(crate) struct PageRequest<'a> {
    pub method: &'a Method,
    pub path: &'a str,
    pub url: String,
    pub headers: &'a HeaderMap,
    pub query: &'a str,
    pub raised_by: Option<&'a str>,
}

const MASK: &str = "********************";

/// Django's `HIDDEN_SETTINGS`: names that look like secrets are masked.
fn is_sensitive(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "API",
        "AUTH",
        "TOKEN",
        "KEY",
        "SECRET",
        "PASS",
        "SIGNATURE",
        "COOKIE",
    ]
    .iter()
    .any(|w| upper.contains(w))
}

const STYLE: &str = "<style>html * { padding:0; margin:0; } body * { padding:10px 20px; } body * * { padding:0; } body { font-family: sans-serif; background:#eee; color:#000; } body > :where(header, main, footer) { border-bottom:1px solid #ddd; } h1 { font-weight:normal; margin-bottom:.4em; } h1 small { font-size:60%; color:#666; font-weight:normal; } table { border:none; border-collapse: collapse; width:100%; } td, th { vertical-align:top; padding:2px 3px; } th { width:12em; text-align:right; color:#666; padding-right:.5em; } #info { background:#f6f6f6; } #info ol { margin: 0.5em 4em; } #info ol li { font-family: monospace; } #summary { background: #ffc; } #explanation { background:#eee; border-bottom: 0px none; } pre.exception_value { font-family: sans-serif; color: #575757; font-size: 1.5em; margin: 10px 0 10px 0; }</style>";

fn pattern_items(patterns: &'static [Pattern], prefix: &str, out: &mut String) {
    for p in patterns {
        let mut item = String::from(prefix);
        let _ = write!(item, "<code>{}</code>", escape(p.route));
        match &p.target {
            Target::View { .. } => {
                if let Some(name) = p.name {
                    let _ = write!(item, " [name='{}']", escape(name));
                }
                let _ = writeln!(out, "<li>{item}</li>");
            }
            Target::Include { patterns, .. } => {
                let inner = patterns();
                if inner.is_empty() {
                    let _ = writeln!(out, "<li>{item}</li>");
                }
                pattern_items(inner, &format!("{item} "), out);
            }
        }
    }
}

/// The DEBUG 404: the patterns tried, in order.
pub(crate) fn technical_404(
    err: &Error,
    req: &PageRequest<'_>,
    patterns: &'static [Pattern],
) -> String {
    let path = req.path.strip_prefix('/').unwrap_or(req.path);
    let mut items = String::new();
    pattern_items(patterns, "", &mut items);
    let raised_by_view = err.kind() == ErrorKind::NotFound && req.raised_by.is_some();
    let exception = if raised_by_view && !err.message().is_empty() {
        format!(
            "<pre class=\"exception_value\">{}</pre>",
            escape(err.message())
        )
    } else {
        String::new()
    };
    let raised_row = match req.raised_by {
        Some(view) if raised_by_view => format!(
            "<tr><th scope=\"row\">Raised by:</th><td>{}</td></tr>",
            escape(view)
        ),
        _ => String::new(),
    };
    let tail = if raised_by_view {
        format!(
            "<p>The current path, <code>{}</code>, matched the last one.</p>",
            escape(path)
        )
    } else if path.is_empty() {
        "<p>The empty path didn’t match any of these.</p>".to_string()
    } else {
        format!(
            "<p>The current path, <code>{}</code>, didn’t match any of these.</p>",
            escape(path)
        )
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n  <title>Page not found at {path_t}</title>\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n  {STYLE}\n</head>\n<body>\n<header id=\"summary\">\n  <h1>Page not found <small>(404)</small></h1>\n  {exception}\n  <table class=\"meta\">\n    <tr><th scope=\"row\">Request Method:</th><td>{method}</td></tr>\n    <tr><th scope=\"row\">Request URL:</th><td>{url}</td></tr>\n    {raised_row}\n  </table>\n</header>\n<main id=\"info\">\n  <p>Using the URLconf defined in <code>urls</code>, manouche tried these URL patterns, in this order:</p>\n  <ol>\n{items}  </ol>\n  {tail}\n</main>\n<footer id=\"explanation\">\n  <p>You’re seeing this error because you have <code>DEBUG = true</code> in your settings file. Change that to <code>false</code>, and manouche will display a standard 404 page.</p>\n</footer>\n</body>\n</html>\n",
        path_t = escape(req.path),
        method = escape(req.method.as_str()),
        url = escape(&req.url),
    )
}

fn rows<'a>(pairs: impl Iterator<Item = (&'a str, String)>) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"code\"><pre>{}</pre></td></tr>",
            escape(k),
            escape(&v)
        );
    }
    out
}

fn masked_headers(headers: &HeaderMap) -> Vec<(&str, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            let value = if is_sensitive(k.as_str()) {
                MASK.to_string()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (k.as_str(), value)
        })
        .collect()
}

fn masked_settings(settings: &Settings) -> Vec<(String, String)> {
    let Ok(toml::Value::Table(table)) = toml::Value::try_from(settings) else {
        return Vec::new();
    };
    table
        .into_iter()
        .map(|(k, v)| {
            let value = if is_sensitive(&k) {
                MASK.to_string()
            } else {
                mask_passwords(v).to_string()
            };
            (k, value)
        })
        .collect()
}

/// A setting's value with the password of every URL in it masked
/// (`postgres://u:********************@db/x`), as Django masks `DATABASES`' `PASSWORD`.
fn mask_passwords(value: toml::Value) -> toml::Value {
    match value {
        toml::Value::String(s) => toml::Value::String(mask_url_password(&s)),
        toml::Value::Array(items) => {
            toml::Value::Array(items.into_iter().map(mask_passwords).collect())
        }
        other => other,
    }
}

/// `scheme://user:password@host…` with the password masked; other text as it is.
fn mask_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:{MASK}@{host}{tail}"),
        None => url.to_string(),
    }
}

/// The DEBUG 500 (and other technical error pages), as HTML or as text for non-HTML clients.
pub(crate) fn technical_500(
    err: &Error,
    req: &PageRequest<'_>,
    settings: &Settings,
    html: bool,
) -> String {
    let location = err.location().unwrap_or("unknown");
    let raised = req.raised_by.unwrap_or("");
    let now = httpdate::fmt_http_date(std::time::SystemTime::now());
    let headers = masked_headers(req.headers);
    let settings_rows = masked_settings(settings);
    if !html {
        let mut out = format!(
            "{} at {}\n{}\nRequest Method: {}\nRequest URL: {}\nManouche Version: {}\nException Type: {}\nException Value: {}\nException Location: {}\nRaised during: {}\nServer time: {}\n\nRequest headers:\n",
            err.type_name(),
            req.path,
            err.message(),
            req.method,
            req.url,
            env!("CARGO_PKG_VERSION"),
            err.type_name(),
            err.message(),
            location,
            raised,
            now
        );
        for (k, v) in &headers {
            let _ = writeln!(out, "{k} = {v:?}");
        }
        out.push_str("\nSettings:\n");
        for (k, v) in &settings_rows {
            let _ = writeln!(out, "{k} = {v}");
        }
        out.push_str("\nYou’re seeing this error because you have DEBUG = true in your settings file. Change that to false, and manouche will display a standard page generated by the handler for this status code.\n");
        return out;
    }
    let query_rows = rows(
        crate::http::QueryDict::parse(req.query.as_bytes())
            .pairs()
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone())),
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n  <title>{ty} at {path}</title>\n  {STYLE}\n</head>\n<body>\n<header id=\"summary\">\n  <h1>{ty} at {path}</h1>\n  <pre class=\"exception_value\">{msg}</pre>\n  <table class=\"meta\">\n    <tr><th scope=\"row\">Request Method:</th><td>{method}</td></tr>\n    <tr><th scope=\"row\">Request URL:</th><td>{url}</td></tr>\n    <tr><th scope=\"row\">Manouche Version:</th><td>{version}</td></tr>\n    <tr><th scope=\"row\">Exception Type:</th><td>{ty}</td></tr>\n    <tr><th scope=\"row\">Exception Value:</th><td><pre>{msg}</pre></td></tr>\n    <tr><th scope=\"row\">Exception Location:</th><td><span class=\"fname\">{location}</span></td></tr>\n    <tr><th scope=\"row\">Raised during:</th><td>{raised}</td></tr>\n    <tr><th scope=\"row\">Server time:</th><td>{now}</td></tr>\n  </table>\n</header>\n<main id=\"info\">\n  <h2>Request information</h2>\n  <h3 id=\"get-info\">GET</h3>\n  <table class=\"req\"><tbody>\n{query_rows}</tbody></table>\n  <h3 id=\"meta-info\">Headers</h3>\n  <table class=\"req\"><tbody>\n{header_rows}</tbody></table>\n  <h3 id=\"settings-info\">Settings</h3>\n  <table class=\"req\"><tbody>\n{settings_html}</tbody></table>\n</main>\n<footer id=\"explanation\">\n  <p>You’re seeing this error because you have <code>DEBUG = true</code> in your settings file. Change that to <code>false</code>, and manouche will display a standard page generated by the handler for this status code.</p>\n</footer>\n</body>\n</html>\n",
        ty = escape(err.type_name()),
        path = escape(req.path),
        msg = escape(err.message()),
        method = escape(req.method.as_str()),
        url = escape(&req.url),
        version = env!("CARGO_PKG_VERSION"),
        location = escape(location),
        raised = escape(raised),
        header_rows = rows(headers.into_iter()),
        settings_html = rows(settings_rows.iter().map(|(k, v)| (k.as_str(), v.clone()))),
    )
}

impl<'a> PageRequest<'a> {
    pub(crate) fn new(
        method: &'a Method,
        uri: &'a Uri,
        headers: &'a HeaderMap,
        raised_by: Option<&'a str>,
    ) -> Self {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| uri.authority().map(|a| a.as_str()))
            .unwrap_or("");
        let full = uri.path_and_query().map_or("/", |pq| pq.as_str());
        PageRequest {
            method,
            path: uri.path(),
            url: format!("http://{host}{full}"),
            headers,
            query: uri.query().unwrap_or(""),
            raised_by,
        }
    }
}
