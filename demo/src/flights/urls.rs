// ANCHOR: all
use manouche::{app, urlpatterns};

use super::views;

app!(name = "flights");

urlpatterns! {
    path("", views::index, name = "index"),
    path("<int:flight_id>", views::flight, name = "flight"),
    path("<int:flight_id>/book", views::book, name = "book"),
    path("api/<int:flight_id>", views::api, name = "api"),
    path("new", views::new_flight, name = "new"),
    path("airports/new", views::new_airport, name = "new_airport"),
}
// ANCHOR_END: all
