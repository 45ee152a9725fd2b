mod views {
    use manouche::prelude::*;
    #[view]
    pub fn a(_request: &Request) -> &'static str { "a" }
    #[view]
    pub fn b(_request: &Request) -> &'static str { "b" }
}
mod urls {
    manouche::urlpatterns! {
        path("a", crate::views::a, name = "index"),
        path("b", crate::views::b, name = "index"),
    }
}
fn main() {}
