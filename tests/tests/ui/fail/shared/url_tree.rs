mod views {
    use manouche::prelude::*;
    #[view]
    pub fn index(_request: &Request) -> &'static str { "tasks" }
    #[view]
    pub fn add(_request: &Request) -> &'static str { "add" }
    #[view]
    pub fn greet(_request: &Request, name: String) -> String { name }
    #[view]
    pub fn item(_request: &Request, id: i64) -> String { id.to_string() }
}
mod tasks {
    pub mod urls {
        use manouche::{app, urlpatterns};
        app!(name = "tasks");
        urlpatterns! {
            path("", crate::views::index, name = "index"),
            path("add", crate::views::add, name = "add"),
            path("<int:id>", crate::views::item, name = "item"),
        }
    }
}
mod hello {
    pub mod urls {
        use manouche::{app, urlpatterns};
        app!(name = "hello");
        urlpatterns! {
            path("<str:name>", crate::views::greet, name = "greet"),
        }
    }
}
mod urls {
    manouche::urlpatterns! {
        path("tasks/", include(crate::tasks::urls)),
        path("hello/", include(crate::hello::urls)),
    }
}
