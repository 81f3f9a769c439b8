#!/usr/bin/env bash
# Writes $GATEHOUSE_VAR/nginx/nginx.conf from nginx/nginx.conf.in and makes a self-signed TLS
# certificate the first time (GATEHOUSE_TLS_CERT / GATEHOUSE_TLS_KEY point at a real one instead).
# Expects the effective settings in the environment (see nginx/stack.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/.." && pwd)
var=$GATEHOUSE_VAR

mkdir -p "$var/nginx" "$var/tls" "$var/log" "$var/run"
for d in client_body fastcgi proxy uwsgi scgi; do mkdir -p "$var/nginx/$d"; done

# GATEHOUSE_LISTEN_ADDRESS (an IP literal, checked by `gatehouse config`): nginx listens on it alone,
# as a host behind a load balancer does (README: More than one machine); empty, on every address.
listen_address=${GATEHOUSE_LISTEN_ADDRESS:-}
case $listen_address in
    "") listen="" san_extra="" ;;
    127.0.0.1) listen="127.0.0.1:" san_extra="" ;;
    ::1) listen="[::1]:" san_extra="" ;;
    *:*) listen="[$listen_address]:" san_extra=",IP:$listen_address" ;;
    *) listen="$listen_address:" san_extra=",IP:$listen_address" ;;
esac

cert=${GATEHOUSE_TLS_CERT:-$var/tls/cert.pem}
key=${GATEHOUSE_TLS_KEY:-$var/tls/key.pem}
if [ -z "${GATEHOUSE_TLS_CERT:-}" ] && [ ! -s "$cert" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
        -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1$san_extra" \
        -keyout "$key" -out "$cert" 2>/dev/null
    chmod 600 "$key"
fi

# nginx's own workers run unprivileged (www-data) when we are root and they can reach what they
# serve; a checkout in a private home directory they cannot enter keeps them as the caller.
user_line=""
if [ "$(id -u)" = 0 ]; then
    if id www-data >/dev/null 2>&1 && runuser -u www-data -- test -r "$home/nginx/static/style.css" -a -x "$var/run"; then
        user_line="user www-data www-data;"
        chown -R www-data:www-data "$var/nginx"
    else
        user_line="user root root;"
        echo "note: www-data cannot reach $home; nginx workers run as root" >&2
    fi
fi

if [ "${GATEHOUSE_THROTTLE:-1}" = 1 ]; then
    limit_req="limit_req zone=gatehouse_flood burst=60 nodelay;"
else
    limit_req="# GATEHOUSE_THROTTLE=0: no flood guard"
fi

# Behind a load balancer (GATEHOUSE_TRUSTED_PROXIES, checked by `gatehouse config`): the client
# address is taken from X-Forwarded-For, and only when the connection comes from one of these.
if [ -n "${GATEHOUSE_TRUSTED_PROXIES:-}" ]; then
    real_ip=""
    for proxy in ${GATEHOUSE_TRUSTED_PROXIES//,/ }; do real_ip+="set_real_ip_from $proxy; "; done
    real_ip+="real_ip_header X-Forwarded-For; real_ip_recursive on;"
else
    real_ip="# GATEHOUSE_TRUSTED_PROXIES is empty: the client address is the connection's"
fi

sed -e "s|@USER_LINE@|$user_line|g" \
    -e "s|@VAR@|$var|g" \
    -e "s|@HOME@|$home|g" \
    -e "s|@SOCKET@|$GATEHOUSE_SOCKET|g" \
    -e "s|@LISTEN@|$listen|g" \
    -e "s|@HTTPS_PORT@|$GATEHOUSE_HTTPS_PORT|g" \
    -e "s|@HTTP_PORT@|$GATEHOUSE_HTTP_PORT|g" \
    -e "s|@CERT@|$cert|g" \
    -e "s|@KEY@|$key|g" \
    -e "s|@LIMIT_REQ@|$limit_req|g" \
    "$home/nginx/nginx.conf.in" > "$var/nginx/nginx.conf"

# The snippets, rendered as `make install` renders them for a host's own nginx (README: Installing
# on a server), here with this stack's socket and state dir.
for template in "$home"/nginx/gatehouse-*.conf.in; do
    sed -e "s|@HOME@|$home|g" \
        -e "s|@VAR@|$var|g" \
        -e "s|@SNIPPETS@|$var/nginx|g" \
        -e "s|@SOCKET@|$GATEHOUSE_SOCKET|g" \
        -e "s|@LIMIT_REQ@|$limit_req|g" \
        -e "s|@REAL_IP@|$real_ip|g" \
        "$template" > "$var/nginx/$(basename "$template" .in)"
done
