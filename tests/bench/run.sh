#!/usr/bin/env bash
# The load benchmark in one command: raw hyper, axum, the demo (hello:greet and the tasks
# index with a 10-task session in SQLite) and a hand-written axum + askama + diesel program,
# each pinned to one core under wrk pinned to the other. Arguments go to manouche-bench
# (--runs N, --seconds S, --connections C).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v wrk >/dev/null; then
    SUDO=$(command -v sudo || true)
    $SUDO apt-get install -y wrk >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y wrk >/dev/null; }
fi
cargo build --release --locked -p demo -p manouche-bench
exec target/release/manouche-bench "$@"
