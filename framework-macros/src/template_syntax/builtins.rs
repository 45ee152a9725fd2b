//! Django's built-in filters and tags, as the template macro knows them: names, how many
//! arguments each filter takes, and what is not available (needs Python objects).

/// How many arguments a filter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    None,
    Optional,
    One,
}

/// A built-in filter: its template name and the runtime function.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub name: &'static str,
    pub function: &'static str,
    pub arity: Arity,
}

const fn f(name: &'static str, arity: Arity) -> Filter {
    Filter {
        name,
        function: name,
        arity,
    }
}

use Arity::{None as N, One as O, Optional as Opt};

/// Django 5.2's built-in filters (`django/template/defaultfilters.py`).
pub const FILTERS: &[Filter] = &[
    f("add", O),
    f("addslashes", N),
    f("capfirst", N),
    f("center", O),
    f("cut", O),
    f("date", Opt),
    f("default", O),
    f("default_if_none", O),
    f("divisibleby", O),
    f("escape", N),
    f("escapejs", N),
    f("escapeseq", N),
    f("filesizeformat", N),
    f("first", N),
    f("floatformat", Opt),
    f("force_escape", N),
    f("get_digit", O),
    f("iriencode", N),
    f("join", O),
    f("json_script", Opt),
    f("last", N),
    f("length", N),
    f("linebreaks", N),
    f("linebreaksbr", N),
    f("linenumbers", N),
    f("ljust", O),
    f("lower", N),
    f("make_list", N),
    f("phone2numeric", N),
    f("pluralize", Opt),
    f("rjust", O),
    f("safe", N),
    f("safeseq", N),
    f("slice", O),
    f("slugify", N),
    f("stringformat", O),
    f("striptags", N),
    f("time", Opt),
    f("timesince", Opt),
    f("timeuntil", Opt),
    f("title", N),
    f("truncatechars", O),
    f("truncatechars_html", O),
    f("truncatewords", O),
    f("truncatewords_html", O),
    f("unordered_list", N),
    f("upper", N),
    f("urlencode", Opt),
    f("urlize", N),
    f("urlizetrunc", O),
    f("wordcount", N),
    f("wordwrap", O),
    f("yesno", Opt),
];

/// The filter called `name`.
pub fn filter(name: &str) -> Option<&'static Filter> {
    FILTERS.iter().find(|f| f.name == name)
}

/// Django filters that need Python objects, with what to do instead.
pub fn unsupported_filter(name: &str) -> Option<&'static str> {
    Some(match name {
        "dictsort" | "dictsortreversed" => {
            "it sorts Python dicts by key; sort the list in the view (`items.sort_by_key(…)`)"
        }
        "random" => "templates are compiled and repeatable here; pick the item in the view",
        "pprint" => "it prints Python's repr; use `{{ value }}` or format the value in the view",
        _ => return None,
    })
}

/// The tags the template macro knows, for "did you mean".
pub const TAGS: &[&str] = &[
    "autoescape",
    "block",
    "comment",
    "csrf_token",
    "cycle",
    "extends",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "include",
    "load",
    "lorem",
    "now",
    "querystring",
    "regroup",
    "resetcycle",
    "spaceless",
    "static",
    "templatetag",
    "url",
    "verbatim",
    "widthratio",
    "with",
];
