#!/usr/bin/env bash
# A private Redis server for Rasa's lock store, on 127.0.0.1 only.
#
#   scripts/redis.sh [start]   install Debian's redis-server if missing, start it under var/redis;
#                              print the URL as the last line of stdout (fast when already running)
#   scripts/redis.sh stop      stop the server
#   scripts/redis.sh status    exit 0 when running (and print the URL), 1 otherwise
#   scripts/redis.sh url       print the URL
#
# Environment: REDIS_PORT (default 56379), REDIS_DIR (default <project>/var/redis).
# Locks are short-lived, so nothing is written to disk. No password: the server answers only
# on loopback; a server shared between machines needs one (docs/deployment.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${REDIS_PORT:-56379}"
DIR="${REDIS_DIR:-$ROOT/var/redis}"
PIDFILE="$DIR/redis-$PORT.pid"
LOG="$DIR/redis-$PORT.log"
URL="redis://127.0.0.1:$PORT/0"

say() { echo "redis.sh: $*" >&2; }
die() { say "$*"; exit 1; }

install_redis() {
  command -v redis-server >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || die "redis-server is not installed and installing it needs root (apt-get install redis-server)"
  say "installing redis-server with apt-get"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >&2
  command -v redis-server >/dev/null || die "apt-get installed redis-server but it is not on PATH"
}

running() {
  command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG
}

start() {
  install_redis
  if ! running; then
    mkdir -p "$DIR"
    say "starting on 127.0.0.1:$PORT"
    redis-server --bind 127.0.0.1 --port "$PORT" --protected-mode yes --daemonize yes \
      --pidfile "$PIDFILE" --logfile "$LOG" --dir "$DIR" --save "" --appendonly no >/dev/null
    for _ in $(seq 1 50); do running && break; sleep 0.2; done
    running || { tail -n 5 "$LOG" >&2 || true; die "the server did not start (log: $LOG)"; }
  fi
  echo "$URL"
}

stop() {
  if running; then
    redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
    say "stopped"
  else
    say "not running"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "$URL"; else exit 1; fi ;;
  url) echo "$URL" ;;
  *) die "usage: scripts/redis.sh [start|stop|status|url]" ;;
esac
