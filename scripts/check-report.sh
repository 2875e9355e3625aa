#!/usr/bin/env bash
# Renders a diagnostic report in headless Chromium (Debian package `chromium`): a PNG
# screenshot of the top of the page and a PDF as printed on A4, to look at.
#   bash scripts/check-report.sh out/diagnostic/63/rapport-63.html
# Writes rapport-63.png and rapport-63.pdf beside the report.
set -euo pipefail
report=$(realpath "$1")
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "chromium absent : apt-get install chromium" >&2
  exit 1
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# No network: the report is self-contained, and the flags keep Chromium from calling home.
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$profile")
"$chromium" "${flags[@]}" --window-size=1100,1600 --screenshot="${report%.html}.png" "file://$report" 2>/dev/null
"$chromium" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="${report%.html}.pdf" "file://$report" 2>/dev/null
ls -l "${report%.html}.png" "${report%.html}.pdf"
