#!/usr/bin/env bash
# The README's demo command (`npm run demo`): sets up, then runs the whole job on the demo fleet
# (examples/demo/fleet.yaml) with no Exchange anywhere: inventory -> findings -> runbooks and report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=out/demo
mkdir -p "$out"
extls() { node bin/extls.js "$@"; }

# The demo's logs, exports and certificates carry fixed dates: a copy with every date moved to this run is what the
# demo runs on, and the findings are judged at the staged reference time (examples/demo/README.md).
echo "== 0. staging the demo with today's dates" >&2
ref=$(node scripts/stage-demo.mjs examples/demo "$out/staged")

echo "== 1. inventory (EX08 is unreachable on purpose: exit code 2 is expected)" >&2
code=0
extls inventory --fleet "$out/staged/fleet.yaml" --out "$out/inventory.json" --format table || code=$?
[ "$code" -eq 2 ] || { echo "demo: expected exit code 2 from inventory, got $code" >&2; exit 1; }

echo "== 2. findings" >&2
extls analyze "$out/inventory.json" --policy tls12-ready --policy legacy-off --reference-time "$ref" --format table
extls analyze "$out/inventory.json" --policy tls12-ready --policy legacy-off --reference-time "$ref" --out "$out/findings.json"

echo "== 3. runbooks, scripts and fleet report" >&2
extls runbooks "$out/findings.json" --out "$out/runbooks"
echo "demo: done. Open $out/runbooks/report.html; per-server runbooks are in $out/runbooks/<server>/" >&2
