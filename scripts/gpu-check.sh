#!/usr/bin/env bash
# The GPU check: a ResNet-50-shaped model with seeded random weights, run on the CPU and on each GPU provider
# (CUDA when its libraries are there, WebGPU over Vulkan in NHWC and NCHW layouts) at batch 1, 32 and 128; prints a
# table (session-create time, first-run time, median latency, images/s, max |difference| and cosine vs the CPU, top-1
# agreement) and writes gpu-check.json. Made for a borrowed Linux machine with an NVIDIA GPU and no network.
#
#   bash scripts/gpu-check.sh [options]                  # from a checkout with node_modules (runs through tsx)
#   bash gpu-bundle/gpu-check.sh [options]               # from the bundle made by scripts/pack-gpu-bundle.sh
#
# Options go to the program (packages/embedding/scripts/gpu-check.ts): --batches 1,32,128, --providers
# cpu,cuda,webgpu,webgpu-nchw, --runs 10, --budget 240 (seconds shared by the measurements), --threads N,
# --cuda-device 0, --seed 1, --out gpu-check.json. The whole run is cut at LOUPE_GPU_CHECK_TIMEOUT seconds
# (default 290); the JSON is rewritten after every measurement, so a cut run keeps what it measured.
#
# What it sets up, and says so on stderr:
# - Node: the machine's `node` if it is version 20 or newer, else the bundle's (node.xz, unpacked with xz or Python).
#   LOUPE_GPU_CHECK_NODE=bundled forces the bundle's.
# - onnxruntime-node: the bundle's copy, unpacked into a temporary folder (removed at exit).
# - libvulkan.so.1 (and libGLdispatch.so.0, which NVIDIA's Vulkan driver links): the bundle's copies, only for the
#   libraries the system lacks.
# - NVIDIA's Vulkan driver manifest: when none is installed where the Vulkan loader looks but one exists under
#   /usr/local/nvidia (GPU containers), or only the driver library libGLX_nvidia.so.0 can be found, it points the
#   loader at it (VK_DRIVER_FILES, VK_ICD_FILENAMES). Left alone when VK_DRIVER_FILES is already set (dry runs).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
say() { echo "gpu-check: $*" >&2; }
if [ -f "$here/gpu-check.mjs" ]; then mode=bundle; root="$here"; else mode=repo; root="$(cd "$here/.." && pwd)"; fi
work="$(mktemp -d "${TMPDIR:-/tmp}/loupe-gpu-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

has_lib() { # NAME: found by the dynamic loader (LD_LIBRARY_PATH, then the ld.so cache)?
  local d
  IFS=: read -ra dirs <<<"${LD_LIBRARY_PATH:-}"
  for d in "${dirs[@]}"; do [ -n "$d" ] && [ -e "$d/$1" ] && return 0; done
  { /sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null || true; } | grep -q " $1 "
}
unxz_to() { # FILE.xz DEST
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"
  elif command -v python3 >/dev/null; then python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"
  else say "cannot unpack $1: neither xz nor python3 is installed"; exit 1; fi
}

# --- Node ----------------------------------------------------------------------------------------------------------
node_bin=""
if [ "${LOUPE_GPU_CHECK_NODE:-}" != bundled ] && command -v node >/dev/null &&
  node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  node_bin="$(command -v node)"
  say "using this machine's Node $("$node_bin" --version)"
elif [ -f "$root/node.xz" ]; then
  unxz_to "$root/node.xz" "$work/node"
  chmod +x "$work/node"
  node_bin="$work/node"
  say "using the bundle's Node $("$node_bin" --version)"
else
  say "needs Node ≥ 20: none on this machine and no node.xz here (make a bundle with scripts/pack-gpu-bundle.sh)"
  exit 1
fi

# --- The program and onnxruntime-node --------------------------------------------------------------------------------
if [ "$mode" = bundle ]; then
  mkdir -p "$work/app"
  cp -R "$root/node_modules" "$root/gpu-check.mjs" "$work/app/"
  while IFS= read -r -d '' f; do unxz_to "$f" "${f%.xz}" && rm -f "$f"; done < <(find "$work/app/node_modules" -name '*.xz' -print0)
  program=("$work/app/gpu-check.mjs")
else
  [ -f "$root/node_modules/tsx/dist/cli.mjs" ] || { say "no node_modules in $root: run npm ci (or use the bundle)"; exit 1; }
  program=("$root/node_modules/tsx/dist/cli.mjs" "$root/packages/embedding/scripts/gpu-check.ts")
fi

# --- Vulkan loader and NVIDIA's Vulkan driver -------------------------------------------------------------------------
mkdir -p "$work/lib"
for lib in libvulkan.so.1 libGLdispatch.so.0; do
  if ! has_lib "$lib" && [ -f "$root/lib/$lib" ]; then
    ln -s "$root/lib/$lib" "$work/lib/$lib"
    say "the system has no $lib: using the bundle's"
  fi
done
[ -z "$(ls -A "$work/lib")" ] || export LD_LIBRARY_PATH="$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  standard=(/etc/vulkan/icd.d /usr/local/etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d "${HOME:-/nonexistent}/.local/share/vulkan/icd.d")
  nvidia_installed=0
  for d in "${standard[@]}"; do
    for f in "$d"/*.json; do [ -f "$f" ] && grep -qi nvidia "$f" && nvidia_installed=1; done
  done
  if [ "$nvidia_installed" -eq 0 ]; then
    manifest=""
    for m in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/icd.d/nvidia_icd.json; do
      [ -f "$m" ] && { manifest="$m"; break; }
    done
    if [ -z "$manifest" ]; then
      glx="$({ /sbin/ldconfig -p 2>/dev/null || true; } | awk '/libGLX_nvidia\.so\.0 /{print $NF; exit}')"
      for d in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64; do
        [ -z "$glx" ] && [ -f "$d/libGLX_nvidia.so.0" ] && glx="$d/libGLX_nvidia.so.0"
      done
      if [ -n "$glx" ]; then
        manifest="$work/nvidia_icd.json"
        printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$glx" >"$manifest"
        say "no NVIDIA Vulkan manifest installed: wrote one for $glx"
      fi
    fi
    if [ -n "$manifest" ]; then
      export VK_DRIVER_FILES="$manifest" VK_ICD_FILENAMES="$manifest"
      say "Vulkan driver manifest: $manifest"
    fi
  fi
fi

# --- Run ------------------------------------------------------------------------------------------------------------
limit="${LOUPE_GPU_CHECK_TIMEOUT:-290}"
status=0
timeout --signal=TERM --kill-after=10 "$limit" "$node_bin" "${program[@]}" "$@" || status=$?
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then say "stopped after ${limit} s; the JSON holds what was measured until then"; fi
exit "$status"
