use manouche::{app, urlpatterns};

use super::views;

app!(name = "users");

urlpatterns! {
    path("", views::index, name = "index"),
    path("login", views::login_view, name = "login"),
    path("logout", views::logout_view, name = "logout"),
    path("whoami", views::whoami, name = "whoami"),
    path("staff", views::staff, name = "staff"),
}
