//! The lecture's tasks app: a to-do list kept in the visitor's session.

pub mod forms;
pub mod urls;
pub mod views;
