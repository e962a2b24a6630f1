#!/bin/sh
# PgBouncer's entrypoint in the Compose stack: renders deploy/pgbouncer/pgbouncer.ini (mounted read-only) into /tmp
# and runs PgBouncer in the foreground as the image's non-root user. The auth file is a Docker secret.
set -eu
# shellcheck source-path=SCRIPTDIR source=render.sh
. /etc/vitrine/compose/render.sh
: "${POSTGRES_HOST:=postgres}" "${POSTGRES_PORT:=5432}" "${LISTEN_ADDR:=*}" "${LISTEN_PORT:=6432}"
: "${AUTH_FILE:=/run/secrets/pgbouncer-userlist}"
export POSTGRES_HOST POSTGRES_PORT LISTEN_ADDR LISTEN_PORT AUTH_FILE
export SOCKET_DIR=/tmp PID_FILE=/tmp/pgbouncer.pid LOG_FILE=""
render /etc/vitrine/pgbouncer/pgbouncer.ini /tmp/pgbouncer.ini
exec pgbouncer /tmp/pgbouncer.ini
