mod views {
    use manouche::prelude::*;
    #[view]
    pub fn greet(_request: &Request, name: i64) -> String { name.to_string() }
}
mod urls {
    manouche::urlpatterns! {
        path("hello/<str:name>", crate::views::greet, name = "greet"),
    }
}
fn main() {}
