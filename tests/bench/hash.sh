#!/usr/bin/env bash
# A login's password check (PBKDF2-SHA256, a million rounds): manouche, ring's PBKDF2 alone
# and Django 5.2 (installed in target/bench-venv as for run.sh; MANOUCHE_BENCH_NO_DJANGO=1
# leaves it out).
set -euo pipefail
cd "$(dirname "$0")/../.."
python=()
if [ -z "${MANOUCHE_BENCH_NO_DJANGO:-}" ]; then
    venv=target/bench-venv
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import django" 2>/dev/null; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet "django==5.2.*" "gunicorn==23.*"
    fi
    python=(--python "$venv/bin/python")
fi
cargo build --release --locked -p manouche-bench --bin hash-bench
exec target/release/hash-bench "${python[@]}" "$@"
