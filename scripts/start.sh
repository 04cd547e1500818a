#!/usr/bin/env bash
# Starts the built web app on the embedded default (SQLite + an index file under the data directory).
# Honours PORT (default 3000), HOST (default 127.0.0.1: this machine only; HOST=0.0.0.0 listens on every interface), LOUPE_DATA_DIR (default ./data) and the other LOUPE_* variables
# (see apps/web/README.md). `npm run demo` sets up, builds and calls this with a demo catalog.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
export LOUPE_DATA_DIR="$(realpath -m "${LOUPE_DATA_DIR:-data}")"
mkdir -p "$LOUPE_DATA_DIR"
if [ ! -f apps/web/.next/BUILD_ID ]; then
  echo "the web app is not built: run \`npm run build\` (or \`npm run demo\`)" >&2
  exit 3
fi
if [ -z "${LOUPE_ADMIN_PASSWORD:-}" ]; then
  # A generated admin password, kept in the data directory, so that the admin pages work out of the box.
  if [ ! -f "$LOUPE_DATA_DIR/admin-password" ]; then
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(12).toString("base64url"))' > "$LOUPE_DATA_DIR/admin-password")
  fi
  export LOUPE_ADMIN_PASSWORD="$(cat "$LOUPE_DATA_DIR/admin-password")"
  admin_note="admin password: $LOUPE_ADMIN_PASSWORD (kept in $LOUPE_DATA_DIR/admin-password; set LOUPE_ADMIN_PASSWORD to choose one)"
else
  admin_note="admin password: from LOUPE_ADMIN_PASSWORD"
fi
port="${PORT:-3000}"
host="${HOST:-127.0.0.1}"
echo "▸ Loupe on http://${host}:${port}  (data: $LOUPE_DATA_DIR; HOST=0.0.0.0 to listen on every interface)"
echo "  $admin_note"
cd apps/web
# Idle connections stay open 65 s: longer than any client's or proxy's own idle timeout (fetch keeps 4 s, load
# balancers 60 s), so the client always closes first. With Node's default 5 s, a busy server (an ingest running)
# can close a kept-alive connection just as a client reuses it, and that request fails with ECONNRESET.
exec node ../../node_modules/next/dist/bin/next start -p "$port" -H "$host" --keepAliveTimeout 65000
