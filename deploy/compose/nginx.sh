#!/bin/sh
# nginx's entrypoint in the Compose stack (the image's own or the official one: it needs sh, sed, nginx and getent or
# nslookup).
# Renders deploy/nginx/nginx.conf (mounted read-only at /etc/vitrine) into /tmp, runs nginx in the foreground, and
# every 2 s asks Docker's DNS which API and Web replicas are running: when the set changes (docker-compose --scale,
# a replica stopped or killed) it re-renders and reloads nginx gracefully (SIGHUP: new workers, old ones finish
# their requests). Open-source nginx 1.22 resolves upstream names only at start (`server api resolve` is NGINX
# Plus), and a resolver + variable proxy_pass would give up the upstream blocks (least_conn, keepalive, max_fails).
set -eu
# shellcheck source-path=SCRIPTDIR source=render.sh
. /etc/vitrine/compose/render.sh

run=/tmp/nginx
mkdir -p "$run/cache" "$run/log"
# The template writes logs under LOG_DIR; here they go to the container's output (docker logs).
ln -sf /proc/1/fd/2 "$run/log/nginx-error.log"
ln -sf /proc/1/fd/1 "$run/log/nginx-access.log"
ln -sf /proc/1/fd/1 "$run/log/nginx-internal.log"

export PID_FILE="$run/nginx.pid" LOG_DIR="$run/log" CACHE_DIR="$run/cache"
: "${MODULES:=/usr/lib/nginx/modules}" "${TLS_CERT:=/run/secrets/tls-cert}" "${TLS_KEY:=/run/secrets/tls-key}"
: "${HTTPS_PORT:=443}" "${STATUS_PORT:=8082}" "${API_UPSTREAM:=api:8080}" "${WEB_UPSTREAM:=web:8080}"
: "${HTTP_LISTEN:=listen 8080;}" "${HTTPS_LISTEN:=listen 8443 ssl http2;}" "${INTERNAL_LISTEN:=listen 8081;}"
# Brotli where the image has Debian's modules (ours); the official nginx image has none: gzip only.
if [ -f "$MODULES/ngx_http_brotli_filter_module.so" ] && [ -f "$MODULES/ngx_http_brotli_static_module.so" ]; then
  BROTLI_MODULES="load_module $MODULES/ngx_http_brotli_filter_module.so;
load_module $MODULES/ngx_http_brotli_static_module.so;"
  BROTLI="include /etc/vitrine/nginx/brotli.conf;"
else
  BROTLI_MODULES="# brotli: no module in $MODULES" BROTLI="# brotli: off (no module)"
fi
export TLS_CERT TLS_KEY HTTPS_PORT STATUS_PORT HTTP_LISTEN HTTPS_LISTEN INTERNAL_LISTEN BROTLI_MODULES BROTLI

resolve() {
  API_SERVERS=$(servers "${API_UPSTREAM%:*}" "${API_UPSTREAM#*:}")
  WEB_SERVERS=$(servers "${WEB_UPSTREAM%:*}" "${WEB_UPSTREAM#*:}")
  # An upstream with no server is a configuration error: until a replica exists, point at a closed local port.
  : "${API_SERVERS:=        server 127.0.0.1:9 down;}" "${WEB_SERVERS:=        server 127.0.0.1:9 down;}"
  export API_SERVERS WEB_SERVERS
}

resolve
current="$API_SERVERS
$WEB_SERVERS"
render /etc/vitrine/nginx/nginx.conf "$run/nginx.conf"
nginx -e stderr -c "$run/nginx.conf" -g 'daemon off;' &
pid=$!
# docker stop sends TERM: nginx's graceful stop is QUIT (finish in-flight requests).
trap 'kill -QUIT "$pid" 2>/dev/null; wait "$pid"; exit 0' TERM INT QUIT

while kill -0 "$pid" 2>/dev/null; do
  sleep 2 &
  wait $! || true
  resolve
  next="$API_SERVERS
$WEB_SERVERS"
  if [ "$next" != "$current" ]; then
    render /etc/vitrine/nginx/nginx.conf "$run/nginx.conf"
    if nginx -e stderr -t -q -c "$run/nginx.conf"; then
      echo "nginx.sh: replicas changed, reloading: $(printf '%s\n' "$next" | grep -c 'server ') upstream servers" >&2
      kill -HUP "$pid"
      current=$next
    fi
  fi
done
wait "$pid"
