#!/usr/bin/env bash
# User-space instructions per request, counted by valgrind's callgrind: steadier than CPU
# time on a noisy machine (the same count run after run), for comparing changes to the hot
# path. Runs raw hyper (the greet page's HTML) and the demo's hello:greet under callgrind,
# each loaded by wrk for 8 s, and prints instructions per request for both.
#   bash tests/bench/callgrind.sh            # then: callgrind_annotate target/callgrind/demo.out
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/bench/common.sh
out=target/callgrind
bench_setup "$out" valgrind valgrind

count() { # name port program args...
    local name=$1 port=$2
    shift 2
    rm -f "$out/$name.out"*
    valgrind --tool=callgrind --callgrind-out-file="$PWD/$out/$name.out" "$@" >"$out/$name.log" 2>&1 &
    local pid=$!
    wait_for "$port"
    local requests
    requests=$(wrk -t1 -c4 -d8s "http://127.0.0.1:$port/hello/brian" | awk '/requests in/ {print $1}')
    callgrind_control -d "$pid" >/dev/null 2>&1 || true
    sleep 2
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local file total
    file=$(ls -t "$out/$name.out"* | head -1)
    total=$(callgrind_annotate "$file" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    echo "$name: $((total / requests)) instructions per request ($requests requests; $file)"
}

count hyper-page 8191 target/release/hyper-hello 8191 page
count demo-greet 8192 target/release/demo serve 127.0.0.1:8192
