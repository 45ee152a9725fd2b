mod app { pub mod urls { manouche::urlpatterns! {} } }
mod urls {
    manouche::urlpatterns! {
        path("app/", include(super::app::urls)),
    }
}
fn main() {}
