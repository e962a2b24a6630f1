#!/bin/sh
# Shared by the compose entrypoints (sourced, POSIX sh): fills a deploy/ template's {{NAME}} placeholders from the
# environment variables of the same names, the way `vitrine up` fills them for the local stack, so the template in
# deploy/ stays the one source. A placeholder without a variable is an error, as it is for the local stack.

# render TEMPLATE OUTPUT
render() {
  template=$1 output=$2
  script=""
  for name in $(grep -o '{{[A-Z_]*}}' "$template" | tr -d '{}' | sort -u); do
    if ! eval "[ \"\${$name+set}\" = set ]"; then
      echo "$template: no value for $name" >&2
      return 1
    fi
    eval "value=\$$name"
    # Escape what sed's replacement treats specially (\ & and the | delimiter); a newline becomes \ + newline.
    # shellcheck disable=SC2154 # value is assigned by the eval above
    escaped=$(printf '%s\n' "$value" | sed -e 's/[\\&|]/\\&/g' -e '$!s/$/\\/')
    script="$script
s|{{$name}}|$escaped|g"
  done
  sed "$script" "$template" > "$output.tmp"
  mv "$output.tmp" "$output"
}

# addresses NAME: the IPv4 addresses Docker's DNS gives for a service, sorted: getent (glibc images) or BusyBox's
# nslookup (the official Prometheus image), whose first Address line is the DNS server's own (with a :53 port).
addresses() {
  if command -v getent >/dev/null 2>&1; then
    getent ahostsv4 "$1" | cut -d' ' -f1 | sort -u
  else
    nslookup "$1" 2>/dev/null | sed -n 's/^Address[^:]*:[[:space:]]*\([0-9][0-9.]*\)[[:space:]]*$/\1/p' | sort -u
  fi
}

# servers NAME PORT: one nginx `server` line per address Docker's DNS gives for a service (its running replicas),
# sorted, so a change of replicas is a change of text.
servers() {
  for address in $(addresses "$1"); do
    printf '        server %s:%s max_fails=3 fail_timeout=10s;\n' "$address" "$2"
  done
}

# targets NAME PORT: the same addresses as a YAML flow list for Prometheus.
targets() {
  list=""
  for address in $(addresses "$1"); do
    list="$list${list:+, }'$address:$2'"
  done
  printf '[%s]' "$list"
}
