# What tests/bench/callgrind.sh and profile.sh share; sourced, not run.
#   bench_setup DIR TOOL PACKAGE   installs wrk and TOOL (from PACKAGE) when missing, builds
#                                  the servers in release, and sets the demo's environment
#                                  (production mode, its SQLite database in DIR)
#   wait_for PORT                  waits until the server on PORT answers /hello/brian
#   django_python                  prints "--python PATH" of target/bench-venv's Python with
#                                  Django 5.2 (installed when missing), or nothing when
#                                  MANOUCHE_BENCH_NO_DJANGO is set

bench_setup() {
    local dir=$1 tool=$2 package=$3 sudo
    sudo=$(command -v sudo || true)
    command -v "$tool" >/dev/null || $sudo apt-get install -y "$package" >/dev/null
    command -v wrk >/dev/null || $sudo apt-get install -y wrk >/dev/null
    cargo build --release --locked -p demo -p manouche-bench
    mkdir -p "$dir"
    export MANOUCHE_DEBUG=false MANOUCHE_ALLOWED_HOSTS=127.0.0.1 MANOUCHE_AUTO_MIGRATE=true \
        MANOUCHE_SECRET_KEY=bench-only-4c1f8e2a9b7d6e5f3a2c1b0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5 \
        DATABASE_URL="sqlite://$PWD/$dir/db.sqlite3"
}

wait_for() {
    for _ in $(seq 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$1/hello/brian" && return 0
        sleep 0.2
    done
}

django_python() {
    [ -n "${MANOUCHE_BENCH_NO_DJANGO:-}" ] && return 0
    local venv=target/bench-venv
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import django" 2>/dev/null; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet "django==5.2.*" "gunicorn==23.*"
    fi
    echo "--python $venv/bin/python"
}
