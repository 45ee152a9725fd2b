// The routes these cases look names up in (tasks: index, add, item; hello: greet).
include!("shared/url_tree.rs");
fn main() { let id = String::from("7"); let _ = manouche::url!("tasks:item", id = id); }
