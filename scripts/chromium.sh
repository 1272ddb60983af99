#!/usr/bin/env bash
# Headless Chromium for the browser tests: Debian's package, installed when missing, with a colour
# emoji font (the widget and the demo page use a few emoji, as phones show them).
#
#   scripts/chromium.sh    install Debian's chromium (and fonts-noto-color-emoji) if needed; print
#                          the executable's path as the last line of stdout (exit 1 when it cannot
#                          be installed)
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

EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
if path="$(find_chromium)" && { [ -f "$EMOJI_FONT" ] || [ "$(id -u)" -ne 0 ]; }; then
  echo "$path"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  say "Chromium is not installed and installing it needs root (apt-get install chromium)"
  exit 1
fi
say "installing chromium and fonts-noto-color-emoji with apt-get"
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >&2
path="$(find_chromium)" || { say "apt-get installed chromium but no executable was found"; exit 1; }
echo "$path"
