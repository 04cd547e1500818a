#!/usr/bin/env bash
# Installs the workspace and builds the model. Idempotent: a second run only checks that everything is in place.
# Needs Node ≥ 20.11 and npm; reaches only the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a < 20 || (a === 20 && b < 11)) { console.error(`Loupe needs Node ≥ 20.11, this is ${process.version}`); process.exit(1); }'

# hnswlib-node and better-sqlite3 compile with node-gyp. Where the system Node ships its headers (Debian's nodejs),
# build against them instead of letting node-gyp download a header tarball, which fails offline.
if [ -z "${npm_config_nodedir:-}" ] && [ "$(npm config get nodedir)" = "undefined" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "▸ installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi

echo "▸ building the ResNet-50 ONNX model (cached after the first run)…"
npx turbo run model --output-logs=new-only
