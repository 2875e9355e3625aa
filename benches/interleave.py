#!/usr/bin/env python3
"""Compares binaries of diagterr run in turn, so that the noise of the machine falls on each alike.

Usage: python3 benches/interleave.py ANCIEN,NOUVEAU [departement|national] [TOURS]
  departement: queries/vulnerabilite-epci-63-puy-de-dome.toml without its [score.carte] (benches/one_department.sh);
  national: target/bench-synthetique/requetes (written by `diagterr synthetique`, see benches/compare_python.sh).
Prints the median and the fastest of the runs of each binary, in seconds."""
import pathlib, statistics, subprocess, sys, tempfile, time

root = pathlib.Path(__file__).resolve().parent.parent
binaries = sys.argv[1].split(",")
mode = sys.argv[2] if len(sys.argv) > 2 else "departement"
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 21
work = pathlib.Path(tempfile.mkdtemp())
if mode == "departement":
    query = (root / "queries/vulnerabilite-epci-63-puy-de-dome.toml").read_text(encoding="utf-8")
    # In a folder laid out as the project's: the query's paths read ../data/….
    (work / "requetes").mkdir()
    (work / "data").symlink_to(root / "data")
    target = work / "requetes" / "tableaux-63.toml"
    target.write_text(query.split("[score.carte]")[0], encoding="utf-8")
elif mode == "national":
    target = root / "target/bench-synthetique/requetes"
else:
    sys.exit(f"mode inconnu « {mode} » : departement ou national")
times = {b: [] for b in binaries}
for _ in range(rounds):
    for b in binaries:
        start = time.perf_counter()
        subprocess.run([b, "executer", str(target), "--sortie", str(work / "sorties")],
                       stdout=subprocess.DEVNULL, check=True, cwd=root)
        times[b].append(time.perf_counter() - start)
decimal = lambda seconds: f"{seconds:.4f}".replace(".", ",")
for b, runs in times.items():
    print(f"{b} : médiane {decimal(statistics.median(runs))} s, au mieux {decimal(min(runs))} s ({rounds} tours)")
