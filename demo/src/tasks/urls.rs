// ANCHOR: all
use manouche::{app, urlpatterns};

use super::views;

app!(name = "tasks");

urlpatterns! {
    path("", views::index, name = "index"),
    path("add", views::add, name = "add"),
    path("files", views::files, name = "files"),
}
// ANCHOR_END: all
