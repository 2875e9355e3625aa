#!/usr/bin/env bash
# Runs the national benchmark in Rust (divan) and the same work with the Python
# stack (geopandas, matplotlib, jenkspy, pandas), installed from PyPI into a local virtual
# environment, and prints the ratio per step; then times the national recomputation as one
# command (wall clock and peak memory). Usage: bash benches/compare_python.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/python-bench
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet geopandas pyogrio matplotlib jenkspy mapclassify
fi
out=$(mktemp -d)
# The synthetic national dataset both sides read.
cargo build --release --quiet
./target/release/diagterr synthetique --sortie target/bench-synthetique >/dev/null
echo "== Python (geopandas, matplotlib, jenkspy): best of 3, seconds" >&2
"$venv/bin/python" benches/python_reference.py "$PWD" "$out" | tee "$out/python.txt"
echo "== Rust (cargo bench --bench national --bench recompute): median" >&2
cargo bench --bench national --bench recompute 2>/dev/null | tee "$out/rust.txt"
# The whole recomputation as users run it: one command, both cores, wall clock and peak memory.
/usr/bin/time -f "commande executer : %e s (horloge), %M Kio de mémoire au plus" \
  ./target/release/diagterr executer target/bench-synthetique/requetes --sortie "$out/recompute" >/dev/null
"$venv/bin/python" - "$out/python.txt" "$out/rust.txt" <<'PY'
import re, sys
units = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
py = dict(line.split() for line in open(sys.argv[1]) if line.strip())
rust = {}
for line in open(sys.argv[2]):
    # divan rows: "├─ name   fastest │ slowest │ median │ mean │ samples │ iters"
    m = re.match(r"^[├╰]─ (\w+)\s+([\d.]+) (\w+)\s+│\s+([\d.]+) (\w+)\s+│\s+([\d.]+) (\w+)", line)
    if m:
        rust[m.group(1)] = float(m.group(6)) * units[m.group(7)]
print(f"{'étape':40} {'Python (s)':>12} {'diagterr (s)':>12} {'rapport':>9}")
for step, p in py.items():
    r = rust.get(step)
    if r is None:
        print(f"{step:40} {float(p):12.3f} {'—':>12}")
    else:
        print(f"{step:40} {float(p):12.3f} {r:12.4f} {float(p) / r:8.1f}×")
PY
