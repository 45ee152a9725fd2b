//! The lecture's project: apps `hello` and `newyear` (and `tasks`, as the book goes on).

pub mod hello;
pub mod newyear;
pub mod urls;
pub mod views;

/// The project: its folder (for settings.toml), its root URLconf and its error pages.
pub fn project() -> manouche::Project<urls::UrlConf> {
    manouche::Project::new(env!("CARGO_MANIFEST_DIR"))
        .handler404(views::page_not_found)
        .handler500(views::server_error)
}
