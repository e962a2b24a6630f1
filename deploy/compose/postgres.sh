#!/bin/sh
# PostgreSQL's entrypoint in the Compose stack, for the primary and the streaming replica (the image's own or the
# official postgres one: it needs sh, initdb, postgres, psql and pg_basebackup on PATH and runs as the postgres user).
#   postgres.sh primary|replica [-c name=value …]
# The primary: a new data directory is made with initdb (user POSTGRES_USER, password from POSTGRES_PASSWORD_FILE,
# the official image's variables) plus the database POSTGRES_DB. The replica: made once from the primary by
# deploy/postgres/init-replica.sh (pg_basebackup -R with a replication slot), as the local stack makes it.
# Both then run postgres in the foreground with deploy/postgres/postgresql.conf, mounted read-only; extra arguments
# (the memory settings scaled to the container's limit) go to postgres as they are. SOCKET_DIRECTORY (default /tmp)
# is where its Unix socket is: the primary's is a volume shared with the backup service, which pgBackRest reaches it by.
set -eu
role=$1
shift
: "${PGDATA:=/var/lib/postgresql/data/pgdata}" "${POSTGRES_USER:=vitrine}" "${POSTGRES_DB:=$POSTGRES_USER}"
: "${POSTGRES_PASSWORD_FILE:=/run/secrets/postgres-password}" "${PRIMARY_HOST:=postgres}" "${SOCKET_DIRECTORY:=/tmp}"
config=/etc/vitrine/postgres/postgresql.conf

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  case $role in
    primary)
      initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$POSTGRES_PASSWORD_FILE" --auth=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8
      echo "CREATE DATABASE \"$POSTGRES_DB\";" | postgres --single -D "$PGDATA" -c "config_file=$config" \
        -c "hba_file=/etc/vitrine/compose/pg_hba.conf" -c "unix_socket_directories=/tmp" postgres >/dev/null
      ;;
    replica)
      PGUSER=$POSTGRES_USER PGPASSWORD=$(cat "$POSTGRES_PASSWORD_FILE") \
        sh /etc/vitrine/postgres/init-replica.sh "$PRIMARY_HOST" 5432 "$PGDATA" vitrine_replica
      ;;
    *)
      echo "postgres.sh: primary or replica, not $role" >&2
      exit 2
      ;;
  esac
fi

# Compose stops it with SIGINT (stop_signal), PostgreSQL's fast shutdown: open sessions never hold up a stop.
exec postgres -D "$PGDATA" -c "config_file=$config" -c "hba_file=/etc/vitrine/compose/pg_hba.conf" \
  -c "ident_file=$PGDATA/pg_ident.conf" -c "listen_addresses=*" -c "unix_socket_directories=$SOCKET_DIRECTORY" "$@"
