#!/usr/bin/env bash
# Where a request's CPU time goes, sampled by `perf record` (real time, so it also shows what
# instruction counts miss: copies that stall, cache misses, atomic operations). Runs raw hyper
# (the greet page's HTML) and the demo's hello:greet, each pinned to core 0 and loaded by wrk
# pinned to core 1 for 5 s, and prints each one's user-space functions in nanoseconds per
# request, side by side (perf's own overhead inflates all figures alike).
#   bash tests/bench/profile.sh [TOP]        # TOP functions (30)
set -euo pipefail
cd "$(dirname "$0")/../.."
top=${1:-30}
source tests/bench/common.sh
out=target/profile
bench_setup "$out" perf linux-perf

profile() { # name port program args...
    local name=$1 port=$2
    shift 2
    taskset -c 0 "$@" >/dev/null 2>&1 &
    local pid=$!
    wait_for "$port"
    taskset -c 1 wrk -t1 -c64 -d1s "http://127.0.0.1:$port/hello/brian" >/dev/null
    perf record -q -e cpu-clock -F 10000 -p "$pid" -o "$out/$name.data" -- sleep 5 2>/dev/null &
    local recorder=$!
    sleep 0.1
    taskset -c 1 wrk -t1 -c64 -d5s "http://127.0.0.1:$port/hello/brian" |
        awk '/requests in/ {print $1}' >"$out/$name.requests"
    wait "$recorder" || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    perf report -i "$out/$name.data" --no-children --sort sym 2>/dev/null >"$out/$name.txt"
}

profile hyper 8191 target/release/hyper-hello 8191 page
profile demo 8192 target/release/demo serve 127.0.0.1:8192

python3 - "$out" "$top" <<'PY'
import re, sys
out, top = sys.argv[1], int(sys.argv[2])
def load(name):
    requests = int(open(f"{out}/{name}.requests").read())
    text = open(f"{out}/{name}.txt").read()
    samples = int(re.search(r"# Samples: (\d+)(K?)", text).group(1)) * (
        1000 if re.search(r"# Samples: \d+K", text) else 1)
    per_request_ns = samples * 100_000 / requests  # one sample = 100 µs at 10 kHz
    shares = {}
    for line in text.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+\[(.)\]\s+(.*)", line)
        if m:
            shares[(m.group(2), m.group(3).strip())] = float(m.group(1)) * per_request_ns / 100
    return shares, per_request_ns
hyper, hyper_total = load("hyper")
demo, demo_total = load("demo")
user = lambda d: sum(v for (k, _), v in d.items() if k == ".")
print(f"ns per request (sampled): raw hyper {hyper_total:.0f} (user {user(hyper):.0f}), "
      f"demo hello:greet {demo_total:.0f} (user {user(demo):.0f})")
print(f"{'demo':>8} {'hyper':>8}  user-space function")
rows = sorted(((v, k[1]) for k, v in demo.items() if k[0] == "."), reverse=True)[:top]
for ns, name in rows:
    print(f"{ns:8.1f} {hyper.get(('.', name), 0):8.1f}  {name[:100]}")
PY
