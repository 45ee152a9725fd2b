//! The lecture's second app: is it New Year's Day?

pub mod urls;
pub mod views;
