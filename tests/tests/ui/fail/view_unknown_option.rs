use manouche::prelude::*;
#[view(csrf_exmpt)]
pub fn a(_request: &Request) -> &'static str { "a" }
fn main() {}
