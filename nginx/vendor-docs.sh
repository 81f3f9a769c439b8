#!/usr/bin/env bash
# `make vendor-docs`: fetches the pinned Swagger UI and ReDoc distributions from the npm registry
# (`npm pack`) and puts the files the API docs pages load, with their licences, in
# nginx/static/vendor/<name>-<version>/. They are checked in, so the pages and their test never need
# the registry; to update, change a version here and in nginx/static/docs/ (the pages and init
# scripts name the versioned paths), run this, commit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
vendor=$here/static/vendor
SWAGGER_UI=5.36.0
REDOC=3.0.1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# unpack NAME VERSION FILE... : the package's files (paths inside it) into vendor/NAME-VERSION/.
unpack() {
    local name=$1 version=$2; shift 2
    local out=$vendor/$name-$version
    (cd "$tmp" && npm pack --silent "$name@$version" > /dev/null)
    mkdir -p "$tmp/$name" && tar -xzf "$tmp/$name-$version.tgz" -C "$tmp/$name"
    rm -rf "$out" && mkdir -p "$out"
    for f in "$@"; do cp "$tmp/$name/package/$f" "$out/"; done
    echo "$out: $*"
}

unpack swagger-ui-dist "$SWAGGER_UI" LICENSE NOTICE swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css
unpack redoc "$REDOC" LICENSE bundles/redoc.standalone.js
