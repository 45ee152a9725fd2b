"""Writes tests/reference/staticfiles/expected.json: what Django 5.2's collectstatic (with
ManifestStaticFilesStorage) makes of the files in tests/reference/staticfiles: the manifest's
paths and the rewritten text of each CSS and JavaScript file. tests/tests/staticfiles.rs
compares manouche's collectstatic with it.

Run: target/bench-venv/bin/python tests/reference/django_collectstatic.py"""
import json
import pathlib
import tempfile

import django
from django.conf import settings

HERE = pathlib.Path(__file__).resolve().parent / "staticfiles"

with tempfile.TemporaryDirectory() as root:
    settings.configure(
        DEBUG=False,
        INSTALLED_APPS=["django.contrib.staticfiles"],
        STATIC_URL="static/",
        STATIC_ROOT=root,
        STATICFILES_DIRS=[str(HERE / "static"), str(HERE / "src" / "blog" / "static")],
        STORAGES={
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            }
        },
    )
    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((pathlib.Path(root) / "staticfiles.json").read_text())
    files = {
        hashed: (pathlib.Path(root) / hashed).read_text()
        for name, hashed in manifest["paths"].items()
        if name.endswith((".css", ".js"))
    }
    out = {"paths": dict(sorted(manifest["paths"].items())), "hash": manifest["hash"], "files": files}
    (HERE / "expected.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {HERE / 'expected.json'}")
