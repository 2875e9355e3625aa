#!/usr/bin/env python3
"""Lays the Cnaf 2023 rates of `txcouv-pe-2023-5dep.csv` out as the Cnaf open-data portal
publishes them: one file per level (`txcouv_pe_epci`, `_dep`, `_nat`, and in the test fixtures
`_com` and `_reg`), the level in every column name, `;`, UTF-8 with a BOM, decimal points.

The values are those of the simplified file, unchanged. The portal's parts `txcouv_psu_col_X`,
`txcouv_hors_psu_col_X` and `txcouv_ind_X` are not in it: they are left out, not invented. The
EPCI's `numdep` is the département of most of its 2026 population (COG table beside).

Run from the repository root: python3 data/caf/make-published.py
"""
import csv
from collections import defaultdict

LONG = "data/caf/txcouv-pe-2023-5dep.csv"
PARTS = ["txcouv_eaje", "txcouv_am_ind", "txcouv_gad_ind", "txcouv_prescol"]

rows = list(csv.DictReader(open(LONG, encoding="utf-8"), delimiter=";"))
deps = {r["DEP"]: r for r in csv.DictReader(open("data/cog/departements.csv", encoding="utf-8"))}
regions = {r["REG"]: r["LIBELLE"] for r in csv.DictReader(open("data/cog/regions.csv", encoding="utf-8"))}
communes = {r["code_commune"]: r for r in csv.DictReader(open("data/cog/communes-epci-population-2026.csv", encoding="utf-8"))}
population = defaultdict(lambda: defaultdict(int))
for c in communes.values():
    if c["siren_epci"]:
        population[c["siren_epci"]][c["dep"]] += int(c["population_municipale"])


def number(cell):
    return cell.replace(",", ".")


def dep_of_epci(code):
    by_dep = population.get(code)
    return max(by_dep, key=by_dep.get) if by_dep else ""


def write(path, level, ids, selected, parts=PARTS, nat_spelling=False):
    def part_name(p):
        if nat_spelling and p.endswith("_ind"):
            return p[: -len("_ind")] + "_nat"
        return f"{p}_{level}"

    header = ["annee"] + ids + [part_name(p) for p in parts] + [f"txcouv_{level}"]
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f, delimiter=";", lineterminator="\r\n")
        out.writerow(header)
        for r in selected:
            out.writerow([r["annee"]] + identity(level, r) + [number(r[p]) for p in parts] + [number(r["txcouv"])])


def identity(level, r):
    code, name = r["code"], r["libelle"]
    if level == "nat":
        return []
    if level == "com":
        c = communes.get(code, {})
        epci = c.get("siren_epci", "")
        return [code, name, epci, c.get("nom_epci", ""), c.get("dep", ""), deps.get(c.get("dep", ""), {}).get("LIBELLE", "")]
    if level == "epci":
        if code == "XX":
            return [code, name, "", ""]
        dep = dep_of_epci(code)
        return [code, name, dep, deps[dep]["LIBELLE"] if dep else ""]
    if level == "dep":
        reg = deps[code]["REG"]
        return [code, name, reg, regions[reg]]
    return [code, name]


def of(level):
    return [r for r in rows if r["niveau"] == level]


epci = of("epci") + of("epci_placeholder")
write("data/caf/txcouv_pe_epci-5dep.csv", "epci", ["numepci", "nomepci", "numdep", "nomdep"], epci)
write("data/caf/txcouv_pe_dep-5dep.csv", "dep", ["numdep", "nomdep", "numregi", "nomregi"], of("dep"))
write("data/caf/txcouv_pe_nat.csv", "nat", [], of("nat"), nat_spelling=True)
write("tests/fixtures/cnaf/txcouv_pe_reg-3reg.csv", "reg", ["numregi", "nomregi"], of("reg"))
write("tests/fixtures/cnaf/txcouv_pe_com-5dep.csv", "com",
      ["numcom", "nomcom", "numepci", "nomepci", "numdep", "nomdep"], of("com"))

# The portal's "historique" dataset overlaps the current one on a year and may disagree: the
# EPCI of Puy-de-Dôme in 2022 (the 2023 values, marked as such by the file's name) and 2023,
# two of whose rates are changed by +1.
hist = []
for year in ("2022", "2023"):
    for r in epci:
        if r["code"].startswith("2") and dep_of_epci(r["code"]) == "63":
            r = dict(r, annee=year)
            if year == "2023" and r["code"] in ("200069177", "246300701"):
                r["txcouv"] = f"{float(r['txcouv'].replace(',', '.')) + 1:.1f}"
                r["txcouv_eaje"] = f"{float(r['txcouv_eaje'].replace(',', '.')) + 1:.1f}"
            hist.append(r)
write("tests/fixtures/cnaf/txcouv_pe_epci-historique-63-MODIFIE.csv", "epci",
      ["numepci", "nomepci", "numdep", "nomdep"], hist)
