#!/usr/bin/env bash
# The embedding package's WebGPU tests (packages/embedding/test/webgpu.test.ts) on Mesa's software Vulkan driver,
# lavapipe, fetched privately by scripts/lavapipe.sh. Its environment (VK_DRIVER_FILES, LD_LIBRARY_PATH) is set for
# this one test process only, so no other test, browser or server sees the private libraries.
#
# In CI (CI=true) lavapipe must be had: if it cannot be fetched, this fails. Elsewhere the tests run whenever the
# script succeeds (Debian with apt), and are skipped with a note otherwise. LOUPE_TEST_WEBGPU=0 skips them anywhere.
# Cost: ~10 s to fetch and unpack the first time (nothing after), ~30–60 s of tests on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${LOUPE_TEST_WEBGPU:-}" = 0 ]; then
  echo "note: WebGPU tests skipped (LOUPE_TEST_WEBGPU=0)"
  exit 0
fi
log="$(mktemp)"
if ! lavapipe_env="$(bash scripts/lavapipe.sh 2>"$log")"; then
  cat "$log" >&2
  rm -f "$log"
  if [ "${CI:-}" = true ]; then
    echo "test-webgpu: Mesa's lavapipe could not be fetched, so the WebGPU tests cannot run" >&2
    exit 1
  fi
  echo "note: WebGPU tests skipped: Mesa's lavapipe could not be fetched here (see above)"
  exit 0
fi
rm -f "$log"
eval "$lavapipe_env"
export LOUPE_TEST_WEBGPU=1
echo "▸ WebGPU tests on lavapipe (VK_DRIVER_FILES=$VK_DRIVER_FILES)…"
cd packages/embedding
exec node --import tsx --test --test-concurrency=1 test/webgpu.test.ts
