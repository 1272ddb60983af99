#!/usr/bin/env bash
# A private PostgreSQL server for the knowledge base, on 127.0.0.1 only.
#
#   scripts/postgres.sh [start]   install Debian's postgresql if missing, create a cluster under
#                                 var/pg, start it, create the database; print the SQLAlchemy URL
#                                 as the last line of stdout (fast when already running)
#   scripts/postgres.sh stop      stop the server
#   scripts/postgres.sh status    exit 0 when running (and print the URL), 1 otherwise
#   scripts/postgres.sh url       print the URL
#
# Environment: PGPORT (default 55432), KB_PG_DATABASE (default procedure_kb),
# KB_PG_DIR (default <project>/var/pg). The cluster trusts local TCP connections: it is for
# development, tests and benchmarks, never for production data.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${PGPORT:-55432}"
DB="${KB_PG_DATABASE:-procedure_kb}"
set_dir() { PG_DIR="$1"; DATA="$PG_DIR/data"; SOCKETS="$PG_DIR/run"; LOG="$PG_DIR/server.log"; }
set_dir "${KB_PG_DIR:-$ROOT/var/pg}"
# When the project sits where the postgres user cannot reach (e.g. under /root), use this instead.
FALLBACK_DIR="/var/tmp/procedure_kb-pg-$PORT"
if [ -z "${KB_PG_DIR:-}" ] && [ "$(id -u)" -eq 0 ] && [ ! -f "$PG_DIR/data/PG_VERSION" ] &&
  [ -f "$FALLBACK_DIR/data/PG_VERSION" ]; then
  set_dir "$FALLBACK_DIR"
fi
URL="postgresql://postgres@127.0.0.1:$PORT/$DB"
OWNER=postgres

say() { echo "postgres.sh: $*" >&2; }
die() { say "$*"; exit 1; }

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$OWNER" -- "$@"; else "$@"; fi
}

install_postgres() {
  BIN="$(find_bin)"
  [ -n "$BIN" ] && return 0
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
  say "installing postgresql with apt-get"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  BIN="$(find_bin)"
  [ -n "$BIN" ] || die "apt-get installed postgresql but no server binaries were found"
}

running() {
  [ -n "${BIN:-}" ] && [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

prepare_dir() {
  mkdir -p "$PG_DIR" "$SOCKETS"
  if [ "$(id -u)" -eq 0 ]; then
    id "$OWNER" >/dev/null 2>&1 || die "user $OWNER does not exist (is postgresql installed?)"
    chown "$OWNER" "$PG_DIR" "$SOCKETS"
    if ! runuser -u "$OWNER" -- test -w "$PG_DIR" && [ -z "${KB_PG_DIR:-}" ]; then
      say "user $OWNER cannot reach $PG_DIR; using $FALLBACK_DIR"
      set_dir "$FALLBACK_DIR"
      mkdir -p "$PG_DIR" "$SOCKETS"
      chown "$OWNER" "$PG_DIR" "$SOCKETS"
    fi
    runuser -u "$OWNER" -- test -w "$PG_DIR" ||
      die "user $OWNER cannot write $PG_DIR (a parent folder is not readable); set KB_PG_DIR"
  fi
}

init_cluster() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  say "creating a cluster in $DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  cat >>"$DATA/postgresql.conf" <<CONF
# procedure_kb private server
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKETS'
max_connections = 50
CONF
}

start() {
  install_postgres
  prepare_dir
  exec 9>"$PG_DIR/.lock"
  flock -w 120 9 || die "another postgres.sh is still running"
  if ! running; then
    init_cluster
    sed -i "s/^port = .*/port = $PORT/" "$DATA/postgresql.conf"
    say "starting on 127.0.0.1:$PORT"
    if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null 9>&-; then
      tail -n 5 "$LOG" >&2 || true
      die "the server did not start (log: $LOG)"
    fi
  fi
  local psql=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
    "${psql[@]}" -c "CREATE DATABASE \"$DB\"" >/dev/null
  fi
  echo "$URL"
}

stop() {
  BIN="$(find_bin)"
  if running; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) BIN="$(find_bin)"; if running; then echo "$URL"; else exit 1; fi ;;
  url) echo "$URL" ;;
  *) die "usage: scripts/postgres.sh [start|stop|status|url]" ;;
esac
