//! A second root URLconf whose one route catches every path that ends in a slash, as a
//! site's "pages" app might: what made APPEND_SLASH an open redirect in Django
//! (CVE-2018-14574).

use manouche::urlpatterns;

use crate::views;

urlpatterns! {
    path("<path:value>/", views::echo_path, name = "page"),
}

/// The catch-all site as a project (the test site's settings).
pub fn project() -> manouche::Project<UrlConf> {
    manouche::Project::new(concat!(env!("CARGO_MANIFEST_DIR"), "/site"))
}
