mod views {
    use manouche::prelude::*;
    #[view]
    pub fn a(_request: &Request) -> &'static str { "a" }
}
mod urls {
    manouche::urlpatterns! {
        path("hello/<int:1>/", crate::views::a, name = "a"),
        path("space/<int:num>/extra/<str: test>", crate::views::a, name = "b"),
    }
}
fn main() {}
