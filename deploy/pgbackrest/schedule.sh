#!/bin/sh
# The backup schedule (deploy/pgbackrest/pgbackrest.conf keeps 30 days of what it makes), run beside the primary by
# a supervisor (the local stack's AppHost, a Compose service):
#   schedule.sh
# At start: the stanza is created if it is missing, and a first full backup is taken when the repository has none,
# so point-in-time recovery is possible from the first minutes. Then, at the top of every hour (UTC): a full
# backup on Sundays at 01:00, a differential every other day at 01:00, an incremental at every other hour. A backup
# that fails is reported and tried again at the next hour (WAL keeps being archived meanwhile). As root it runs
# pgBackRest as the postgres user, which owns the cluster and the repository.
set -u

if [ "$(id -u)" = 0 ]; then
  run_as="setpriv --reuid=postgres --regid=postgres --init-groups --"
else
  run_as="env" # the program, not the function below of the same name
fi

pgbackrest() {
  # shellcheck disable=SC2086
  $run_as pgbackrest --stanza=vitrine "$@"
}

until pgbackrest stanza-create; do
  echo "schedule.sh: stanza-create failed; trying again in 10 s" >&2
  sleep 10
done

if pgbackrest info --output=json | grep -q '"backup":\[\]'; then
  pgbackrest --type=full backup || echo "schedule.sh: the first full backup failed; trying again at the next hour" >&2
fi

while true; do
  now=$(date -u +%s)
  sleep $((3600 - now % 3600))
  hour=$(date -u +%H)
  weekday=$(date -u +%u)
  if [ "$hour" = 01 ] && [ "$weekday" = 7 ]; then
    type="full"
  elif [ "$hour" = 01 ]; then
    type="diff"
  else
    type="incr"
  fi
  pgbackrest --type=$type backup || echo "schedule.sh: the $type backup failed; trying again at the next hour" >&2
done
