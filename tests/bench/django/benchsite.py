"""Peers (f) and (g): the demo's hello:greet and tasks index in Django 5.2, one module, served
by gunicorn (`gunicorn benchsite:application`) with DEBUG off, sessions in SQLite. Django
renders the demo's own template files (they are Django's syntax), so both send the same page."""

import os

from django import forms
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import include, path, reverse

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "..", "..", "demo")

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-" + "x" * 50),
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.sessions"],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [
                os.path.join(DEMO, "templates"),
                os.path.join(DEMO, "src", "hello", "templates"),
                os.path.join(DEMO, "src", "tasks", "templates"),
            ],
            "OPTIONS": {
                "context_processors": ["django.template.context_processors.request"],
                # The demo's templates use {% static %} without {% load static %}.
                "builtins": ["django.templatetags.static"],
            },
        }
    ],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DJANGO_DB", os.path.join(HERE, "db.sqlite3")),
        }
    },
    STATIC_URL="/static/",
    USE_TZ=True,
)

application = get_wsgi_application()


class NewTaskForm(forms.Form):
    task = forms.CharField(label="New Task", max_length=200)
    priority = forms.IntegerField(label="Priority", min_value=1, max_value=5)


def greet(request, name):
    return render(request, "hello/greet.html", {"name": name.capitalize()})


def unused(request):
    """Routes the layout links to; not loaded."""
    raise NotImplementedError


def index(request):
    return render(request, "tasks/index.html", {"tasks": request.session.get("tasks", [])})


def add(request):
    if request.method == "POST":
        form = NewTaskForm(request.POST)
        if form.is_valid():
            request.session["tasks"] = request.session.get("tasks", []) + [
                form.cleaned_data["task"]
            ]
            return HttpResponseRedirect(reverse("tasks:index"))
    else:
        form = NewTaskForm()
    return render(request, "tasks/add.html", {"form": form})


urlpatterns = [
    path(
        "hello/",
        include(
            ([path("", unused, name="index"), path("<str:name>", greet, name="greet")], "hello")
        ),
    ),
    path("newyear/", include(([path("", unused, name="index")], "newyear"))),
    path(
        "tasks/",
        include(([path("", index, name="index"), path("add", add, name="add")], "tasks")),
    ),
]

if __name__ == "__main__":
    # `python benchsite.py migrate`: the session table.
    from django.core.management import execute_from_command_line
    import sys

    execute_from_command_line(sys.argv)
