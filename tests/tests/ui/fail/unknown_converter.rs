mod views {
    use manouche::prelude::*;
    #[view]
    pub fn show(_request: &Request, var: String) -> String { var }
}
mod urls {
    manouche::urlpatterns! {
        path("foo/<nonexistent:var>/", crate::views::show, name = "show"),
    }
}
fn main() {}
