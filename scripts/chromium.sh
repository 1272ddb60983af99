#!/usr/bin/env bash
# Headless Chromium for the browser tests: Debian's package, installed when missing.
#
#   scripts/chromium.sh    install Debian's chromium if needed; print the executable's path as the
#                          last line of stdout (exit 1 when it cannot be installed)
#
# Playwright (a Python package in the dev dependencies) drives this browser; it never downloads a
# browser of its own. CHROMIUM_PATH overrides the executable.
set -euo pipefail

say() { echo "chromium.sh: $*" >&2; }

find_chromium() {
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if path="$(find_chromium)"; then
  echo "$path"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  say "Chromium is not installed and installing it needs root (apt-get install chromium)"
  exit 1
fi
say "installing chromium with apt-get"
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
path="$(find_chromium)" || { say "apt-get installed chromium but no executable was found"; exit 1; }
echo "$path"
