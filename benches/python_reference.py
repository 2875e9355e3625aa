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


# --- National recomputation on the synthetic dataset (cargo bench --bench recompute) ---
# The same inputs (target/bench-synthetique, written by the Rust bench or by
# `diagterr synthetique`) and the same work with pandas: coverage of five years for
# communes, EPCI and départements (sums with secret cells kept secret, ratio of sums),
# three scores by commune, the panier over five years; lists written as CSV. Codes of
# merged communes are not moved (pandas has no COG movements): those rows are dropped.
import glob  # noqa: E402
import os  # noqa: E402

synth = f"{root}/target/bench-synthetique"
if os.path.exists(f"{synth}/services-SYNTHETIQUE.csv"):
    cog = pd.read_csv(f"{root}/data/cog/communes-epci-population-2026.csv",
                      dtype={"code_commune": str, "siren_epci": str, "dep": str})
    cog = cog.set_index("code_commune")[["siren_epci", "dep"]]
    places = ["eaje_psu", "eaje_hors_psu", "am", "gad", "prescol"]

    def read(path):
        return pd.read_csv(path, sep=";", comment="#", dtype=str)

    def ingest():
        return ([read(p) for p in sorted(glob.glob(f"{synth}/composantes-*.csv"))],
                [read(p) for p in sorted(glob.glob(f"{synth}/familles-*.csv"))],
                read(f"{synth}/services-SYNTHETIQUE.csv"))

    def numbers(df, cols):
        secret = df[cols] == "s"
        values = df[cols].where(~secret).astype(float)
        return values, secret

    def recompute():
        components, families, services = ingest()
        for year, df in enumerate(components):
            values, secret = numbers(df, places + ["enfants_moins_3"])
            values["code"] = df["code_commune"]
            values = values.join(cog, on="code")
            for key in ["code", "siren_epci", "dep"]:
                grouped = values.groupby(key)
                sums = grouped[places + ["enfants_moins_3"]].sum(min_count=1)
                secrets = secret.groupby(values[key]).any().any(axis=1)
                rate = 100 * sums[places].sum(axis=1) / sums["enfants_moins_3"]
                rate[secrets.reindex(rate.index, fill_value=False)] = float("nan")
                below = rate[rate < 60.9].sort_values()
                below.to_csv(f"{out}/couverture-{key}-{year}.csv", sep=";", decimal=",")
        fam = families[0]
        values, secret = numbers(fam, ["A", "AM", "AC3ENF", "ABR"])
        rates = pd.DataFrame({c: 100 * values[c] / values["A"] for c in ["AM", "AC3ENF", "ABR"]})
        rates.index = fam["CODGEO"]
        rates = rates[rates.index.isin(cog.index)]
        ranks = rates.rank(ascending=False, method="average").sum(axis=1).sort_values()
        ranks.to_csv(f"{out}/score-rangs.csv", sep=";", decimal=",")
        norm = (rates - rates.min()) / (rates.max() - rates.min())
        (norm * [0.4, 0.3, 0.3]).sum(axis=1).sort_values(ascending=False).to_csv(
            f"{out}/score-pondere.csv", sep=";", decimal=",")
        ((rates > [15, 6, 20]).sum(axis=1)).sort_values(ascending=False).to_csv(
            f"{out}/score-drapeaux.csv", sep=";", decimal=",")
        services["siren_epci"] = services["code"].map(cog["siren_epci"])
        services["nombre"] = services["nombre"].astype(float)
        counts = services.pivot_table(index=["annee", "siren_epci"], columns="type",
                                      values="nombre", aggfunc="sum", fill_value=0)
        need = ["Reaap", "LAEP", "Clas", "Médiation familiale"]
        complete = (counts.reindex(columns=need, fill_value=0) >= 1).all(axis=1)
        complete.groupby("annee").sum().to_csv(f"{out}/panier.csv", sep=";")

    timed("ingest_national_inputs", ingest)
    timed("full_national_recompute", recompute)
