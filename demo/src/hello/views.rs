use manouche::prelude::*;

// ANCHOR: index
#[derive(Template)]
#[template(path = "hello/index.html")]
struct Index;

/// `hello:index`.
#[view]
pub fn index(request: &Request) -> Result<Response> {
    render(request, Index)
}
// ANCHOR_END: index

// ANCHOR: greet
#[derive(Template)]
#[template(path = "hello/greet.html")]
struct Greet {
    name: String,
}

/// `hello:greet`: `/hello/brian` says "Hello, Brian!".
#[view]
pub fn greet(request: &Request, name: String) -> Result<Response> {
    render(
        request,
        Greet {
            name: capitalize(&name),
        },
    )
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
