#!/usr/bin/env bash
# A login's password check (PBKDF2-SHA256, a million rounds): manouche, ring's PBKDF2 alone
# and Django 5.2 (installed in target/bench-venv as for run.sh; MANOUCHE_BENCH_NO_DJANGO=1
# leaves it out).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/bench/common.sh
python=$(django_python)
cargo build --release --locked -p manouche-bench --bin hash-bench
# shellcheck disable=SC2086 # "--python PATH", two words, or nothing
exec target/release/hash-bench $python "$@"
