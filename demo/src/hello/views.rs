use manouche::prelude::*;

// ANCHOR: index
/// `hello:index`.
#[view]
pub fn index(_request: &Request) -> &'static str {
    "Hello, world!"
}
// ANCHOR_END: index

// ANCHOR: greet
/// `hello:greet`: `/hello/brian` says "Hello, Brian!".
#[view]
pub fn greet(_request: &Request, name: String) -> String {
    format!("Hello, {}!", capitalize(&name))
}
// ANCHOR_END: greet

/// Python's `str.capitalize()`: first character upper-case, the rest lower-case.
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}
