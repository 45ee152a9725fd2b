use manouche::prelude::*;
#[view]
pub fn greet<'a>(_request: &Request, name: &'a str) -> String { name.into() }
#[view]
pub fn greet2(_request: &Request, name: &str) -> String { name.into() }
fn main() {}
