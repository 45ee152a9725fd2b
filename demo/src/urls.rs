//! The root URLconf (Django's ROOT_URLCONF = "demo.urls").

// ANCHOR: all
use manouche::urlpatterns;

urlpatterns! {
    path("flights/", include(crate::flights::urls)),
    path("hello/", include(crate::hello::urls)),
    path("newyear/", include(crate::newyear::urls)),
    path("tasks/", include(crate::tasks::urls)),
    path("users/", include(crate::users::urls)),
}
// ANCHOR_END: all
