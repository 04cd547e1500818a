#!/usr/bin/env bash
# The quick start: set everything up, then run Loupe on the sample photos.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "▸ classifying and localizing the sample photos with the loupe CLI…"
npx loupe classify tests/fixtures/photos/cat.jpg tests/fixtures/photos/espresso.jpg tests/fixtures/photos/squirrel.jpg tests/fixtures/photos/eagle.jpg
npx loupe localize tests/fixtures/photos/giraffe-zebra.jpg --heatmap data/giraffe-zebra-heatmap.png
