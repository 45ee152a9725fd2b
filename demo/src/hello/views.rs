use manouche::prelude::*;

/// `hello:index`.
#[view]
pub fn index(_request: &Request) -> &'static str {
    "Hello, world!"
}

/// `hello:greet`: `/hello/brian` says "Hello, Brian!".
#[view]
pub fn greet(_request: &Request, name: String) -> String {
    format!("Hello, {}!", capitalize(&name))
}

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
