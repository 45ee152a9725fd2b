#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer through cargo-fuzz) of every parser of client input.
#   bash tests/fuzz/run.sh [SECONDS]   each target for SECONDS (default 60); crashes land in
#                                      tests/fuzz/artifacts/<target>/ with the input that broke it
# cargo-fuzz drives rustc's sanitizer-coverage instrumentation, which the stable toolchain
# allows with RUSTC_BOOTSTRAP=1 (no nightly is needed); no sanitizer is used (-s none).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
export RUSTC_BOOTSTRAP=1
for target in parsers templates requests; do
    mkdir -p "tests/fuzz/corpus/$target"
    cargo fuzz run --fuzz-dir tests/fuzz -s none "$target" "tests/fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
done
