//! The nested app.

pub mod urls;

use manouche::prelude::*;

/// `shop:reviews:list`.
#[view]
pub fn list(request: &Request) -> String {
    let m = request.resolver_match().expect("resolved");
    format!("{} {} {}", m.view_name(), m.route(), m.namespace())
}
