//! The lecture's airline: airports, flights and their passengers, in tables of their own.

pub mod models;
pub mod urls;
pub mod views;

// ANCHOR: config
manouche::app_config! {
    name = "flights",
    models = [models::Airport, models::Flight, models::Passenger, models::Booking],
}
// ANCHOR_END: config
