#!/bin/sh
# Creates a streaming read replica's data directory from the primary, once.
#   init-replica.sh PRIMARY_HOST PRIMARY_PORT DATA_DIR SLOT      (PGUSER and PGPASSWORD from the environment)
# pg_basebackup -R writes standby.signal and primary_conninfo; -C -S creates and uses a physical replication slot,
# so the primary keeps every WAL segment the replica has not received yet: a checkpoint on the primary never
# strands the replica (without a slot it breaks with "requested WAL segment has already been removed").
# Exits 0 at once when DATA_DIR already holds a cluster. As root, runs the tools as the postgres user.
set -eu
host=$1 port=$2 data_dir=$3 slot=$4

if [ -f "$data_dir/PG_VERSION" ]; then
  echo "replica already initialised in $data_dir"
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  run_as="setpriv --reuid=postgres --regid=postgres --init-groups --"
else
  run_as=""
fi

partial="$data_dir.partial"
# Three tries: a primary that has only just started accepting connections (or is busy with its first backup) can
# fail one attempt; each try starts from nothing.
attempt=1
while :; do
  # A slot left behind by a replica that was deleted (or by a failed try) would make -C fail; it would also pin WAL
  # forever.
  rm -rf "$partial"
  # shellcheck disable=SC2086
  if $run_as psql -h "$host" -p "$port" -d postgres -v ON_ERROR_STOP=1 -qAt \
       -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$slot' AND NOT active" >/dev/null &&
     $run_as pg_basebackup -h "$host" -p "$port" -D "$partial" -R -C -S "$slot" -X stream --checkpoint=fast --no-password; then
    break
  fi
  if [ "$attempt" -ge 3 ]; then
    echo "replica initialisation failed $attempt times" >&2
    exit 1
  fi
  echo "replica initialisation failed (try $attempt of 3); trying again in 2 s" >&2
  attempt=$((attempt + 1))
  sleep 2
done
mv "$partial" "$data_dir"
echo "replica initialised in $data_dir (slot $slot)"
