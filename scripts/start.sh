#!/usr/bin/env bash
# Starts the built web app on the embedded default (SQLite + an index file under the data directory).
# Honours PORT (default 3000), HOST (default 0.0.0.0), LOUPE_DATA_DIR (default ./data) and the other LOUPE_* variables
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
host="${HOST:-0.0.0.0}"
echo "▸ Loupe on http://localhost:${port}  (data: $LOUPE_DATA_DIR)"
echo "  $admin_note"
cd apps/web
exec node ../../node_modules/next/dist/bin/next start -p "$port" -H "$host"
