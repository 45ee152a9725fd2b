#!/usr/bin/env bash
# Every check of the project, as CI runs it: formatting, lints, and all the tests
# (unit, real-socket, in-process, compile-fail UI, and the browser tests in headless
# Chromium). Installs what it needs first (curl, chromium, playwright-core).
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
    if need apt-get; then
        [ -n "${APT_UPDATED:-}" ] || { apt-get update -qq >/dev/null 2>&1 || true; APT_UPDATED=1; }
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
        echo "please install: $*" >&2
        exit 1
    fi
}
need curl || apt_install curl
need chromium || apt_install chromium
need node || apt_install nodejs npm
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt clippy

# PostgreSQL backs the session tests; start it when the machine has it and it is down.
if need pg_ctlcluster && [ -d /etc/postgresql ] && ! (need pg_isready && pg_isready -q -h 127.0.0.1 -p 5432); then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi

echo "== mdbook build"
need mdbook || cargo install mdbook --version 0.5.4 --quiet
mdbook build book
# Every {{#include}} must have been resolved into the pages.
if grep -l '{{#include' book/book/*.html; then
    echo "the book has unresolved {{#include}}s" >&2
    exit 1
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log"
echo "== the demo's flights tests on PostgreSQL (a test database of their own)"
DATABASE_URL="${MANOUCHE_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}" \
    cargo test -p demo --locked --test flights 2>&1 | tee -a "$log"

echo "== browser tests (headless Chromium)"
cargo build -p demo --locked --quiet
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
DEMO_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/demo" node --test tests/browser/ 2>&1 | tee -a "$log"

# One closing line for CI: the totals of every test binary and of the browser tests.
awk '/^test result:/ { p += $4; f += $6; i += $8 }
     /^# pass /      { p += $3 }
     /^# fail /      { f += $3 }
     /^# skipped /   { i += $3 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, i }' "$log"
