"""Peers (f), (g) and (j): the demo's hello:greet, tasks index and flight page in Django 5.2,
served by gunicorn (`gunicorn benchsite:application`) with DEBUG off, sessions and the
flights app (`flights/`) in SQLite. Django renders the demo's own template files (they are
Django's syntax), so both send the same page. `python benchsite.py migrate` makes the
tables; `python benchsite.py seed` adds the demo's airports, flights and passengers."""

import os

from django import forms
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import include, path, reverse

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "..", "..", "demo")

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-" + "x" * 50),
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.sessions", "django.contrib.messages", "flights"],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [
                os.path.join(DEMO, "templates"),
                os.path.join(DEMO, "src", "hello", "templates"),
                os.path.join(DEMO, "src", "tasks", "templates"),
                os.path.join(DEMO, "src", "flights", "templates"),
            ],
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.messages.context_processors.messages",
                ],
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
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    USE_TZ=True,
)

application = get_wsgi_application()

from flights.models import Flight  # noqa: E402 (the apps are ready now)


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


def flight(request, flight_id):
    from flights.models import Passenger

    flight = get_object_or_404(Flight.objects.select_related("origin", "destination"), pk=flight_id)
    route = {"flight": flight, "origin": flight.origin, "destination": flight.destination}
    detail = {
        "route": route,
        "passengers": flight.passengers.order_by("id"),
        "non_passengers": Passenger.objects.exclude(flights=flight).order_by("id"),
    }
    return render(request, "flights/flight.html", {"detail": detail})


urlpatterns = [
    path(
        "hello/",
        include(
            ([path("", unused, name="index"), path("<str:name>", greet, name="greet")], "hello")
        ),
    ),
    path("newyear/", include(([path("", unused, name="index")], "newyear"))),
    path("users/", include(([path("", unused, name="index")], "users"))),
    path(
        "flights/",
        include(
            (
                [
                    path("", unused, name="index"),
                    path("<int:flight_id>", flight, name="flight"),
                    path("<int:flight_id>/book", unused, name="book"),
                ],
                "flights",
            )
        ),
    ),
    path(
        "tasks/",
        include(([path("", index, name="index"), path("add", add, name="add")], "tasks")),
    ),
]

def seed():
    """The demo's seed migration and three passengers on flight 1, as the benchmark books them."""
    from flights.models import Airport, Passenger

    if Airport.objects.exists():
        return
    airports = {}
    for code, city in [
        ("JFK", "New York"), ("LHR", "London"), ("CDG", "Paris"), ("PVG", "Shanghai"),
        ("IST", "Istanbul"), ("NRT", "Tokyo"), ("SVO", "Moscow"), ("LIM", "Lima"),
    ]:
        airports[code] = Airport.objects.create(code=code, city=city)
    for origin, destination, duration in [
        ("JFK", "LHR", 415), ("PVG", "CDG", 760), ("IST", "NRT", 700),
        ("JFK", "CDG", 435), ("SVO", "CDG", 245), ("LIM", "JFK", 455),
    ]:
        Flight.objects.create(
            origin=airports[origin], destination=airports[destination],
            duration=duration, capacity=180,
        )
    people = [
        Passenger.objects.create(first=first, last=last)
        for first, last in [("Harry", "Potter"), ("Ron", "Weasley"),
                            ("Hermione", "Granger"), ("Ginny", "Weasley")]
    ]
    for p in people[:3]:
        p.flights.add(Flight.objects.get(pk=1))


if __name__ == "__main__":
    # `python benchsite.py migrate` (the session and flights tables), `… seed`.
    from django.core.management import execute_from_command_line
    import sys

    if sys.argv[1:] == ["seed"]:
        seed()
    else:
        execute_from_command_line(sys.argv)
