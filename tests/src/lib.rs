//! Black-box tests of manouche. This crate is also a small test site (its root URLconf is
//! `crate::urls`) with the views the lecture's demo has no reason to have: ones that panic,
//! fail, sleep, and one per path converter. `support` starts servers and talks raw HTTP.

pub mod accounts;
pub mod blog;
pub mod catalog;
pub mod catch_all;
pub mod converters;
pub mod forms;
pub mod middleware;
pub mod pages;
pub mod reversals;
pub mod shop;
pub mod support;
pub mod templatetags;
pub mod uploads;
pub mod urls;
pub mod users;
pub mod views;

// ANCHOR: project
/// The test site as a project, with one command and one app's migrations of its own.
pub fn project() -> manouche::Project<urls::UrlConf> {
    manouche::Project::new(concat!(env!("CARGO_MANIFEST_DIR"), "/site"))
        .command("greet", "Greets the names given.", greet_command)
        .app_migrations("catalog", |_| {
            manouche::migrations!("src/catalog/migrations")
        })
}
// ANCHOR_END: project

// ANCHOR: project_middleware
/// The test site with middleware of its own, as the book's "Middleware" chapter adds them.
pub fn project_with_middleware() -> manouche::Project<urls::UrlConf> {
    use middleware::{Closed, Timing};
    manouche::Project::new(concat!(env!("CARGO_MANIFEST_DIR"), "/site"))
        .middleware(Timing)
        .middleware(Closed)
}
// ANCHOR_END: project_middleware

/// `testsite greet NAME…`.
fn greet_command(args: &[String]) -> Result<(), manouche::management::CommandError> {
    if args.is_empty() {
        return Err(manouche::management::CommandError(
            "greet needs at least one name".into(),
        ));
    }
    println!("Hello, {}!", args.join(" and "));
    Ok(())
}
