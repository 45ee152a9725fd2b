//! Django's `HashedFilesMixin`: a file's hashed name (`styles.css` → `styles.3f2a9c1d4b5e.css`,
//! the first 12 hex digits of the MD5 of its content) and the rewriting of the references in
//! CSS (`url(…)`, `@import`, source maps) and JavaScript (source maps) to hashed names.

use md5::{Digest, Md5};

/// The first 12 hex digits of the MD5 of `content` (Django's `file_hash`).
pub(crate) fn file_hash(content: &[u8]) -> String {
    let digest = Md5::digest(content);
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// `name` with the hash of `content` before its last suffix (`os.path.splitext`).
pub(crate) fn hashed_name(name: &str, content: &[u8]) -> String {
    let (dir, file) = match name.rsplit_once('/') {
        Some((dir, file)) => (Some(dir), file),
        None => (None, name),
    };
    let (root, ext) = splitext(file);
    let hashed = format!("{root}.{}{ext}", file_hash(content));
    match dir {
        Some(dir) => format!("{dir}/{hashed}"),
        None => hashed,
    }
}

/// Python's `os.path.splitext`: the last suffix, leading dots not counting.
fn splitext(file: &str) -> (&str, &str) {
    let lead = file.len() - file.trim_start_matches('.').len();
    match file[lead..].rfind('.') {
        Some(i) => file.split_at(lead + i),
        None => (file, ""),
    }
}

/// The kind of file whose references are rewritten (`*.css`, `*.js`, case as written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Adjustable {
    Css,
    Js,
}

/// Whether `name` is rewritten, and how (Django matches `*.css` and `*.js` with case).
pub(crate) fn adjustable(name: &str) -> Option<Adjustable> {
    if name.ends_with(".css") {
        Some(Adjustable::Css)
    } else if name.ends_with(".js") {
        Some(Adjustable::Js)
    } else {
        None
    }
}

/// One reference found: the byte range it covers and the URL in it.
struct Found<'a> {
    start: usize,
    end: usize,
    url: &'a str,
}

/// `p` moved past spaces (and past line breaks too when `lines`).
fn skip_spaces(bytes: &[u8], mut p: usize, lines: bool) -> usize {
    while bytes
        .get(p)
        .is_some_and(|b| b.is_ascii_whitespace() && (lines || *b != b'\n'))
    {
        p += 1;
    }
    p
}

/// Where the line that `p` is on ends (Python's `.` does not match a line break).
fn line_end(text: &str, p: usize) -> usize {
    text[p..].find('\n').map_or(text.len(), |n| p + n)
}

/// `url(['"]?\s*(.*?)['"]?\)`, without regard to case; the URL stays on one line.
fn find_url(text: &str, from: usize) -> Option<Found<'_>> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(i) = find_ci(&bytes[at..], b"url(").map(|i| i + at) {
        let mut p = i + 4;
        if matches!(bytes.get(p), Some(b'"' | b'\'')) {
            p += 1;
        }
        p = skip_spaces(bytes, p, false);
        if let Some(close) = text[p..line_end(text, p)].find(')').map(|n| p + n) {
            let mut url_end = close;
            if url_end > p && matches!(bytes[url_end - 1], b'"' | b'\'') {
                url_end -= 1;
            }
            return Some(Found {
                start: i,
                end: close + 1,
                url: &text[p..url_end],
            });
        }
        at = i + 4;
    }
    None
}

/// `@import\s*["']\s*(.*?)["']`, without regard to case.
fn find_import(text: &str, from: usize) -> Option<Found<'_>> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(i) = find_ci(&bytes[at..], b"@import").map(|i| i + at) {
        let p = skip_spaces(bytes, i + 7, true);
        if matches!(bytes.get(p), Some(b'"' | b'\'')) {
            let p = skip_spaces(bytes, p + 1, false);
            if let Some(q) = text[p..line_end(text, p)].find(['"', '\'']).map(|n| p + n) {
                return Some(Found {
                    start: i,
                    end: q + 1,
                    url: &text[p..q],
                });
            }
        }
        at = i + 7;
    }
    None
}

/// A whole line `/*# sourceMappingURL=… */` (CSS) or `//# sourceMappingURL=…` (JS).
fn find_source_map(text: &str, from: usize, kind: Adjustable) -> Option<Found<'_>> {
    let mut start = from;
    // Only whole lines count: start at a line's beginning.
    if start > 0 && text.as_bytes()[start - 1] != b'\n' {
        start = text[start..].find('\n').map(|n| start + n + 1)?;
    }
    while start <= text.len() {
        let end = line_end(text, start);
        let line = &text[start..end];
        let url = match kind {
            Adjustable::Css => line
                .strip_prefix("/*#")
                .and_then(|l| l.strip_prefix([' ', '\t']))
                .and_then(|l| l.strip_prefix("sourceMappingURL="))
                .and_then(|l| l.strip_suffix("*/")),
            Adjustable::Js => line
                .strip_prefix("//# ")
                .and_then(|l| l.strip_prefix("sourceMappingURL=")),
        };
        if let Some(url) = url {
            return Some(Found { start, end, url });
        }
        if end == text.len() {
            break;
        }
        start = end + 1;
    }
    None
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Rewrites each reference of one pattern, as `re.sub` with Django's converter does.
fn rewrite<'t>(
    text: &'t str,
    find: impl Fn(&'t str, usize) -> Option<Found<'t>>,
    template: impl Fn(&str) -> String,
    convert: &mut dyn FnMut(&str) -> Result<Option<String>, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(found) = find(text, at) {
        out.push_str(&text[at..found.start]);
        match convert(found.url)? {
            Some(url) => out.push_str(&template(&url)),
            None => out.push_str(&text[found.start..found.end]),
        }
        at = found.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// The content of `name` with its references to other static files rewritten to their
/// hashed names. `stored` gives the hashed name of a static file (a normalised path), or
/// `None` when there is no such file (an error naming it, as Django's `ValueError`).
pub(crate) fn substitute(
    name: &str,
    kind: Adjustable,
    content: &str,
    static_url: &str,
    stored: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut convert = |url: &str| convert(url, name, static_url, stored);
    match kind {
        Adjustable::Css => {
            let text = rewrite(content, find_url, |u| format!("url(\"{u}\")"), &mut convert)?;
            let text = rewrite(
                &text,
                find_import,
                |u| format!("@import url(\"{u}\")"),
                &mut convert,
            )?;
            rewrite(
                &text,
                |t, from| find_source_map(t, from, Adjustable::Css),
                |u| format!("/*# sourceMappingURL={u} */"),
                &mut convert,
            )
        }
        Adjustable::Js => rewrite(
            content,
            |t, from| find_source_map(t, from, Adjustable::Js),
            |u| format!("//# sourceMappingURL={u}"),
            &mut convert,
        ),
    }
}

/// Django's `url_converter`: the reference rewritten, or `None` to keep it as written
/// (another site, a data URI, a fragment alone, an absolute path outside STATIC_URL).
fn convert(
    url: &str,
    source: &str,
    static_url: &str,
    stored: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<String>, String> {
    let scheme = url
        .find(':')
        .is_some_and(|i| i > 0 && url[..i].bytes().all(|b| b.is_ascii_lowercase()));
    if scheme || url.starts_with("//") {
        return Ok(None);
    }
    if url.starts_with('/') && !url.starts_with(static_url) {
        return Ok(None);
    }
    let (url_path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (url, None),
    };
    if url_path.is_empty() {
        return Ok(None);
    }
    let target = match url_path
        .strip_prefix(static_url)
        .filter(|_| url_path.starts_with('/'))
    {
        Some(rest) => rest.to_owned(),
        None => match source.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{url_path}"),
            None => url_path.to_owned(),
        },
    };
    let target = percent_encoding::percent_decode_str(&target)
        .decode_utf8_lossy()
        .into_owned();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target.as_str(), None),
    };
    let hashed = if path.ends_with('/') {
        target.clone()
    } else {
        // Django's `hashed_name` strips the path (a source map's URL ends in spaces).
        let normal = normpath(path.trim());
        let found = stored(&normal).ok_or_else(|| {
            format!(
                "The file '{normal}' could not be found (referenced from '{source}' as '{url}')."
            )
        })?;
        match query.filter(|q| !q.is_empty()) {
            Some(q) => format!("{found}?{q}"),
            None => found,
        }
    };
    let last = hashed.rsplit('/').next().unwrap_or(&hashed);
    let mut transformed = match url_path.rsplit_once('/') {
        Some((dirs, _)) => format!("{dirs}/{last}"),
        None => last.to_owned(),
    };
    if let Some(fragment) = fragment {
        transformed.push_str(if url.contains("?#") { "?#" } else { "#" });
        transformed.push_str(fragment);
    }
    Ok(Some(
        percent_encoding::percent_decode_str(&transformed)
            .decode_utf8_lossy()
            .into_owned(),
    ))
}

/// Python's `posixpath.normpath` for a relative path: `.` and `x/..` removed.
fn normpath(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(name: &str) -> Option<String> {
        match name {
            "img/a.png" => Some("img/a.0123456789ab.png".into()),
            "css/b.css" => Some("css/b.ba9876543210.css".into()),
            "css/font.woff" => Some("css/font.111111111111.woff".into()),
            _ => None,
        }
    }

    #[test]
    fn names_take_the_hash_before_the_last_suffix() {
        assert_eq!(file_hash(b""), "d41d8cd98f00");
        assert_eq!(hashed_name("css/a.css", b""), "css/a.d41d8cd98f00.css");
        assert_eq!(hashed_name("x.tar.gz", b""), "x.tar.d41d8cd98f00.gz");
        assert_eq!(hashed_name(".htaccess", b""), ".htaccess.d41d8cd98f00");
    }

    #[test]
    fn css_references_are_rewritten_as_django_rewrites_them() {
        let css = "a{background:url(../img/a.png)}\n\
                   b{background:URL('../img/a.png#x')}\n\
                   @import 'b.css';\n\
                   c{src:url(font.woff?#iefix) url(\"font.woff?v=1\")}\n\
                   d{background:url(data:image/png;base64,xx)}\n\
                   e{background:url(//cdn.example/x.png) url(/other/x.png) url(#frag)}\n\
                   f{background:url(/static/img/a.png)}\n";
        let out = substitute("css/site.css", Adjustable::Css, css, "/static/", &stored).unwrap();
        assert_eq!(
            out,
            "a{background:url(\"../img/a.0123456789ab.png\")}\n\
             b{background:url(\"../img/a.0123456789ab.png#x\")}\n\
             @import url(\"b.ba9876543210.css\");\n\
             c{src:url(\"font.111111111111.woff?#iefix\") url(\"font.111111111111.woff?v=1\")}\n\
             d{background:url(data:image/png;base64,xx)}\n\
             e{background:url(//cdn.example/x.png) url(/other/x.png) url(#frag)}\n\
             f{background:url(\"/static/img/a.0123456789ab.png\")}\n"
        );
    }

    #[test]
    fn a_missing_reference_is_an_error_naming_it() {
        let err = substitute(
            "css/site.css",
            Adjustable::Css,
            "x{y:url(nope.png)}",
            "/static/",
            &stored,
        )
        .unwrap_err();
        assert!(err.contains("'css/nope.png' could not be found"), "{err}");
    }

    #[test]
    fn source_maps_are_whole_lines() {
        let js = "f();\n//# sourceMappingURL=../img/a.png\n";
        let out = substitute("js/app.js", Adjustable::Js, js, "/static/", &stored).unwrap();
        assert_eq!(
            out,
            "f();\n//# sourceMappingURL=../img/a.0123456789ab.png\n"
        );
        let css = "/*# sourceMappingURL=b.css */";
        let out = substitute("css/x.css", Adjustable::Css, css, "/static/", &stored).unwrap();
        assert_eq!(out, "/*# sourceMappingURL=b.ba9876543210.css */");
    }
}
