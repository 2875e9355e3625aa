#!/bin/sh
# Writes the SYNTHETIC multi-year coverage file of the Puy-de-Dôme EPCI in the Cnaf portal's layout
# (`txcouv_pe_epci`), used by queries/series-couverture-epci-63.toml: diagterr's synthetic generator
# (seed 2026, five years 2022-2026), its comment line and header kept, the rows of the EPCI whose
# `numdep` is 63 only. No real value: real files from the Caf portal (« historique » dataset) go in its
# place. Run from the repository root: sh data/caf/make-synthetic-series.sh
set -e
out=$(mktemp -d)
cargo run --release --quiet -- synthetique --sortie "$out" --graine 2026 > /dev/null
awk -F';' 'NR <= 2 || $4 == "63"' "$out/txcouv_pe_epci-SYNTHETIQUE.csv" \
  > data/caf/txcouv_pe_epci-63-2022-2026-SYNTHETIQUE.csv
rm -rf "$out"
