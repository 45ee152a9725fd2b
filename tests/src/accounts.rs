//! Django's `include("django.contrib.auth.urls")`: the ready-made auth views.

manouche::auth_urls!();
