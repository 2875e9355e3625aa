"""Times the national recompute process against process, interleaved: diagterr `executer` on the
19 queries of `diagterr synthetique`, and the same work scripted with pandas, DuckDB and Python
polars (benches/peers.py). One warm-up of each, then ROUNDS rounds of the four in turn, each a new
process; then the scripts' lists checked against pandas'. Run by benches/compare_peers.sh.

Usage: python3 benches/compare_peers.py DIAGTERR SYNTH [ROUNDS]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
diagterr, synth = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 15
work = tempfile.mkdtemp(prefix="diagterr-peers-")
peers = os.path.join(here, "peers.py")
commands = {
    "diagterr `executer`": [diagterr, "executer", f"{synth}/requetes", "--sortie", f"{work}/diagterr"],
    "script pandas": [sys.executable, peers, "pandas", synth, f"{work}/pandas"],
    "script DuckDB": [sys.executable, peers, "duckdb", synth, f"{work}/duckdb"],
    "script Python polars": [sys.executable, peers, "polars", synth, f"{work}/polars"],
}


def timed(command):
    """Wall clock, CPU (user + system) and peak memory (MiB) of one run of `command`."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if status != 0:
            errors.seek(0)
            sys.exit(f"{' '.join(command)} : échec\n{errors.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


runs = {name: [] for name in commands}
for name, command in commands.items():
    timed(command)
for _ in range(rounds):
    for name, command in commands.items():
        runs[name].append(timed(command))


def decimal(x, digits):
    return f"{x:.{digits}f}".replace(".", ",")


print(f"Recalcul national, {rounds} tours entrelacés (médianes ; mémoire : la plus haute)\n")
print("| | médiane horloge | CPU | mémoire au plus |")
print("|---|---:|---:|---:|")
medians = {}
for name, measured in runs.items():
    wall = statistics.median(m[0] for m in measured)
    cpu = statistics.median(m[1] for m in measured)
    peak = max(m[2] for m in measured)
    medians[name] = wall
    print(f"| {name} | {decimal(wall, 3)} s | {decimal(cpu, 2)} s | {decimal(peak, 0)} Mio |")
ours = medians["diagterr `executer`"]
print()
for name, wall in medians.items():
    if name != "diagterr `executer`":
        print(f"diagterr face au {name} : {decimal(wall / ours, 2)}× (plus de 1 : diagterr plus rapide)")
for peer in ["duckdb", "polars"]:
    subprocess.run([sys.executable, peers, "check", f"{work}/pandas", f"{work}/{peer}"], check=True)
