#[derive(manouche::Template)]
#[template(path = "ui/unknown_filter.html")]
struct Page {
    name: String,
}
fn main() {}
