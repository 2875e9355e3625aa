#!/usr/bin/env bash
# The national recompute of diagterr against the same work scripted with pandas, DuckDB and
# Python polars (benches/peers.py), process against process, interleaved; prints the table of
# medians (wall clock, CPU, peak memory) and checks that the scripts' lists equal pandas'.
# The scripts' libraries are installed from PyPI into a local virtual environment.
# Usage: bash benches/compare_peers.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/python-peers
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pandas duckdb polars
fi
cargo build --release --quiet
./target/release/diagterr synthetique --sortie target/bench-synthetique >/dev/null
"$venv/bin/python" benches/compare_peers.py "$PWD/target/release/diagterr" "$PWD/target/bench-synthetique" "${1:-15}"
