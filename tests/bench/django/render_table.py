"""Times Django's template engine on tests/bench/templates/table.html with the rows that
render-bench uses, and prints microseconds per render (read by render-bench)."""

import datetime
import pathlib
import sys
import time

import django
from django.conf import settings

HERE = pathlib.Path(__file__).resolve().parent
settings.configure(
    USE_TZ=False,
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [HERE.parent / "templates"],
        }
    ],
)
django.setup()

from django.template import engines  # noqa: E402


def rows():
    out = []
    for i in range(100):
        out.append(
            {
                "name": f"item number {i}",
                "price": (i * 37 % 1000) / 4,
                "when": datetime.date(2024, 1 + i % 12, 1 + i % 28),
                "tags": ["red", "green", "blue"][: 1 + i % 3],
                "count": i % 3,
                "note": "a note that is long enough to be cut" if i % 2 else "short",
                "done": i % 5 == 0,
            }
        )
    return out


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    template = engines["django"].get_template("table.html")
    context = {"rows": rows()}
    html = template.render(context)
    start = time.perf_counter()
    for _ in range(iterations):
        template.render(context)
    took = time.perf_counter() - start
    print(f"{took / iterations * 1e6:.1f}")
    if len(sys.argv) > 2:
        pathlib.Path(sys.argv[2]).write_text(html, encoding="utf-8")


if __name__ == "__main__":
    main()
