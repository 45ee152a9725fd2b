//! The lecture's first app: "Hello, world!" and a greeting by name.

pub mod urls;
pub mod views;
