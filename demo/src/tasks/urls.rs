// ANCHOR: all
use manouche::{app, urlpatterns};

use super::views;

app!(name = "tasks");

urlpatterns! {
    path("", views::index, name = "index"),
    path("add", views::add, name = "add"),
}
// ANCHOR_END: all
