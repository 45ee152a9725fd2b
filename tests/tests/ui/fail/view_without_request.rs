use manouche::prelude::*;
#[view]
pub fn greet(name: String) -> String { name }
fn main() {}
