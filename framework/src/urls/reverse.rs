//! Building URLs from route names: Django's percent-encoding, its `NoReverseMatch` messages,
//! the runtime `reverse()`, and the function that `url!` expands into.

use std::borrow::Cow;
use std::fmt::Write;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{Pattern, Segment, Target, root_patterns};

/// Characters `reverse()` leaves as they are (Django: `quote(url, safe="/~:@!$&'()*+,;=")`).
const URL_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~')
    .remove(b'/')
    .remove(b':')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// Percent-encodes a URL path as Django's `reverse()` does (`a b` → `a%20b`, `ü` → `%C3%BC`).
pub fn quote(path: &str) -> Cow<'_, str> {
    if needs_no_quoting(path) {
        return Cow::Borrowed(path);
    }
    utf8_percent_encode(path, URL_SAFE).into()
}

/// Whether `path` has only characters every quoting leaves: most paths, told after one pass
/// over the bytes.
pub(crate) fn needs_no_quoting(path: &str) -> bool {
    path.bytes().all(|b| UNQUOTED[b as usize])
}

/// Letters, digits and `-._~/`, as a table.
static UNQUOTED: [bool; 256] =
    crate::html::byte_set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/");

/// No route fits the name and arguments (Django's `NoReverseMatch`, with its messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoReverseMatch(pub String);

impl std::fmt::Display for NoReverseMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NoReverseMatch {}

/// A value given to a reverse lookup, already through the converter's `to_url`.
#[doc(hidden)]
#[derive(Debug)]
pub struct UrlArg<'a> {
    pub name: &'static str,
    pub text: Cow<'a, str>,
    pub matches: bool,
    pub is_int: bool,
}

/// The URL for a matched candidate: each capture replaced, then the whole quoted.
fn assemble<'a>(
    pieces: impl Iterator<Item = &'a Segment>,
    mut arg: impl FnMut(usize) -> &'a str,
) -> String {
    let mut url = String::from("/");
    let mut i = 0;
    for piece in pieces {
        match piece {
            Segment::Literal(l) => url.push_str(l),
            Segment::Capture { .. } => {
                url.push_str(arg(i));
                i += 1;
            }
        }
    }
    crate::http::escape_leading_slashes(quote(&url).into_owned())
}

fn py_value(text: &str, is_int: bool) -> String {
    if is_int {
        text.to_owned()
    } else {
        crate::python::repr_str(text)
    }
}

/// The regex Django would show for a route: literals escaped as `re.escape` does.
fn route_regex<'a>(pieces: impl Iterator<Item = &'a Segment>) -> String {
    let mut re = String::new();
    for piece in pieces {
        match piece {
            Segment::Literal(l) => {
                for c in l.chars() {
                    if "()[]{}?*+-|^$\\.&~# \t\n\r\x0b\x0c".contains(c) {
                        re.push('\\');
                    }
                    re.push(c);
                }
            }
            Segment::Capture { name, converter } => {
                let _ = write!(re, "(?P<{name}>{})", converter.regex);
            }
        }
    }
    re.push_str("\\Z");
    re
}

fn tried_list(regexes: &[String]) -> String {
    let items: Vec<String> = regexes.iter().map(|r| crate::python::repr_str(r)).collect();
    format!("[{}]", items.join(", "))
}

fn args_description(args: &[UrlArg<'_>], keyword: bool) -> String {
    if args.is_empty() {
        return "with no arguments".into();
    }
    if keyword {
        let items: Vec<String> = args
            .iter()
            .map(|a| {
                format!(
                    "{}: {}",
                    crate::python::repr_str(a.name),
                    py_value(&a.text, a.is_int)
                )
            })
            .collect();
        format!("with keyword arguments '{{{}}}'", items.join(", "))
    } else {
        let items: Vec<String> = args.iter().map(|a| py_value(&a.text, a.is_int)).collect();
        let trailing = if items.len() == 1 { "," } else { "" };
        format!("with arguments '({}{trailing})'", items.join(", "))
    }
}

/// A piece of a route as `url!` knows it: literal text, or a capture (name, regex).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum UrlPiece {
    Literal(&'static str),
    Capture(&'static str, &'static str),
}

/// What `url!` expands to for a route with parameters: checks each value with its converter
/// (so `"a/b"` for a `str` parameter is refused, not silently mis-built) and builds the URL.
#[doc(hidden)]
pub fn build_url(
    name: &str,
    pieces: &[UrlPiece],
    args: &[UrlArg<'_>],
    keyword: bool,
) -> Result<String, NoReverseMatch> {
    let segments: Vec<Segment> = pieces
        .iter()
        .map(|p| match *p {
            UrlPiece::Literal(l) => Segment::Literal(l),
            UrlPiece::Capture(name, regex) => Segment::Capture {
                name,
                converter: super::ConverterRef {
                    name: "",
                    regex,
                    spans_slashes: false,
                    matches: |_| true,
                },
            },
        })
        .collect();
    if args.iter().all(|a| a.matches) {
        let mut i = 0;
        return Ok(assemble(segments.iter(), |_| {
            i += 1;
            &args[i - 1].text
        }));
    }
    Err(NoReverseMatch(format!(
        "Reverse for '{name}' {} not found. 1 pattern(s) tried: {}",
        args_description(args, keyword),
        tried_list(&[route_regex(segments.iter())])
    )))
}

struct Candidate {
    segments: Vec<&'static Segment>,
}

impl Candidate {
    fn params(&self) -> impl Iterator<Item = (&'static str, &super::ConverterRef)> + '_ {
        self.segments.iter().filter_map(|s| match s {
            Segment::Capture { name, converter } => Some((*name, converter)),
            Segment::Literal(_) => None,
        })
    }
}

/// Candidates for `name` under the namespace path `ns`, in definition order.
fn lookup(
    patterns: &'static [Pattern],
    ns: &[&str],
    name: &str,
    prefix: &[&'static Segment],
    found_ns: &mut bool,
    out: &mut Vec<Candidate>,
) {
    for p in patterns {
        let mut segments = prefix.to_vec();
        segments.extend(p.segments.iter());
        match &p.target {
            Target::View { .. } => {
                if ns.is_empty() && p.name == Some(name) {
                    out.push(Candidate { segments });
                }
            }
            Target::Include { app_name, patterns } => match (app_name, ns.split_first()) {
                (None, _) => lookup(patterns(), ns, name, &segments, found_ns, out),
                (Some(app), Some((first, rest))) if app == first => {
                    if rest.is_empty() {
                        *found_ns = true;
                    }
                    lookup(patterns(), rest, name, &segments, found_ns, out)
                }
                _ => {}
            },
        }
    }
}

fn namespace_exists(patterns: &'static [Pattern], ns: &[&str]) -> Result<(), NoReverseMatch> {
    let mut current = patterns;
    let mut path: Vec<&str> = Vec::new();
    for part in ns {
        let next = find_namespace(current, part);
        match next {
            Some(p) => current = p,
            None if path.is_empty() => {
                return Err(NoReverseMatch(format!(
                    "'{part}' is not a registered namespace"
                )));
            }
            None => {
                return Err(NoReverseMatch(format!(
                    "'{part}' is not a registered namespace inside '{}'",
                    path.join(":")
                )));
            }
        }
        path.push(part);
    }
    Ok(())
}

fn find_namespace(patterns: &'static [Pattern], ns: &str) -> Option<&'static [Pattern]> {
    // The last-deployed instance wins, as in Django.
    patterns.iter().rev().find_map(|p| match &p.target {
        Target::Include {
            app_name: Some(a),
            patterns,
        } if *a == ns => Some(patterns()),
        Target::Include {
            app_name: None,
            patterns,
        } => find_namespace(patterns(), ns),
        _ => None,
    })
}

fn reverse_impl(
    viewname: &str,
    args: &[&str],
    kwargs: &[(&str, &str)],
) -> Result<String, NoReverseMatch> {
    let root = root_patterns();
    let mut parts: Vec<&str> = viewname.split(':').collect();
    let name = parts.pop().unwrap_or_default();
    namespace_exists(root, &parts)?;
    let mut candidates = Vec::new();
    lookup(root, &parts, name, &[], &mut false, &mut candidates);
    if candidates.is_empty() {
        return Err(NoReverseMatch(format!(
            "Reverse for '{name}' not found. '{name}' is not a valid view function or pattern name."
        )));
    }
    let keyword = !kwargs.is_empty();
    // Later patterns win, as in Django.
    for c in candidates.iter().rev() {
        let params: Vec<_> = c.params().collect();
        let values: Option<Vec<&str>> = if keyword {
            (params.len() == kwargs.len())
                .then(|| {
                    params
                        .iter()
                        .map(|(n, _)| kwargs.iter().find(|(k, _)| k == n).map(|(_, v)| *v))
                        .collect()
                })
                .flatten()
        } else {
            (params.len() == args.len()).then(|| args.to_vec())
        };
        let Some(values) = values else { continue };
        if params
            .iter()
            .zip(&values)
            .all(|((_, conv), v)| (conv.matches)(v))
        {
            let mut i = 0;
            return Ok(assemble(c.segments.iter().copied(), |_| {
                i += 1;
                values[i - 1]
            }));
        }
    }
    let described: Vec<UrlArg<'_>> = if keyword {
        kwargs
            .iter()
            .map(|(k, v)| UrlArg {
                name: "",
                text: Cow::Owned(format!(
                    "{}: {}",
                    crate::python::repr_str(k),
                    crate::python::repr_str(v)
                )),
                matches: false,
                is_int: true,
            })
            .collect()
    } else {
        args.iter()
            .map(|v| UrlArg {
                name: "",
                text: Cow::Borrowed(*v),
                matches: false,
                is_int: false,
            })
            .collect()
    };
    let description = if keyword {
        let items: Vec<&str> = described.iter().map(|a| a.text.as_ref()).collect();
        format!("with keyword arguments '{{{}}}'", items.join(", "))
    } else {
        args_description(&described, false)
    };
    let regexes: Vec<String> = candidates
        .iter()
        .map(|c| route_regex(c.segments.iter().copied()))
        .collect();
    Err(NoReverseMatch(format!(
        "Reverse for '{name}' {description} not found. {} pattern(s) tried: {}",
        regexes.len(),
        tried_list(&regexes)
    )))
}

/// The URL of a route without parameters, by name (Django's `reverse("tasks:index")`), for
/// names known only at run time; `url!` checks the name at compile time instead.
pub fn reverse(viewname: &str) -> Result<String, NoReverseMatch> {
    reverse_impl(viewname, &[], &[])
}

/// `reverse(viewname, args=[…])`.
pub fn reverse_with(viewname: &str, args: &[&str]) -> Result<String, NoReverseMatch> {
    reverse_impl(viewname, args, &[])
}

/// `reverse(viewname, kwargs={…})`.
pub fn reverse_kwargs(viewname: &str, kwargs: &[(&str, &str)]) -> Result<String, NoReverseMatch> {
    reverse_impl(viewname, &[], kwargs)
}
