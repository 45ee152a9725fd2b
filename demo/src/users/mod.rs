//! The lecture's users app: a page for logged-in users, logging in and out.

pub mod urls;
pub mod views;
