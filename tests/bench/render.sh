#!/usr/bin/env bash
# Template rendering speed: a 100-row table with filters in every cell, rendered by
# manouche's compiled Django template, by askama written by hand and by Django 5.2's engine
# (installed in target/bench-venv as for run.sh; MANOUCHE_BENCH_NO_DJANGO=1 leaves it out).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/bench/common.sh
python=$(django_python)
cargo build --release --locked -p manouche-bench --bin render-bench
# shellcheck disable=SC2086 # "--python PATH", two words, or nothing
exec target/release/render-bench $python "$@"
