use manouche::{app, urlpatterns};

app!(name = "catalog");

urlpatterns! {
    path("", super::index, name = "index"),
}
