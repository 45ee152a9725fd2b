//! The lecture's `users` app: a page only for logged-in users, a login form and logout.

pub mod urls;
pub mod views;
