use manouche::{app, urlpatterns};

use super::views;

app!(name = "newyear");

urlpatterns! {
    path("", views::index, name = "index"),
}
