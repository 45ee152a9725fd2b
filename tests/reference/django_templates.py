"""Renders tests/templates/lang/*.html with Django 5.2 itself and writes what Django
produces to tests/reference/templates/<name>.txt, the expected output of the
template-language conformance tests (tests/tests/template_language.rs).

The context here is the same as `Ctx::sample()` in that test, value for value. Run it
after changing a template or the context:

    python3 -m venv target/django-venv && target/django-venv/bin/pip install "django==5.2.*"
    target/django-venv/bin/python tests/reference/django_templates.py
"""

import datetime
import pathlib

import django
from django.conf import settings

HERE = pathlib.Path(__file__).resolve().parent
TEMPLATES = HERE.parent / "templates"

settings.configure(
    USE_TZ=False,
    TIME_ZONE="UTC",
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [TEMPLATES]}],
    INSTALLED_APPS=[],
)
django.setup()

from django.template import engines  # noqa: E402

CONTEXT = {
    "name": "World",
    "text": "Joel is a slug",
    "long_text": "The quick brown fox jumps over the lazy dog",
    "quote": "He said \"it's\" \\o/",
    "html": "<b>Tom & 'Jerry'</b>",
    "html_list": ["<a>", "b&c"],
    "markup": "<p>Joel <i>is</i> a <b>slug</b> indeed</p>",
    "para": "First line\nsecond <line>\n\nNew paragraph",
    "url_text": "Visit https://www.djangoproject.com/start/ or www.example.com, (mail me@example.com).",
    "query": "a b&c=d/é",
    "iri": "/blog/for/Jörg?x=ü y",
    "phone": "1-800-COLLECT",
    "empty": "",
    "none": None,
    "some": "x",
    "zero": 0,
    "one": 1,
    "two": 2,
    "neg": -5,
    "big": 123456789,
    "size": 123456789,
    "pi": 3.14159,
    "whole": 34.0,
    "half": 0.5,
    "tiny": 1.5e-05,
    "huge": 1e16,
    "yes": True,
    "no": False,
    "items": ["apple", "banana", "cherry"],
    "nums": [3, 1, 2],
    "repeated": [1, 1, 2, 2, 2, 3],
    "empty_list": [],
    "quote_list": ["it's", 'say "hi"'],
    "pairs": [("a", 1), ("b", 2)],
    "mapping": {"a": 1, "b": 2},
    "tasks": [{"name": "Write", "done": True}, {"name": "Test", "done": False}],
    "people": [
        {"name": name, "city": city}
        for name, city in [("Ann", "Paris"), ("Bo", "Paris"), ("Cy", "Rome"), ("Di", "Paris")]
    ],
    "date": datetime.date(2024, 3, 5),
    "datetime": datetime.datetime(2024, 3, 5, 16, 30, 7),
    "later": datetime.datetime(2024, 4, 20, 10, 0, 0),
    "time": datetime.time(9, 5),
    "midnight": datetime.time(0, 0),
    "noon": datetime.time(12, 0),
}


def main():
    engine = engines["django"]
    out_dir = HERE / "templates"
    out_dir.mkdir(exist_ok=True)
    for path in sorted((TEMPLATES / "lang").glob("*.html")):
        if path.name.startswith("partial"):
            continue
        text = engine.get_template(f"lang/{path.name}").render(CONTEXT)
        (out_dir / f"{path.stem}.txt").write_text(text, encoding="utf-8")
        print(f"wrote {path.stem}.txt")


if __name__ == "__main__":
    main()
