#!/usr/bin/env bash
# The project-local PostgreSQL + PostGIS cluster under var/pg (the embedded default).
# Usage: scripts/pg.sh start|stop|status|url
# It listens on 127.0.0.1:$PARKATLAS_PGPORT (default 54329, so it never clashes with a
# system PostgreSQL on 5432) and on a Unix socket in var/pg/run. initdb refuses to run
# as root, so as root the cluster belongs to the unprivileged 'postgres' system user.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PG_MAJOR=${PARKATLAS_PG_MAJOR:-15}
PGBIN=${PARKATLAS_PGBIN:-/usr/lib/postgresql/$PG_MAJOR/bin}
PORT=${PARKATLAS_PGPORT:-54329}
BASE=$ROOT/var/pg
DATA=$BASE/data
RUN=$BASE/run
LOG=$BASE/postgres.log
DB=${PARKATLAS_PGDATABASE:-parkatlas}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_dirs() {
  mkdir -p "$DATA" "$RUN"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "pg.sh: no 'postgres' system user (install postgresql-$PG_MAJOR)" >&2; exit 1; }
    chown postgres: "$BASE" "$DATA" "$RUN"
    chmod 700 "$DATA"
    if ! runuser -u postgres -- test -w "$DATA"; then
      echo "pg.sh: the 'postgres' user cannot reach $DATA; clone the project under a folder" \
           "every user can traverse (e.g. /srv or /home/you), or set DATABASE_URL" >&2
      exit 1
    fi
  fi
}

running() { as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

psql_local() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U parkatlas "$@"; }

start() {
  [ -x "$PGBIN/pg_ctl" ] || { echo "pg.sh: PostgreSQL $PG_MAJOR not found in $PGBIN" >&2; exit 1; }
  ensure_dirs
  if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "Creating the local PostgreSQL cluster in var/pg ..."
    as_owner "$PGBIN/initdb" -D "$DATA" -U parkatlas --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >/dev/null
    cat >> "$DATA/postgresql.conf" <<CONF
# ParkAtlas local cluster
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN'
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 512MB
max_connections = 100
max_wal_size = 4GB
timezone = 'Asia/Shanghai'
CONF
  fi
  if ! running; then
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null \
      || { echo "pg.sh: PostgreSQL did not start; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1; }
  fi
  if ! psql_local -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    psql_local -d postgres -c "CREATE DATABASE $DB"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) if [ -f "$DATA/PG_VERSION" ] && running; then
          as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null && echo "Local PostgreSQL stopped."
        else echo "Local PostgreSQL is not running."; fi ;;
  status) if [ -f "$DATA/PG_VERSION" ] && running; then echo running; else echo stopped; exit 3; fi ;;
  url) echo "postgresql://parkatlas@127.0.0.1:$PORT/$DB" ;;
  *) echo "usage: scripts/pg.sh start|stop|status|url" >&2; exit 2 ;;
esac
