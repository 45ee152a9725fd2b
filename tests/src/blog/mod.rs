//! An included URLconf without app!: its names merge into the root's, as in Django.

pub mod urls;

use manouche::prelude::*;

/// `post` (no namespace).
#[view]
pub fn post(_request: &Request, slug: String) -> String {
    format!("post {slug}")
}
