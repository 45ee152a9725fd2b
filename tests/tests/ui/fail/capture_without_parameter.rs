mod views {
    use manouche::prelude::*;
    #[view]
    pub fn greet(_request: &Request, name: String) -> String { name }
}
mod urls {
    manouche::urlpatterns! {
        path("hello/<str:nam>", crate::views::greet, name = "greet"),
    }
}
fn main() {}
