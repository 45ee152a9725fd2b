//! Django's route syntax (`"hello/<str:name>"`), parsed at compile time with Django's
//! error messages.

/// A piece of a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Literal(String),
    /// `<converter:name>`.
    Capture { converter: String, name: String },
}

/// Django's converters: the name a route uses, and the type in
/// `manouche::__private::converters` that matches it. The one list of them.
pub const BUILTIN: &[(&str, &str)] = &[
    ("str", "Str"),
    ("int", "Int"),
    ("slug", "Slug"),
    ("uuid", "Uuid"),
    ("path", "Path"),
];

/// Whether `name` is one of Django's converters.
pub fn is_builtin(name: &str) -> bool {
    BUILTIN.iter().any(|(n, _)| *n == name)
}

/// Most captures a route may have: the resolver match keeps them in place. The runtime's
/// `MAX_CAPTURES` is the same number, checked where `urlpatterns!` expands.
pub const MAX_CAPTURES: usize = 16;

/// Splits `route` into pieces. `known` says whether a converter name exists.
pub fn parse(route: &str, known: impl Fn(&str) -> bool) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = route;
    let mut names: Vec<String> = Vec::new();
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            break;
        };
        literal.push_str(&rest[..open]);
        if close == 0 {
            // "<>" is text, as Django's `<…+>` needs at least one character.
            literal.push('<');
            rest = after;
            continue;
        }
        let inner = &after[..close];
        if inner.chars().any(char::is_whitespace) {
            return Err(format!(
                "URL route '{route}' cannot contain whitespace in angle brackets <…>."
            ));
        }
        let (converter, name) = match inner.split_once(':') {
            Some((c, n)) if !c.is_empty() && !n.is_empty() => (c, n),
            _ => ("str", inner),
        };
        if !is_identifier(name) {
            return Err(format!(
                "URL route '{route}' uses parameter name '{name}' which isn't a valid Rust identifier."
            ));
        }
        if !known(converter) {
            return Err(format!(
                "URL route '{route}' uses invalid converter '{converter}'."
            ));
        }
        if names.iter().any(|n| n == name) {
            return Err(format!(
                "URL route '{route}' uses parameter name '{name}' more than once."
            ));
        }
        names.push(name.to_string());
        if !literal.is_empty() {
            pieces.push(Piece::Literal(std::mem::take(&mut literal)));
        }
        pieces.push(Piece::Capture {
            converter: converter.to_string(),
            name: name.to_string(),
        });
        rest = &after[close + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal));
    }
    Ok(pieces)
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "_",
];

/// Whether `s` can be a Rust field name.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && !KEYWORDS.contains(&s)
}

/// Percent-encodes a URL as Django's `reverse()` does (`quote(url, safe="/~:@!$&'()*+,;=")`),
/// and escapes a leading `//`. Must agree with `manouche::urls::quote`.
pub fn quote(url: &str) -> String {
    const SAFE: &[u8] = b"_.-~/:@!$&'()*+,;=";
    let mut out = String::new();
    for b in url.bytes() {
        if b.is_ascii_alphanumeric() || SAFE.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    match out.strip_prefix("//") {
        Some(rest) => format!("/%2F{rest}"),
        None => out,
    }
}

/// Whether a literal value would match a built-in converter (for compile-time checks).
pub fn builtin_matches(converter: &str, value: &str) -> Option<bool> {
    let nonempty = !value.is_empty();
    Some(match converter {
        "str" => nonempty && !value.contains('/'),
        "int" => nonempty && value.bytes().all(|b| b.is_ascii_digit()),
        "slug" => {
            nonempty
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }
        "path" => nonempty,
        _ => return None,
    })
}
