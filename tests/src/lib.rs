//! Black-box tests of manouche. This crate is also a small test site (its root URLconf is
//! `crate::urls`) with the views the lecture's demo has no reason to have: ones that panic,
//! fail, sleep, and one per path converter. `support` starts servers and talks raw HTTP.

pub mod blog;
pub mod converters;
pub mod reversals;
pub mod shop;
pub mod support;
pub mod urls;
pub mod views;

/// The test site as a project.
pub fn project() -> manouche::Project<urls::UrlConf> {
    manouche::Project::new(concat!(env!("CARGO_MANIFEST_DIR"), "/site"))
}
