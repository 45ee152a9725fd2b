// The routes these cases look names up in (tasks: index, add, item; hello: greet).
include!("shared/url_tree.rs");
#[derive(manouche::Template)]
#[template(path = "ui/nowhere.html")]
struct Page;
fn main() {}
