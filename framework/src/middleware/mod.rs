//! The built-in middleware, each a tower `Layer`, composed in Django's order:
//! security headers → allowed hosts → common (APPEND_SLASH) → the user's layers → views.

pub mod common;
pub mod hosts;
pub mod security;

pub use common::CommonLayer;
pub use hosts::AllowedHostsLayer;
pub use security::SecurityHeadersLayer;
