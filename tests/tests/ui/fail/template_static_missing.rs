// A literal `{% static %}` path names a file of the project's static folders.
#[derive(manouche::Template)]
#[template(source = "<link href=\"{% static 'css/sitee.css' %}\">", ext = "html")]
struct Page;
fn main() {}
