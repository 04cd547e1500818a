#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster for tests. Installs nothing: it needs the server binaries (Debian:
# `apt-get install -y postgresql`; found under /usr/lib/postgresql/<version>/bin, or set PG_BIN).
#
#   scripts/pg-test-server.sh start [DIR]   create (first time) and start the cluster under DIR (default <repo>/.cache/pg),
#                                           create the database loupe_test, print its URL on stdout:
#                                             export TEST_DATABASE_URL_PG="$(scripts/pg-test-server.sh start)"
#   scripts/pg-test-server.sh stop [DIR]    stop it (the data stays; `rm -rf DIR` to drop it)
#   scripts/pg-test-server.sh status [DIR]  exit 0 when it runs
#   scripts/pg-test-server.sh url           print the URL
#
# Listens on 127.0.0.1 only, port 54329 (PG_TEST_PORT overrides), trust authentication, durability off
# (fsync=off): for tests only. Run as root, the cluster belongs to the `postgres` user (initdb refuses root).
set -euo pipefail

PORT="${PG_TEST_PORT:-54329}"
DB=loupe_test
URL="postgresql://postgres@127.0.0.1:${PORT}/${DB}"

log() { printf 'pg-test-server: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    printf '%s\n' "$PG_BIN"
    return
  fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -z "$dir" ]] && command -v pg_ctl >/dev/null 2>&1; then dir="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"; fi
  [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] ||
    die "PostgreSQL server binaries not found (Debian: apt-get install -y postgresql; or set PG_BIN)"
  printf '%s\n' "$dir"
}

cmd="${1:-}"
dir="${2:-$(dirname "${BASH_SOURCE[0]}")/../.cache/pg}"

if [[ "$cmd" == url ]]; then
  printf '%s\n' "$URL"
  exit 0
fi
[[ "$cmd" == start || "$cmd" == stop || "$cmd" == status ]] || die "usage: $0 start|stop|status [DIR] | url"

BIN="$(find_bin)"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
data="$dir/data"
run="$dir/run"

# Commands run as the cluster owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

running() { [[ -f "$data/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }

case "$cmd" in
  status)
    running
    ;;
  stop)
    if running; then
      as_owner "$BIN/pg_ctl" -D "$data" -m fast -w stop >&2
    else
      log "not running"
    fi
    ;;
  start)
    if [[ "$(id -u)" -eq 0 ]]; then
      id postgres >/dev/null 2>&1 || die "no 'postgres' user (it comes with Debian's postgresql package)"
      mkdir -p "$data" "$run"
      chown postgres:postgres "$data" "$run"
      chmod 700 "$data"
      as_owner test -x "$dir" || die "the postgres user cannot reach $dir: choose a folder it can traverse (e.g. under /tmp)"
    else
      mkdir -p "$data" "$run"
      chmod 700 "$data"
    fi
    if [[ ! -f "$data/PG_VERSION" ]]; then
      log "initdb $data"
      as_owner "$BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
        die "initdb failed: see $dir/initdb.log"
    fi
    if ! running; then
      log "starting on 127.0.0.1:$PORT"
      as_owner "$BIN/pg_ctl" -D "$data" -l "$run/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $run -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2 || die "the server did not start: see $run/server.log"
    fi
    psql=("$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)
    if [[ "$(as_owner "${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]]; then
      as_owner "${psql[@]}" -c "CREATE DATABASE $DB" >&2
    fi
    printf '%s\n' "$URL"
    ;;
esac
