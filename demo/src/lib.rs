//! The lecture's project: apps `hello`, `newyear`, `tasks`, `users` and `flights`.

pub mod flights;
pub mod hello;
pub mod newyear;
pub mod tasks;
pub mod urls;
pub mod users;
pub mod views;

/// The project: its folder (for settings.toml), its root URLconf and its error pages.
pub fn project() -> manouche::Project<urls::UrlConf> {
    manouche::Project::new(env!("CARGO_MANIFEST_DIR"))
        .app(&flights::CONFIG)
        .handler404(views::page_not_found)
        .handler500(views::server_error)
}
