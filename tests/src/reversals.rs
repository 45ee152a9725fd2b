//! `url!` calls of the test site, made here because `url!` resolves against the crate it is
//! written in (`crate::urls`); tests/routing.rs checks what they return.

use manouche::{NoReverseMatch, url};

/// The URLs of routes without parameters.
pub fn without_arguments() -> Vec<String> {
    vec![url!("home"), url!("shop:index"), url!("shop:reviews:list")]
}

/// `url!("str", value = v)`.
pub fn str_value(v: &str) -> Result<String, NoReverseMatch> {
    url!("str", value = v)
}

/// `url!("int", v)`, positional.
pub fn int_value(v: i64) -> Result<String, NoReverseMatch> {
    url!("int", v)
}

/// `url!("slug", value = v)`.
pub fn slug_value(v: &str) -> Result<String, NoReverseMatch> {
    url!("slug", value = v)
}

/// `url!("path", value = v)`.
pub fn path_value(v: &str) -> Result<String, NoReverseMatch> {
    url!("path", value = v)
}

/// `url!("uuid", value = v)`.
pub fn uuid_value(v: uuid::Uuid) -> Result<String, NoReverseMatch> {
    url!("uuid", value = v)
}

/// `url!("year", year = v)`, with the user-defined converter.
pub fn year_value(v: u16) -> Result<String, NoReverseMatch> {
    url!("year", year = v)
}

// ANCHOR: mixed
/// Literal and owned arguments, named and positional, in one place.
pub fn mixed() -> Vec<Result<String, NoReverseMatch>> {
    let owned = String::from("brian");
    vec![
        url!("two", "a-b", "c"),
        url!("shop:item", id = 7u64),
        url!("post", slug = "hello-world"),
        url!("str", value = owned),
        url!("str", value = "a b"),
        url!("int", value = 7),
    ]
}
// ANCHOR_END: mixed
