#!/usr/bin/env bash
# The quick start: set everything up, build the web app, and start it with a demo catalog of real photos that is
# indexed on first start. Then open the printed URL and drop a photo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "▸ building the web app…"
npx turbo run build --filter=@loupe/web --output-logs=errors-only
export LOUPE_DEMO_SOURCE="${LOUPE_DEMO_SOURCE:-$(pwd)/tests/fixtures/photos}"
exec bash scripts/start.sh
