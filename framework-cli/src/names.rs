//! Checking project and app names as Django's `startproject`/`startapp` do, for Rust.

/// Rust keywords and the crates every project sees, which a module or crate cannot be named.
const TAKEN: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "crate",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "async",
    "await",
    "dyn",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "macro",
    "override",
    "priv",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "try",
    "gen",
    "std",
    "core",
    "alloc",
    "test",
    "proc_macro",
    "manouche",
    "urls",
    "views",
    "forms",
    "templates",
    "static",
    "main",
    "lib",
    "build",
];

/// `Err(message)` in Django's words when `name` cannot be a project (`kind` = "project") or
/// an app (`kind` = "app").
pub fn check(name: &str, kind: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !identifier {
        return Err(format!(
            "'{name}' is not a valid {kind} name. Please make sure the name is a valid identifier."
        ));
    }
    if TAKEN.contains(&name) {
        return Err(format!(
            "'{name}' conflicts with the name of an existing Rust module or crate and cannot be used as {} {kind} name. Please try another name.",
            if kind == "app" { "an" } else { "a" }
        ));
    }
    Ok(())
}
