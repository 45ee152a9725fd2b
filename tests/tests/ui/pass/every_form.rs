// Every form #[view], urlpatterns!, app!, include and url! accept.
use std::borrow::Cow;

mod converters {
    use super::Cow;
    pub struct Year;
    impl manouche::urls::Converter for Year {
        const REGEX: &'static str = "[0-9]{4}";
        fn matches(v: &str) -> bool {
            v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit())
        }
    }
    impl manouche::urls::FromPathParam<Year> for i32 {
        fn from_path_param(v: &str) -> Option<Self> {
            v.parse().ok()
        }
    }
    impl manouche::urls::ToUrl<Year> for i32 {
        fn to_url(&self) -> Cow<'_, str> {
            Cow::Owned(self.to_string())
        }
    }
}

mod views {
    use manouche::prelude::*;

    #[view]
    pub fn sync_text(_request: &Request) -> &'static str {
        "text"
    }

    #[view]
    pub async fn async_mut(request: &mut Request) -> Result<Response> {
        let _ = request.method();
        Ok(redirect(url!("app:detail", id = 3)?))
    }

    #[view(csrf_exempt)]
    pub fn exempt(_request: &Request) -> (StatusCode, Html<String>) {
        (StatusCode::CREATED, Html("<p>made</p>".into()))
    }

    #[view]
    pub fn json(_request: &Request, slug: String, id: u32, key: uuid::Uuid, rest: String) -> Json<Vec<String>> {
        Json(vec![slug, id.to_string(), key.to_string(), rest])
    }

    #[view]
    pub fn year(_request: &Request, year: i32) -> String {
        year.to_string()
    }

    #[view]
    pub(crate) fn detail(_request: &Request, id: i64) -> Result<String, std::num::ParseIntError> {
        Ok(id.to_string())
    }
}

mod app_urls {
    use manouche::{app, urlpatterns};
    app!(name = "app");
    urlpatterns! {
        path("<int:id>/", crate::views::detail, name = "detail"),
    }
}

mod plain_urls {
    use manouche::urlpatterns;
    urlpatterns! {
        path("exempt", crate::views::exempt, name = "exempt");
    }
}

mod urls {
    use manouche::urlpatterns;
    use crate::views;
    urlpatterns! {
        register_converter(crate::converters::Year, "yyyy"),
        path("", views::sync_text, name = "home"),
        path("mut", views::async_mut),
        path("j/<slug:slug>/<int:id>/<uuid:key>/<path:rest>", views::json, name = "json"),
        path("y/<yyyy:year>", views::year, name = "year"),
        path("app/", include(crate::app_urls)),
        path("plain/", include(crate::plain_urls)),
    }
}

fn main() {
    let _: String = manouche::url!("home");
    let _: String = manouche::url!("exempt");
    let _ = manouche::url!("year", year = 2024);
    let _ = manouche::url!("json", slug = "a", id = 1u32, key = uuid::Uuid::nil(), rest = "a/b");
    let _ = manouche::url!("json", "a", 1u32, uuid::Uuid::nil(), "a/b");
    let _ = manouche::Project::<urls::UrlConf>::new(".");
}
