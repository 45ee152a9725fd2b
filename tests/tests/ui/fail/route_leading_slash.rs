mod views {
    use manouche::prelude::*;
    #[view]
    pub fn a(_request: &Request) -> &'static str { "a" }
}
mod urls {
    manouche::urlpatterns! {
        path("/a", crate::views::a, name = "a"),
    }
}
fn main() {}
