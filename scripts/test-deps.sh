#!/usr/bin/env bash
# Installs the system packages the tests use, from Debian's repositories: PostgreSQL (the store's tests run on SQLite
# and PostgreSQL) and Chromium (Playwright's end-to-end tests drive Debian's Chromium). Needs root or sudo; without
# them it says what is missing and the tests that need it report it themselves.
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: please install ${need[*]} (no apt-get here)" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n); else
  echo "test-deps: ${need[*]} missing and no root/sudo to install them" >&2
  exit 0
fi
echo "▸ installing ${need[*]} (apt)…"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
