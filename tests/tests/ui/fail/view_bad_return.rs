use manouche::prelude::*;
#[view]
pub fn count(_request: &Request) -> i32 { 3 }
fn main() {}
