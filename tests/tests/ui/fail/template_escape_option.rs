// The routes these cases look names up in (tasks: index, add, item; hello: greet).
include!("shared/url_tree.rs");
#[derive(manouche::Template)]
#[template(source = "{{ name }}", ext = "txt", escape = "none")]
struct Page {
    name: String,
}
fn main() {}
