#!/usr/bin/env bash
# Serving a 20 KB hashed CSS file from STATIC_ROOT: the demo's `serve` (DEBUG off, after
# collectstatic) against nginx (one worker, installed when missing) and tower-http's
# ServeDir alone behind axum, one after the other under the same wrk load. Prints each
# one's requests a second and CPU per request (the server processes' user+system time
# over the requests wrk made), and the ratios.
#   bash tests/bench/static.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/bench/common.sh
out=target/bench-static
rm -rf "$out"
bench_setup "$out" nginx nginx
seconds=${1:-5}
mkdir -p "$out/project/static/css"
# 20 KB of CSS that refers to nothing.
for i in $(seq 1 600); do printf '.rule-%03d { margin: %dpx; color: #%06x; }\n' "$i" "$i" "$((i * 997))"; done \
    >"$out/project/static/css/bench.css"
truncate -s 20480 "$out/project/static/css/bench.css"
export MANOUCHE_BASE_DIR=$PWD/$out/project MANOUCHE_STATIC_ROOT=$PWD/$out/collected
target/release/demo collectstatic --noinput -v 0
hashed=$(sed -n 's/.*"css\/bench.css": "\([^"]*\)".*/\1/p' "$out/collected/staticfiles.json")
echo "file: /static/$hashed ($(wc -c <"$out/collected/$hashed") bytes)"
# Every process given (nginx's master and worker).
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$t"; }
hz=$(getconf CLK_TCK)
measure() {
    local name=$1 port=$2
    shift 2
    for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/static/$hashed" && break; sleep 0.1; done
    wrk -t1 -c16 -d1s "http://127.0.0.1:$port/static/$hashed" >/dev/null
    local before after reqs
    before=$(ticks "$@")
    reqs=$(wrk -t1 -c16 -d"${seconds}s" "http://127.0.0.1:$port/static/$hashed" | awk '/requests in/ { print $1 }')
    after=$(ticks "$@")
    awk -v n="$name" -v r="$reqs" -v t="$((after - before))" -v hz="$hz" -v s="$seconds" \
        'BEGIN { printf "%-22s %8.0f req/s  %6.1f µs CPU a request\n", n, r / s, t / hz * 1e6 / r }' \
        | tee -a "$out/results"
}
target/release/demo serve 127.0.0.1:8094 >"$out/demo.log" 2>&1 &
demo=$!
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
measure "manouche serve" 8094 "$demo"
kill "$demo"
target/release/serve-dir 8095 "$out/collected" &
peer=$!
measure "tower-http ServeDir" 8095 "$peer"
kill "$peer"
mkdir -p "$out/nginx"
cat >"$out/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $PWD/$out/nginx/nginx.pid;
error_log $PWD/$out/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    include /etc/nginx/mime.types;
    client_body_temp_path $PWD/$out/nginx;
    server {
        listen 127.0.0.1:8096;
        location /static/ { alias $PWD/$out/collected/; add_header Cache-Control "max-age=31536000, immutable"; }
    }
}
CONF
nginx -c "$PWD/$out/nginx/nginx.conf" &
master=$!
sleep 0.5
measure "nginx (1 worker)" 8096 "$master" $(pgrep -P "$master")
kill "$master"
awk '/µs CPU/ { cpu[NR] = $(NF-4) }
     END { printf "manouche / ServeDir CPU a request: %.2f×\nmanouche / nginx CPU a request: %.2f×\n", cpu[1] / cpu[2], cpu[1] / cpu[3] }' "$out/results"
