//! The lecture's project: apps `hello` and `newyear` (and `tasks`, as the book goes on).

pub mod hello;
pub mod newyear;
pub mod urls;

/// The project: its folder (for settings.toml) and its root URLconf.
pub fn project() -> manouche::Project<urls::UrlConf> {
    manouche::Project::new(env!("CARGO_MANIFEST_DIR"))
}
