"""The national recompute of `diagterr synthetique` written with the usual Python tools, as an
analyst would script it: pandas (the reference, as in benches/python_reference.py), DuckDB and
Python polars. Each writes the same 19 lists (coverage below 60,9 of five years by commune, EPCI
and département; three scores by commune; the number of EPCI of complete panier per year).

    python3 benches/peers.py pandas|duckdb|polars SYNTH OUT   # one run, as a whole process
    python3 benches/peers.py check REFERENCE OTHER            # the 19 lists equal, to 1e-9

SYNTH is the folder `diagterr synthetique` writes (target/bench-synthetique). The scripts do less
than diagterr: merged communes are dropped (no COG movements), and the lists are plain. Timed
against diagterr by benches/compare_peers.py.
"""

import glob
import math
import os
import sys

PLACES = ["eaje_psu", "eaje_hors_psu", "am", "gad", "prescol"]
RATES = ["AM", "AC3ENF", "ABR"]
WEIGHTS = [0.4, 0.3, 0.3]
FLAG_ABOVE = [15, 6, 20]
PANIER = ["Reaap", "LAEP", "Clas", "Médiation familiale"]
LEVELS = ["code", "siren_epci", "dep"]
BELOW = 60.9


def files(synth, prefix):
    return sorted(glob.glob(f"{synth}/{prefix}-*.csv"))


def cog_file(root):
    return f"{root}/data/cog/communes-epci-population-2026.csv"


def with_pandas(root, synth, out):
    import pandas as pd

    cog = pd.read_csv(cog_file(root), dtype={"code_commune": str, "siren_epci": str, "dep": str})
    cog = cog.set_index("code_commune")[["siren_epci", "dep"]]

    def read(path):
        return pd.read_csv(path, sep=";", comment="#", dtype=str)

    def numbers(df, cols):
        secret = df[cols] == "s"
        return df[cols].where(~secret).astype(float), secret

    for year, path in enumerate(files(synth, "composantes")):
        df = read(path)
        values, secret = numbers(df, PLACES + ["enfants_moins_3"])
        values["code"] = df["code_commune"]
        values = values.join(cog, on="code")
        for key in LEVELS:
            sums = values.groupby(key)[PLACES + ["enfants_moins_3"]].sum(min_count=1)
            secrets = secret.groupby(values[key]).any().any(axis=1)
            rate = 100 * sums[PLACES].sum(axis=1) / sums["enfants_moins_3"]
            rate[secrets.reindex(rate.index, fill_value=False)] = float("nan")
            rate[rate < BELOW].sort_values().to_csv(f"{out}/couverture-{key}-{year}.csv", sep=";")
    fam = read(files(synth, "familles")[0])
    values, _ = numbers(fam, ["A"] + RATES)
    rates = pd.DataFrame({c: 100 * values[c] / values["A"] for c in RATES})
    rates.index = fam["CODGEO"]
    rates = rates[rates.index.isin(cog.index)]
    rates.rank(ascending=False, method="average").sum(axis=1).sort_values().to_csv(
        f"{out}/score-rangs.csv", sep=";")
    norm = (rates - rates.min()) / (rates.max() - rates.min())
    (norm * WEIGHTS).sum(axis=1).sort_values(ascending=False).to_csv(
        f"{out}/score-pondere.csv", sep=";")
    (rates > FLAG_ABOVE).sum(axis=1).sort_values(ascending=False).to_csv(
        f"{out}/score-drapeaux.csv", sep=";")
    services = read(f"{synth}/services-SYNTHETIQUE.csv")
    services["siren_epci"] = services["code"].map(cog["siren_epci"])
    services["nombre"] = services["nombre"].astype(float)
    counts = services.pivot_table(index=["annee", "siren_epci"], columns="type", values="nombre",
                                  aggfunc="sum", fill_value=0)
    complete = (counts.reindex(columns=PANIER, fill_value=0) >= 1).all(axis=1)
    complete.groupby("annee").sum().to_csv(f"{out}/panier.csv", sep=";")


def with_polars(root, synth, out):
    import polars as pl

    cog = pl.read_csv(cog_file(root), schema_overrides={"code_commune": pl.Utf8, "siren_epci": pl.Utf8,
                                                        "dep": pl.Utf8}).select("code_commune", "siren_epci", "dep")

    def read(path):
        return pl.scan_csv(path, separator=";", comment_prefix="#", infer_schema=False)

    def number(c):
        # « s » is a secret cell: no value, and the sums it enters are secret.
        return pl.when(pl.col(c) == "s").then(None).otherwise(pl.col(c)).cast(pl.Float64).alias(c)

    def finite(e):
        return e.fill_nan(None)

    cols = PLACES + ["enfants_moins_3"]
    for year, path in enumerate(files(synth, "composantes")):
        rows = read(path).with_columns(
            pl.any_horizontal([pl.col(c) == "s" for c in cols]).alias("secret"),
            *[number(c) for c in cols],
        ).join(cog.lazy(), left_on="code_commune", right_on="code_commune", how="left").with_columns(
            pl.col("code_commune").alias("code"))
        for key in LEVELS:
            sums = rows.filter(pl.col(key).is_not_null()).group_by(key).agg(
                # A sum of no value at all is none (pandas' min_count=1).
                *[pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c) for c in cols],
                pl.col("secret").any(),
            )
            rate = (100 * pl.sum_horizontal([pl.col(c).fill_null(0) for c in PLACES])
                    / pl.col("enfants_moins_3"))
            (sums.with_columns(pl.when(pl.col("secret")).then(None).otherwise(rate).alias("taux"))
             .filter(pl.col("taux") < BELOW).sort("taux").select(key, "taux")
             .collect().write_csv(f"{out}/couverture-{key}-{year}.csv", separator=";"))
    rates = (read(files(synth, "familles")[0]).with_columns(number(c) for c in ["A"] + RATES)
             .join(cog.lazy().select("code_commune"), left_on="CODGEO", right_on="code_commune", how="semi")
             .select("CODGEO", *[finite(100 * pl.col(c) / pl.col("A")).alias(c) for c in RATES])
             .collect())
    ranks = rates.select("CODGEO", pl.sum_horizontal(
        [pl.col(c).rank(method="average", descending=True) for c in RATES]).alias("rangs"))
    ranks.sort("rangs").write_csv(f"{out}/score-rangs.csv", separator=";")
    norm = [finite((pl.col(c) - pl.col(c).min()) / (pl.col(c).max() - pl.col(c).min())) * w
            for c, w in zip(RATES, WEIGHTS)]
    (rates.select("CODGEO", pl.sum_horizontal(norm).alias("score")).sort("score", descending=True)
     .write_csv(f"{out}/score-pondere.csv", separator=";"))
    flags = [(pl.col(c) > t).fill_null(False).cast(pl.Int32) for c, t in zip(RATES, FLAG_ABOVE)]
    (rates.select("CODGEO", pl.sum_horizontal(flags).alias("drapeaux")).sort("drapeaux", descending=True)
     .write_csv(f"{out}/score-drapeaux.csv", separator=";"))
    by_epci = (read(f"{synth}/services-SYNTHETIQUE.csv")
               .join(cog.lazy(), left_on="code", right_on="code_commune", how="inner")
               .filter(pl.col("siren_epci").is_not_null())
               .with_columns(pl.col("nombre").cast(pl.Float64))
               .group_by("annee", "siren_epci", "type").agg(pl.col("nombre").sum())
               .group_by("annee", "siren_epci")
               .agg(((pl.col("type").is_in(PANIER)) & (pl.col("nombre") >= 1)).sum().alias("presents"))
               .group_by("annee").agg((pl.col("presents") == len(PANIER)).sum().alias("complets"))
               .sort("annee").collect())
    by_epci.write_csv(f"{out}/panier.csv", separator=";")


def with_duckdb(root, synth, out):
    import duckdb

    db = duckdb.connect()

    def read(path):
        return f"read_csv('{path}', delim=';', header=true, all_varchar=true, skip=1)"

    def number(c):
        return f"CAST(NULLIF({c}, 's') AS DOUBLE)"

    db.execute(f"CREATE TABLE cog AS SELECT CAST(code_commune AS VARCHAR) code_commune, "
               f"CAST(siren_epci AS VARCHAR) siren_epci, CAST(dep AS VARCHAR) dep "
               f"FROM read_csv('{cog_file(root)}', all_varchar=true)")
    cols = PLACES + ["enfants_moins_3"]

    def write(sql, name):
        db.execute(f"COPY ({sql}) TO '{out}/{name}' (HEADER, DELIMITER ';')")

    for year, path in enumerate(files(synth, "composantes")):
        secret = " OR ".join(f"{c} = 's'" for c in cols)
        db.execute(f"CREATE OR REPLACE TABLE rows AS SELECT r.code_commune AS code, c.siren_epci, c.dep, "
                   f"{', '.join(number(c) + ' AS ' + c for c in cols)}, ({secret}) AS secret "
                   f"FROM {read(path)} r LEFT JOIN cog c USING (code_commune)")
        for key in LEVELS:
            places = " + ".join(f"COALESCE(SUM({c}), 0)" for c in PLACES)
            rate = (f"CASE WHEN bool_or(secret) THEN NULL "
                    f"ELSE 100 * ({places}) / NULLIF(SUM(enfants_moins_3), 0) END")
            write(f"SELECT {key}, taux FROM (SELECT {key}, {rate} AS taux FROM rows "
                  f"WHERE {key} IS NOT NULL GROUP BY {key}) WHERE taux < {BELOW} ORDER BY taux",
                  f"couverture-{key}-{year}.csv")
    ratio = ", ".join(f"CASE WHEN A = 0 THEN NULL ELSE 100 * {c} / A END AS {c}" for c in RATES)
    db.execute(f"CREATE TABLE rates AS SELECT CODGEO, {ratio} FROM (SELECT CODGEO, "
               f"{', '.join(number(c) + ' AS ' + c for c in ['A'] + RATES)} "
               f"FROM {read(files(synth, 'familles')[0])}) WHERE CODGEO IN (SELECT code_commune FROM cog)")
    ranks = " + ".join(
        f"COALESCE(CASE WHEN {c} IS NULL THEN NULL ELSE "
        f"(RANK() OVER (ORDER BY {c} DESC) + COUNT(*) OVER (PARTITION BY {c}) - 1 "
        f"+ RANK() OVER (ORDER BY {c} DESC)) / 2.0 END, 0)" for c in RATES)
    write(f"SELECT CODGEO, {ranks} AS rangs FROM rates ORDER BY rangs", "score-rangs.csv")
    norm = " + ".join(
        f"COALESCE({w} * ({c} - MIN({c}) OVER ()) / NULLIF(MAX({c}) OVER () - MIN({c}) OVER (), 0), 0)"
        for c, w in zip(RATES, WEIGHTS))
    write(f"SELECT CODGEO, {norm} AS score FROM rates ORDER BY score DESC", "score-pondere.csv")
    flags = " + ".join(f"CAST(COALESCE({c} > {t}, false) AS INTEGER)" for c, t in zip(RATES, FLAG_ABOVE))
    write(f"SELECT CODGEO, {flags} AS drapeaux FROM rates ORDER BY drapeaux DESC", "score-drapeaux.csv")
    need = ", ".join("'" + k.replace("'", "''") + "'" for k in PANIER)
    write(f"SELECT annee, SUM(CASE WHEN presents = {len(PANIER)} THEN 1 ELSE 0 END) AS complets FROM ("
          f"SELECT annee, siren_epci, SUM(CASE WHEN type IN ({need}) AND nombre >= 1 THEN 1 ELSE 0 END) "
          f"AS presents FROM (SELECT s.annee, c.siren_epci, s.type, SUM(CAST(s.nombre AS DOUBLE)) AS nombre "
          f"FROM {read(f'{synth}/services-SYNTHETIQUE.csv')} s JOIN cog c ON s.code = c.code_commune "
          f"WHERE c.siren_epci IS NOT NULL GROUP BY ALL) GROUP BY ALL) GROUP BY annee ORDER BY annee", "panier.csv")


def lists(folder):
    """Each list of `folder`: its first column → its last, as numbers."""
    out = {}
    for path in sorted(glob.glob(f"{folder}/*.csv")):
        rows = {}
        with open(path, encoding="utf-8") as f:
            next(f)
            for line in f:
                cells = line.rstrip("\n").split(";")
                value = cells[-1].replace(",", ".")
                rows[cells[0]] = float(value) if value else math.nan
        out[os.path.basename(path)] = rows
    return out


def check(reference, other):
    a, b = lists(reference), lists(other)
    if sorted(a) != sorted(b):
        sys.exit(f"listes différentes : {sorted(set(a) ^ set(b))}")
    for name in a:
        if a[name].keys() != b[name].keys():
            sys.exit(f"{name} : {len(a[name].keys() ^ b[name].keys())} territoire(s) dans une liste seulement")
        for code, x in a[name].items():
            y = b[name][code]
            if not (math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9) or (math.isnan(x) and math.isnan(y))):
                sys.exit(f"{name}, {code} : {x} contre {y}")
    print(f"{len(a)} listes égales à 1e-9 près ({sum(len(r) for r in a.values())} lignes)")


if __name__ == "__main__":
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    what = sys.argv[1]
    if what == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        os.makedirs(sys.argv[3], exist_ok=True)
        {"pandas": with_pandas, "polars": with_polars, "duckdb": with_duckdb}[what](root, sys.argv[2], sys.argv[3])
