// ANCHOR: all
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

/// Python's `str.capitalize()`: first character upper-case, the rest lower-case.
pub fn capitalize(s: &str) -> String {
    if s.is_ascii() {
        let mut out = s.to_ascii_lowercase();
        if let Some(first) = out.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        return out;
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}
// ANCHOR_END: greet
// ANCHOR_END: all

#[cfg(test)]
mod tests {
    use super::capitalize;

    #[test]
    fn capitalize_is_pythons() {
        assert_eq!(capitalize("brian"), "Brian");
        assert_eq!(capitalize("bRIAN o'NEIL"), "Brian o'neil");
        assert_eq!(capitalize("éLODIE"), "Élodie");
        assert_eq!(capitalize(""), "");
        assert_eq!(capitalize("1abc"), "1abc");
    }
}
