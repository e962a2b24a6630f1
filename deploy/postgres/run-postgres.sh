#!/bin/sh
# Runs PostgreSQL in the foreground for a supervisor (the Aspire AppHost locally, a container's PID 1 elsewhere).
#   run-postgres.sh DATA_DIR PORT CONFIG_FILE SOCKET_DIR [-c name=value …]
# Extra arguments go to postgres as they are (the local stack scales memory settings to a small host with them).
# PostgreSQL refuses root, so as root it drops to the postgres user. A supervisor stops children with SIGTERM,
# which PostgreSQL treats as a "smart" shutdown that waits for every session to end; we turn it into SIGINT, the
# "fast" shutdown, so a stop never ends in SIGKILL and crash recovery.
set -eu
data_dir=$1 port=$2 config=$3 socket_dir=$4
shift 4

if [ "$(id -u)" = 0 ]; then
  run_as="setpriv --reuid=postgres --regid=postgres --init-groups --"
else
  run_as=""
fi

# shellcheck disable=SC2086
$run_as mkdir -p "$socket_dir"
# shellcheck disable=SC2086
$run_as postgres -D "$data_dir" -p "$port" -c "config_file=$config" \
  -c "hba_file=$data_dir/pg_hba.conf" -c "ident_file=$data_dir/pg_ident.conf" \
  -c "unix_socket_directories=$socket_dir" -c "listen_addresses=127.0.0.1" "$@" &
pid=$!
trap 'kill -INT "$pid" 2>/dev/null' TERM INT
# wait returns when PostgreSQL exits or when a signal arrives; after a signal, wait again for the shutdown to end.
# PostgreSQL's own exit status is the wrapper's, so a supervisor sees a failed start as a failure.
status=0
wait "$pid" || status=$?
if kill -0 "$pid" 2>/dev/null; then
  status=0
  wait "$pid" || status=$?
fi
exit "$status"
