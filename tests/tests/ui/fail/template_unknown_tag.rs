#[derive(manouche::Template)]
#[template(path = "ui/unknown_tag.html")]
struct Page {
    items: Vec<String>,
}
fn main() {}
