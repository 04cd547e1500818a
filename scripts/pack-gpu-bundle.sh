#!/usr/bin/env bash
# Packs everything the GPU check needs on a machine with no network into one folder (default .cache/gpu-bundle,
# under 60 MB): the check bundled by esbuild into one .mjs (the project's ONNX writer, converter and provider code,
# with onnx-proto, protobufjs and long inside), onnxruntime-node's linux-x64 files (the library xz-compressed), this
# machine's Node binary (stripped, xz-compressed), libvulkan.so.1 and libGLdispatch.so.0, and gpu-check.sh.
#
#   bash scripts/pack-gpu-bundle.sh [OUT_DIR]
#   # on the GPU machine:  bash OUT_DIR/gpu-check.sh [--batches 1,32,128 …]   (see scripts/gpu-check.sh)
#
# Needs a checkout with node_modules (npm ci), xz, and Debian's apt-get for the two libraries (libvulkan.so.1 comes
# from scripts/lavapipe.sh's private folder; libGLdispatch.so.0 from the system or a downloaded libglvnd0). The slow
# part (xz -9 of Node, ~1 min) is cached in .cache/gpu-bundle-parts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/.cache/gpu-bundle}"
parts="$root/.cache/gpu-bundle-parts"
say() { echo "pack-gpu-bundle: $*" >&2; }
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || { say "packs the linux-x64 bundle, so it runs on Linux x86_64"; exit 1; }
command -v xz >/dev/null || { say "needs xz"; exit 1; }
ort="$root/node_modules/onnxruntime-node"
common="$root/node_modules/onnxruntime-common"
esbuild="$root/node_modules/.bin/esbuild" # esbuild comes with tsx
[ -d "$ort" ] && [ -d "$common" ] && [ -x "$esbuild" ] || { say "needs node_modules (npm ci) with onnxruntime-node and esbuild"; exit 1; }
mkdir -p "$parts"
rm -rf "$out"
mkdir -p "$out/lib"

# 1. The program, one ESM file; onnxruntime-node stays outside (native).
"$esbuild" "$root/packages/embedding/scripts/gpu-check.ts" --bundle --platform=node --format=esm --target=node20 \
  --external:onnxruntime-node --outfile="$out/gpu-check.mjs" --log-level=warning \
  --banner:js="import { createRequire as __loupeCreateRequire } from 'node:module'; const require = __loupeCreateRequire(import.meta.url);"
cp "$root/scripts/gpu-check.sh" "$out/gpu-check.sh"

# 2. onnxruntime-node (linux-x64 only) and onnxruntime-common.
bin="bin/napi-v6/linux/x64"
mkdir -p "$out/node_modules/onnxruntime-node/$bin" "$out/node_modules/onnxruntime-common"
cp -R "$ort/package.json" "$ort/dist" "$out/node_modules/onnxruntime-node/"
cp "$ort/$bin/onnxruntime_binding.node" "$out/node_modules/onnxruntime-node/$bin/"
lib_sum="$(sha256sum "$ort/$bin/libonnxruntime.so.1" | cut -c1-16)"
if [ ! -f "$parts/libonnxruntime-$lib_sum.so.1.xz" ]; then
  say "compressing libonnxruntime.so.1 ($(du -h "$ort/$bin/libonnxruntime.so.1" | cut -f1))…"
  xz -9 -T0 -c "$ort/$bin/libonnxruntime.so.1" >"$parts/libonnxruntime-$lib_sum.so.1.xz.tmp"
  mv "$parts/libonnxruntime-$lib_sum.so.1.xz.tmp" "$parts/libonnxruntime-$lib_sum.so.1.xz"
fi
cp "$parts/libonnxruntime-$lib_sum.so.1.xz" "$out/node_modules/onnxruntime-node/$bin/libonnxruntime.so.1.xz"
cp -R "$common/package.json" "$common/dist" "$out/node_modules/onnxruntime-common/"

# 3. Node: this machine's binary, or LOUPE_BUNDLE_NODE (a portable glibc build, e.g. nodejs.org's or NodeSource's),
#    stripped and xz'd.
node_path="$(readlink -f "${LOUPE_BUNDLE_NODE:-$(command -v node)}")"
node_version="$("$node_path" --version)"
if ldd "$node_path" | grep -q 'libnode\.so'; then
  say "this Node ($node_path) is a distribution build linked to libnode.so; the bundle needs a standalone binary: point LOUPE_BUNDLE_NODE at one"
  exit 1
fi
node_part="$parts/node-$node_version-linux-x64.xz"
if [ ! -f "$node_part" ]; then
  say "compressing Node $node_version (about a minute, cached)…"
  strip --strip-all -o "$parts/node.tmp" "$node_path" 2>/dev/null || cp "$node_path" "$parts/node.tmp"
  xz -9 -T0 -c "$parts/node.tmp" >"$node_part.tmp"
  rm -f "$parts/node.tmp"
  mv "$node_part.tmp" "$node_part"
fi
cp "$node_part" "$out/node.xz"

# 4. libvulkan.so.1 (Debian's, from the lavapipe folder) and libGLdispatch.so.0 (libglvnd0).
lavapipe="${LOUPE_LAVAPIPE_DIR:-$root/.cache/lavapipe}"
[ -f "$lavapipe/complete" ] || bash "$root/scripts/lavapipe.sh" >/dev/null
cp -L "$(find "$lavapipe/root" -name libvulkan.so.1 | head -n 1)" "$out/lib/libvulkan.so.1"
glvnd="$(find /usr/lib/x86_64-linux-gnu /usr/lib64 -maxdepth 1 -name libGLdispatch.so.0 2>/dev/null | head -n 1 || true)"
if [ -z "$glvnd" ]; then
  mkdir -p "$parts/glvnd"
  (cd "$parts/glvnd" && rm -f ./*.deb && apt-get download libglvnd0 >/dev/null 2>&1) || say "could not download libglvnd0 (run apt-get update?)"
  deb="$(ls "$parts"/glvnd/libglvnd0_*.deb 2>/dev/null | head -n 1 || true)"
  if [ -n "$deb" ]; then dpkg-deb -x "$deb" "$parts/glvnd/root" && glvnd="$(find "$parts/glvnd/root" -name libGLdispatch.so.0 | head -n 1)"; fi
fi
if [ -n "$glvnd" ]; then cp -L "$glvnd" "$out/lib/libGLdispatch.so.0"; else say "warning: no libGLdispatch.so.0 in the bundle"; fi

# 5. A note, checksums, and the size check.
cat >"$out/README.txt" <<EOF
Loupe GPU check bundle (Node $node_version, onnxruntime-node $(node -p "require('$ort/package.json').version"), packed $(date -u +%Y-%m-%d)).
Run:  bash gpu-check.sh [--batches 1,32,128] [--providers cpu,cuda,webgpu,webgpu-nchw] [--out gpu-check.json]
Needs Linux x86_64 with glibc; no network. The table and the JSON go to stdout and gpu-check.json.
EOF
(cd "$out" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)
bytes="$(du -sb "$out" | cut -f1)"
say "bundle in $out: $(awk -v b="$bytes" 'BEGIN { printf "%.1f MB", b / 1e6 }')"
[ "$bytes" -lt 60000000 ] || { say "the bundle is over 60 MB"; exit 1; }
echo "$out"
