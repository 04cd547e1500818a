#!/usr/bin/env bash
# Sets up and runs every test: install, model build, lint, type-check, then each workspace's tests one after another
# (they share two cores and one model). Prints a closing "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1

bash scripts/setup.sh
bash scripts/test-deps.sh

# A private PostgreSQL for the store's tests (they also run on SQLite). In CI it must start.
if pg_url=$(bash scripts/pg-test-server.sh start 2>/tmp/loupe-pg.log); then
  export TEST_DATABASE_URL_PG="$pg_url"
  trap 'bash scripts/pg-test-server.sh stop >/dev/null 2>&1 || true' EXIT
  echo "▸ PostgreSQL test server at $pg_url"
elif [ "${CI:-}" = "true" ]; then
  cat /tmp/loupe-pg.log >&2
  echo "the PostgreSQL test server did not start" >&2
  exit 1
else
  echo "note: no PostgreSQL server here; the store's tests run on SQLite only (see /tmp/loupe-pg.log)"
fi

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
