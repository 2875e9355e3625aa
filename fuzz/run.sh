#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 600) with the seeds of fuzz/seeds/, one after
# the other; a crash stops the script and leaves its input in fuzz/artifacts/TARGET/.
#   bash fuzz/run.sh 600
# Needs the nightly toolchain (rustup toolchain install nightly) and cargo-fuzz
# (cargo install cargo-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
for target in csv_reader geojson_reader shapefile_reader query_parser; do
  corpus=fuzz/corpus/$target
  mkdir -p "$corpus"
  cp -n fuzz/seeds/$target/* "$corpus"/ 2>/dev/null || true
  echo "== $target, $seconds s"
  cargo +nightly fuzz run --sanitizer none -O "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
done
