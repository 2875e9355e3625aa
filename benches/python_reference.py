"""The same national work as `cargo bench --bench national`, with the usual Python stack.

Reads the 34 867 communes of France 2026 (GeoJSON.gz), projects them to Lambert-93,
classes the municipal population in 4 classes (500 / 2 000 / 10 000), draws the
metropolitan map to SVG and PNG (2000 px wide), and computes exact natural breaks
(Jenks, 7 classes) on the commune populations. Prints one line per step:
`step seconds`. Run through benches/compare_python.sh, which installs the stack.
"""

import gzip
import sys
import time

import geopandas as gpd
import jenkspy
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

root = sys.argv[1]
out = sys.argv[2]


def timed(step, fn, repeat=3):
    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    print(f"{step} {best:.4f}", flush=True)
    return result


def read_and_project():
    with gzip.open(f"{root}/data/geo/communes-france-2026.geojson.gz") as f:
        layer = gpd.read_file(f)
    return layer.to_crs(2154)


layer = timed("read_and_project_national_communes", read_and_project)
pop = pd.read_csv(f"{root}/data/cog/communes-epci-population-2026.csv", dtype={"code_commune": str})
metro = layer[~layer["code"].str.startswith("97")].merge(
    pop[["code_commune", "population_municipale"]], left_on="code", right_on="code_commune", how="left"
)
bins = [-float("inf"), 500, 2000, 10000, float("inf")]
metro["classe"] = pd.cut(metro["population_municipale"], bins, right=False, labels=False)
colors = ["#d7191c", "#fdae61", "#abd9e9", "#2c7bb6"]


def draw(path):
    fig, ax = plt.subplots(figsize=(10, 10))
    metro.plot(ax=ax, color=[colors[int(c)] if c == c else "#d9d9d9" for c in metro["classe"]],
               edgecolor="white", linewidth=0.1)
    ax.set_axis_off()
    ax.set_title("Population municipale des communes, 2026")
    fig.savefig(path, dpi=200)
    plt.close(fig)


timed("national_commune_map_svg", lambda: draw(f"{out}/france.svg"))
timed("national_commune_map_png", lambda: draw(f"{out}/france.png"))
values = pop["population_municipale"].dropna().astype(float).tolist()
timed("natural_breaks_35000_values", lambda: jenkspy.jenks_breaks(values, n_classes=7), repeat=1)
