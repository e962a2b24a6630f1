#!/bin/sh
# Alertmanager's entrypoint in the Compose stack: renders deploy/alertmanager/alertmanager.yml (mounted read-only)
# with the Web's receiver behind nginx's internal listener and the token the Web checks, then runs Debian's
# Alertmanager as one instance (no cluster listener).
set -eu
# shellcheck source-path=SCRIPTDIR source=render.sh
. /etc/vitrine/compose/render.sh
export WEBHOOK_URL=http://nginx:8081/admin/ops/alerts WEBHOOK_TOKEN_FILE=/run/secrets/alert-webhook-token
render /etc/vitrine/alertmanager/alertmanager.yml /tmp/alertmanager.yml
exec prometheus-alertmanager --config.file=/tmp/alertmanager.yml --storage.path=/alertmanager \
  --web.listen-address=:9093 --cluster.listen-address= "$@"
