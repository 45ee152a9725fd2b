mod views {
    use manouche::prelude::*;
    pub fn plain(_request: &Request) -> &'static str { "not annotated" }
}
mod urls {
    manouche::urlpatterns! {
        path("", crate::views::plain, name = "plain"),
    }
}
fn main() {}
