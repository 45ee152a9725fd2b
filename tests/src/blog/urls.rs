use manouche::urlpatterns;

urlpatterns! {
    path("<slug:slug>/", super::post, name = "post"),
}
