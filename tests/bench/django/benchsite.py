"""Peers (f) and (g): the demo's hello:greet and tasks index in Django 5.2, one module, served
by gunicorn (`gunicorn benchsite:application`) with DEBUG off, sessions in SQLite."""

import os

from django import forms
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse

HERE = os.path.dirname(os.path.abspath(__file__))

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
            "DIRS": [os.path.join(HERE, "templates")],
            "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
        }
    ],
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("DJANGO_DB", os.path.join(HERE, "db.sqlite3")),
        }
    },
    USE_TZ=True,
)

application = get_wsgi_application()


class NewTaskForm(forms.Form):
    task = forms.CharField(label="New Task", max_length=200)
    priority = forms.IntegerField(label="Priority", min_value=1, max_value=5)


def greet(request, name):
    return render(request, "greet.html", {"name": name.capitalize()})


def index(request):
    return render(request, "tasks.html", {"tasks": request.session.get("tasks", [])})


def add(request):
    if request.method == "POST":
        form = NewTaskForm(request.POST)
        if form.is_valid():
            request.session["tasks"] = request.session.get("tasks", []) + [
                form.cleaned_data["task"]
            ]
            return HttpResponseRedirect(reverse("index"))
    else:
        form = NewTaskForm()
    return render(request, "add.html", {"form": form})


urlpatterns = [
    path("hello/<str:name>", greet, name="greet"),
    path("tasks/", index, name="index"),
    path("tasks/add", add, name="add"),
]

if __name__ == "__main__":
    # `python benchsite.py migrate`: the session table.
    from django.core.management import execute_from_command_line
    import sys

    execute_from_command_line(sys.argv)
