use manouche::{app, urlpatterns};

app!(name = "shop");

urlpatterns! {
    path("", super::index, name = "index"),
    path("items/<int:id>/", super::item, name = "item"),
    path("reviews/", include(crate::shop::reviews::urls)),
}
