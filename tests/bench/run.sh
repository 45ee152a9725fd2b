#!/usr/bin/env bash
# The load benchmark in one command: raw hyper, axum, the demo (hello:greet, the tasks
# index with a 10-task session in SQLite, and the flight page with its passengers),
# hand-written axum + askama + diesel programs for the last two, and Django 5.2 under gunicorn, each pinned to one core under wrk pinned to the other.
# Arguments go to manouche-bench (--runs N, --seconds S, --connections C).
# MANOUCHE_BENCH_NO_DJANGO=1 leaves Django out (no Python packages are installed then).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v wrk >/dev/null; then
    SUDO=$(command -v sudo || true)
    $SUDO apt-get install -y wrk >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y wrk >/dev/null; }
fi
django=()
if [ -z "${MANOUCHE_BENCH_NO_DJANGO:-}" ]; then
    venv=target/bench-venv
    if [ ! -x "$venv/bin/gunicorn" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet "django==5.2.*" "gunicorn==23.*"
    fi
    django=(--django "$venv")
fi
# The servers read MANOUCHE_* as settings and refuse unknown ones: this one is the script's.
unset MANOUCHE_BENCH_NO_DJANGO
cargo build --release --locked -p demo -p manouche-bench
exec target/release/manouche-bench "${django[@]}" "$@"
