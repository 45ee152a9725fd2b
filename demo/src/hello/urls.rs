// ANCHOR: all
use manouche::{app, urlpatterns};

use super::views;

app!(name = "hello");

urlpatterns! {
    path("", views::index, name = "index"),
    path("<str:name>", views::greet, name = "greet"),
}
// ANCHOR_END: all
