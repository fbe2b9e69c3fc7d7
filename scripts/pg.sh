#!/usr/bin/env bash
# The project-local PostgreSQL + PostGIS cluster under var/pg (the embedded default).
# Usage: scripts/pg.sh start|stop|status|url|app-url
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
OWNER_PW_FILE=$ROOT/var/db-owner-password
APP_PW_FILE=$ROOT/var/db-app-password
APP_ROLE=parkatlas_app

# A password file made once (mode 600), printed on stdout.
secret() {
  if [ ! -s "$1" ]; then
    mkdir -p "$ROOT/var"
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$1")
  fi
  cat "$1"
}

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

psql_local() {
  PGPASSWORD=$(secret "$OWNER_PW_FILE") "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U parkatlas "$@"
}

# Switch a cluster made with 'trust' to passwords: set the owner's password through the
# Unix socket (still trusted at that moment), then require scram-sha-256 everywhere.
require_passwords() {
  local hba=$DATA/pg_hba.conf
  if as_owner grep -Eq '^[^#].*[[:space:]]trust[[:space:]]*$' "$hba"; then
    echo "Requiring passwords on the local PostgreSQL cluster ..."
    # psql interpolates :'pw' only in what it reads, not in -c: feed the command on stdin.
    echo "ALTER ROLE parkatlas PASSWORD :'pw';" | as_owner "$PGBIN/psql" -X -q -h "$RUN" \
      -p "$PORT" -U parkatlas -d postgres -v pw="$(secret "$OWNER_PW_FILE")"
    as_owner sed -i -E 's/[[:space:]]trust[[:space:]]*$/ scram-sha-256/' "$hba"
    as_owner "$PGBIN/pg_ctl" -D "$DATA" reload >/dev/null
    sleep 1
  fi
}

# The app's role: can read and write the data, cannot change the schema or the audit log.
ensure_app_role() {
  psql_local -d postgres -v role="$APP_ROLE" -v pw="$(secret "$APP_PW_FILE")" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', :'role')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" PASSWORD :'pw';
SQL
}

start() {
  [ -x "$PGBIN/pg_ctl" ] || { echo "pg.sh: PostgreSQL $PG_MAJOR not found in $PGBIN" >&2; exit 1; }
  ensure_dirs
  if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "Creating the local PostgreSQL cluster in var/pg ..."
    secret "$OWNER_PW_FILE" >/dev/null
    pwfile=$(mktemp)
    cp "$OWNER_PW_FILE" "$pwfile"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$pwfile"
    as_owner "$PGBIN/initdb" -D "$DATA" -U parkatlas --auth=scram-sha-256 --pwfile="$pwfile" \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
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
  require_passwords
  ensure_app_role
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
  url) echo "postgresql://parkatlas:$(secret "$OWNER_PW_FILE")@127.0.0.1:$PORT/$DB" ;;
  app-url) echo "postgresql://$APP_ROLE:$(secret "$APP_PW_FILE")@127.0.0.1:$PORT/$DB" ;;
  *) echo "usage: scripts/pg.sh start|stop|status|url|app-url" >&2; exit 2 ;;
esac
