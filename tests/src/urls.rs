//! The test site's root URLconf.

use manouche::urlpatterns;

use crate::views;

// ANCHOR: converter
urlpatterns! {
    register_converter(crate::converters::FourDigitYear, "yyyy"),
    path("", views::home, name = "home"),
    path("str/<str:value>", views::echo_str, name = "str"),
    path("int/<int:value>", views::echo_int, name = "int"),
    path("small/<int:value>", views::echo_small, name = "small"),
    path("slug/<slug:value>", views::echo_slug, name = "slug"),
    path("uuid/<uuid:value>", views::echo_uuid, name = "uuid"),
    path("path/<path:value>", views::echo_path, name = "path"),
    path("year/<yyyy:year>", views::year, name = "year"),
    path("first/<int:n>", views::first_int, name = "first-int"),
    path("first/<str:s>", views::first_str, name = "first-str"),
    path("two/<slug:a>-<slug:b>", views::two, name = "two"),
    path("default/<value>", views::echo_str, name = "default"),
    path("panic", views::panic, name = "panic"),
    path("error", views::error, name = "error"),
    path("missing", views::missing, name = "missing"),
    path("forbidden", views::forbidden, name = "forbidden"),
    path("bad", views::bad, name = "bad"),
    path("go-home", views::go_home, name = "go-home"),
    path("moved", views::moved, name = "moved"),
    path("slow", views::slow, name = "slow"),
    path("own-headers", views::own_headers, name = "own-headers"),
    path("json", views::json, name = "json"),
    path("echo-body", views::echo_body, name = "echo-body"),
    path("big/<int:kib>", views::big, name = "big"),
    path("only-post", views::only_post, name = "only-post"),
    path("set-cookie", views::set_cookie, name = "set-cookie"),
    path("read-cookie", views::read_cookie, name = "read-cookie"),
    path("context/<str:x>", views::context, name = "context"),
    path("form", views::form, name = "form"),
    path("token", views::token, name = "token"),
    path("rotate", views::rotate, name = "rotate"),
    path("session/get/<str:key>", views::session_get, name = "session-get"),
    path("session/set/<str:key>/<str:value>", views::session_set, name = "session-set"),
    path("session/push/<str:item>", views::session_push, name = "session-push"),
    path("session/flush", views::session_flush, name = "session-flush"),
    path("session/cycle", views::session_cycle, name = "session-cycle"),
    path("session/expiry/<int:seconds>", views::session_expiry, name = "session-expiry"),
    path("session/fail", views::session_fail, name = "session-fail"),
    path("session/key", views::session_key, name = "session-key"),
    path("slash/", views::home, name = "slash"),
    path("q&a/it's", views::home, name = "odd"),
    path("shop/", include(crate::shop::urls)),
    path("blog/", include(crate::blog::urls)),
}
// ANCHOR_END: converter
