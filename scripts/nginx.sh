#!/usr/bin/env bash
# Debian's nginx for the production entry (`make prod`, bot/prod.py): install it if missing and
# print the binary's path as the last line of stdout. The Debian service itself stays off: the
# project starts its own nginx with its own configuration under var/prod/ (never /etc/nginx).
set -euo pipefail

say() { echo "nginx.sh: $*" >&2; }
die() { say "$*"; exit 1; }

find_nginx() { command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }

BIN="$(find_nginx)"
if [ -z "$BIN" ]; then
  [ "$(id -u)" -eq 0 ] || die "nginx is not installed and installing it needs root (apt-get install nginx-light)"
  say "installing nginx-light with apt-get"
  apt-get update -qq >&2
  # policy-rc.d 101: the package's own service is not started (it would take port 80).
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
  fi
  installed=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >&2 ||
    installed=$?
  [ -z "$policy" ] || rm -f "$policy"
  [ "$installed" -eq 0 ] || die "apt-get could not install nginx-light"
  BIN="$(find_nginx)"
  [ -n "$BIN" ] || die "apt-get installed nginx-light but no nginx binary was found"
fi
echo "$BIN"
