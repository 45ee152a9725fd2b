use manouche::{app, urlpatterns};

app!(name = "reviews");

urlpatterns! {
    path("", super::list, name = "list"),
}
