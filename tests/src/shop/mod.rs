//! A namespaced app ("shop") with a nested namespaced app ("shop:reviews").

pub mod reviews;
pub mod urls;

use manouche::prelude::*;

/// `shop:index`.
#[view]
pub fn index(_request: &Request) -> String {
    url!("shop:item", id = 7).unwrap_or_default()
}

/// `shop:item`.
#[view]
pub async fn item(_request: &Request, id: u64) -> String {
    format!("item {id}")
}
