#!/bin/sh
# Prometheus's entrypoint in the Compose stack: renders deploy/prometheus/prometheus.yml (mounted read-only) with
# every running API and Web replica as a target (Docker's DNS) and re-renders it every 5 s; a change of replicas
# reloads Prometheus (SIGHUP). The alert rules are read from deploy/prometheus/alerts.yml as they are.
set -eu
# shellcheck source-path=SCRIPTDIR source=render.sh
. /etc/vitrine/compose/render.sh
export RULES_FILE=/etc/vitrine/prometheus/alerts.yml RULES_DIR=/etc/vitrine/prometheus/rules.d
export ALERTMANAGER="'alertmanager:9093'"
export NGINX_EXPORTER="'nginx:9113'" REDIS_EXPORTER="'redis-exporter:9121'"
export NODE_EXPORTER="'node-exporter:9100'"
export POSTGRES_PRIMARY_EXPORTER="'postgres-exporter:9187'" POSTGRES_REPLICA_EXPORTER="'postgres-replica-exporter:9187'"
export REDIS_CACHE_TARGET="'redis://redis-cache:6379'" REDIS_DURABLE_TARGET="'redis://redis-durable:6379'"
export SELF="'127.0.0.1:9090'"

resolve() {
  API_TARGETS=$(targets api 8080)
  WEB_TARGETS=$(targets web 8080)
  export API_TARGETS WEB_TARGETS
}

resolve
current="$API_TARGETS$WEB_TARGETS"
render /etc/vitrine/prometheus/prometheus.yml /tmp/prometheus.yml
prometheus --config.file=/tmp/prometheus.yml --storage.tsdb.path=/prometheus --web.listen-address=:9090 \
  --storage.tsdb.retention.time=15d "$@" &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT

while kill -0 "$pid" 2>/dev/null; do
  sleep 5 &
  wait $! || true
  resolve
  if [ "$API_TARGETS$WEB_TARGETS" != "$current" ]; then
    render /etc/vitrine/prometheus/prometheus.yml /tmp/prometheus.yml
    kill -HUP "$pid"
    current="$API_TARGETS$WEB_TARGETS"
  fi
done
wait "$pid"
