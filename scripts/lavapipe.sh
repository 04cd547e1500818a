#!/usr/bin/env bash
# Fetches Mesa's software Vulkan driver (lavapipe) from Debian's backports suite into a private folder, so that the
# WebGPU execution provider (Dawn over Vulkan) can be tested on a machine with no GPU. Nothing is installed system-wide:
# the packages are downloaded with `apt-get download` against a private apt state and unpacked with `dpkg-deb -x`.
#
#   eval "$(bash scripts/lavapipe.sh)"    # prints `export VK_DRIVER_FILES=… LD_LIBRARY_PATH=…` on stdout
#
# Progress goes to stderr. Idempotent: once unpacked, a second run only prints the environment (no network).
# Why backports: Debian 12's own Mesa (22.3) lacks Vulkan features Dawn requires ("No supported adapters"); Mesa 25
# from bookworm-backports has them. The backports source is derived from the machine's own Debian apt source (same
# mirror, same keyring), so no host name is written here.
#
# Options: --force (fetch and unpack again), --dir DIR (default: .cache/lavapipe at the repository root, or
# $LOUPE_LAVAPIPE_DIR). Exit status 0 with the environment printed, non-zero with the reason on stderr.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${LOUPE_LAVAPIPE_DIR:-$root/.cache/lavapipe}"
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --dir) dest="$2"; shift ;;
    *) echo "lavapipe.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
# What the driver needs, beyond what the machine already has: the Vulkan driver and the Vulkan loader.
packages=(mesa-vulkan-drivers libvulkan1)

print_env() { cat "$dest/env.sh"; }

if [ "$force" -eq 0 ] && [ -f "$dest/env.sh" ] && [ -f "$dest/complete" ]; then
  # shellcheck disable=SC1091
  icd="$(. "$dest/env.sh" && echo "$VK_DRIVER_FILES")"
  if [ -f "$icd" ]; then
    echo "lavapipe: already unpacked in $dest ($(tr '\n' ' ' <"$dest/complete"))" >&2
    print_env
    exit 0
  fi
fi

fail() { echo "lavapipe: $*" >&2; exit 1; }
[ "$(uname -s)" = Linux ] || fail "Linux only"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || fail "needs apt-get and dpkg-deb (a Debian-based system)"
arch="$(dpkg --print-architecture)"
# shellcheck disable=SC1091
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
[ -n "$codename" ] || fail "cannot tell the Debian release from /etc/os-release"

# --- 1. The machine's own Debian archive source → the same archive's backports suite -------------------------------
# Reads one-line (sources.list) and deb822 (*.sources) files; takes the first `deb` entry whose suite is the release
# itself (e.g. bookworm), keeping its URI and Signed-By keyring.
find_source() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [opts] URI SUITE COMPONENTS…
    awk -v suite="$codename" '
      $1 == "deb" {
        opts = ""; i = 2
        if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
        if ($(i + 1) == suite) {
          key = ""
          if (match(opts, /signed-by=[^] ]+/)) key = substr(opts, RSTART + 10, RLENGTH - 10)
          print $i "\t" key; exit
        }
      }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # Stanzas separated by blank lines; fields Types, URIs, Suites, Signed-By (a path; an inline key is not supported).
    awk -v suite="$codename" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") { split(uris, u, " "); print u[1] "\t" key; found = 1 }
        types = ""; uris = ""; suites = ""; key = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); if (found) exit; next }
      /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
      /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      /^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); key = $0 }
      END { if (!found) flush() }' "$f"
  done
}
source_line="$(find_source | head -n 1)"
[ -n "$source_line" ] || fail "no apt source for '$codename' found in /etc/apt/sources.list{,.d} to derive the backports source from"
uri="${source_line%%$'\t'*}"
key="${source_line#*$'\t'}"
opts="arch=$arch"
if [ -n "$key" ] && [ -f "$key" ]; then opts="$opts signed-by=$key"; fi
echo "lavapipe: using the machine's $codename source and its ${codename}-backports suite" >&2

# --- 2. A private apt state: its own source list, lists, cache; the system's dpkg status (to know what is there) ---
apt_dir="$dest/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/empty" "$dest/debs"
printf 'deb [%s] %s %s main\ndeb [%s] %s %s-backports main\n' "$opts" "$uri" "$codename" "$opts" "$uri" "$codename" >"$apt_dir/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/empty"
  -o "Dir::Etc::Preferences=$apt_dir/empty/none" -o "Dir::Etc::PreferencesParts=$apt_dir/empty"
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
  -o "APT::Default-Release=${codename}-backports" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=$(id -un)"
  -o "Acquire::Languages=none" -o "APT::Get::List-Cleanup=0" -q
)
echo "lavapipe: reading the package index (private apt state in $apt_dir)…" >&2
apt-get "${apt_opts[@]}" update >&2 || fail "apt-get update failed"

# --- 3. What to download: the Depends closure of the two packages that this machine lacks or has too old ----------
# The resolver's simulated install (against the system's dpkg status) lists what is missing or too old; intersecting it
# with the Depends closure drops upgrades that only Breaks/Conflicts would pull in (other Mesa libraries).
closure="$(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances "${packages[@]}" | grep -E '^[a-z0-9]' | sort -u)"
# (If the resolver refuses — held packages, say — only the two packages are fetched; the ldd check below then names
# any library still missing.)
simulated="$(apt-get "${apt_opts[@]}" -s install --no-install-recommends "${packages[@]}" 2>/dev/null || true)"
needed="$(echo "$simulated" | awk '$1 == "Inst" { print $2 }' | sort -u | comm -12 - <(echo "$closure"))"
for p in "${packages[@]}"; do needed="$(printf '%s\n%s\n' "$needed" "$p")"; done
needed="$(echo "$needed" | grep -v '^$' | sort -u)"
echo "lavapipe: downloading $(echo "$needed" | tr '\n' ' ')" >&2
rm -f "$dest"/debs/*.deb
(cd "$dest/debs" && apt-get "${apt_opts[@]}" download $needed >&2) || fail "apt-get download failed"

# --- 4. Unpack privately and write an ICD file pointing at the private driver --------------------------------------
rm -rf "$dest/root" "$dest/complete"
mkdir -p "$dest/root"
for deb in "$dest"/debs/*.deb; do dpkg-deb -x "$deb" "$dest/root"; done
driver="$(find "$dest/root" -name 'libvulkan_lvp.so' | head -n 1)"
loader="$(find "$dest/root" -name 'libvulkan.so.1' | head -n 1)"
icd_src="$(find "$dest/root" -name 'lvp_icd*.json' | head -n 1)"
[ -n "$driver" ] && [ -n "$loader" ] && [ -n "$icd_src" ] || fail "the unpacked packages lack libvulkan_lvp.so, libvulkan.so.1 or lvp_icd*.json"
libdir="$(dirname "$driver")"
# The packaged ICD names the driver by its system path; the private copy names the unpacked one.
sed -E "s#\"library_path\": *\"[^\"]*\"#\"library_path\": \"$driver\"#" "$icd_src" >"$dest/lvp_icd.json"
missing="$(LD_LIBRARY_PATH="$libdir:$(dirname "$loader")" ldd "$driver" | grep 'not found' || true)"
[ -z "$missing" ] || fail "the driver's libraries are not all there: $missing"
ld_path="$libdir"
[ "$(dirname "$loader")" = "$libdir" ] || ld_path="$ld_path:$(dirname "$loader")"
cat >"$dest/env.sh" <<EOF
export VK_DRIVER_FILES='$dest/lvp_icd.json'
export LD_LIBRARY_PATH='$ld_path'\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
EOF
for deb in "$dest"/debs/*.deb; do echo "$(dpkg-deb -f "$deb" Package)=$(dpkg-deb -f "$deb" Version)"; done >"$dest/complete"
rm -rf "$apt_dir/lists" "$apt_dir/cache" # 20 MB of index; a later run does not need it
echo "lavapipe: unpacked into $dest ($(du -sh "$dest/root" | cut -f1)): $(tr '\n' ' ' <"$dest/complete")" >&2
print_env
