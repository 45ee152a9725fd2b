#[derive(manouche::Template)]
#[template(path = "ui/filter_wrong_type.html")]
struct Page {
    when: std::time::Instant,
}
fn main() {}
