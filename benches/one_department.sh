#!/usr/bin/env bash
# Times a query on one département that writes only tables: the Puy-de-Dôme rank sum
# (`queries/vulnerabilite-epci-63-puy-de-dome.toml`) without its `[score.carte]`, run as a
# user runs it (a new process each time), and prints the median of 15 runs.
# Usage: bash benches/one_department.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
# The trimmed query in a folder laid out as the project's (its paths read ../data/…).
work=$(mktemp -d)
mkdir "$work/requetes"
ln -s "$PWD/data" "$work/data"
sed '/^\[score.carte\]/,$d' queries/vulnerabilite-epci-63-puy-de-dome.toml > "$work/requetes/tableaux-63.toml"
python3 - "$work" <<'PY'
import statistics, subprocess, sys, time
work = sys.argv[1]
runs = []
for _ in range(15):
    start = time.perf_counter()
    subprocess.run(["./target/release/diagterr", "executer", f"{work}/requetes/tableaux-63.toml", "--sortie", f"{work}/sorties"],
                   stdout=subprocess.DEVNULL, check=True)
    runs.append(time.perf_counter() - start)
median = f"{statistics.median(runs):.3f}".replace(".", ",")
print(f"requête d'un département, tableaux seuls : {median} s (médiane de {len(runs)})")
PY
