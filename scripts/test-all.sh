#!/usr/bin/env bash
# Sets up and runs every test: install, model build, lint, type-check, then each workspace's tests one after another
# (they share two cores and one model). Prints a closing "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1

bash scripts/setup.sh

echo "▸ lint and type-check…"
npm run lint
npx turbo run typecheck --output-logs=errors-only

echo "▸ tests…"
log=$(mktemp)
status=0
npx turbo run test --concurrency=1 --output-logs=full 2>&1 | tee "$log" || status=$?
passed=$(grep -aoE '# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
failed=$(grep -aoE '# fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
rm -f "$log"
echo "${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
