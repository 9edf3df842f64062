#!/usr/bin/env bash
# Builds govulncheck's database offline and prints its directory: the OSV
# files of one pinned version of golang.org/x/vulndb, fetched through the
# module proxy (checked against go.sum's database like any module), indexed
# by that module's own cmd/indexdb into the layout govulncheck reads with
# -db file://DIR (index/db.json, index/modules.json, ID/<id>.json). The
# same version always gives the same database; no network but the proxy.
# Usage: scripts/vulndb.sh   (cached in $(go env GOCACHE)/kr8s-vulndb-VERSION)
set -euo pipefail
VERSION=v0.0.0-20261105234957-e22db6528018
out=$(go env GOCACHE)/kr8s-vulndb-$VERSION
if [ ! -f "$out/index/db.json" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	src=$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "golang.org/x/vulndb@$VERSION" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	(cd "$tmp" && GOFLAGS=-mod=mod go run "golang.org/x/vulndb/cmd/indexdb@$VERSION" -vulns "$src/data/osv" -out "$tmp/db") >&2
	rm -rf "$out"
	mv "$tmp/db" "$out"
fi
echo "$out"
