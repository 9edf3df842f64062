#!/usr/bin/env bash
# Every check and every test, as CI runs them. One dev cluster serves the
# tests of the core module; the devcluster module's tests start their own.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export CI=${CI:-}
TOOLS=$(go env GOPATH)/bin
MODULES=(. devcluster)

echo "== gofmt"
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$bad" ]; then echo "gofmt needed:"; echo "$bad"; exit 1; fi

echo "== the core module imports no k8s.io module"
if go list -deps -test ./... | grep -E '^k8s\.io/|^sigs\.k8s\.io/'; then
	echo "the core module must not import k8s.io modules" >&2
	exit 1
fi

echo "== go vet"
for m in "${MODULES[@]}" bench; do (cd "$m" && go vet ./...); done

echo "== staticcheck"
if [ ! -x "$TOOLS/staticcheck" ]; then go install honnef.co/go/tools/cmd/staticcheck@v0.8.2; fi
for m in "${MODULES[@]}"; do (cd "$m" && "$TOOLS/staticcheck" ./...); done

echo "== govulncheck (offline, against a database built from golang.org/x/vulndb)"
if [ ! -x "$TOOLS/govulncheck" ]; then go install golang.org/x/vuln/cmd/govulncheck@v1.9.0; fi
vulndb=$("$ROOT/scripts/vulndb.sh")
# The standard library is checked as of the patched Go release that go.mod's
# toolchain line names (this machine's go1.26.8 has 14 known stdlib
# vulnerabilities, fixed in go1.26.9 and go1.26.10); the go command fetches
# that toolchain through the module proxy. The core module (which includes
# cmd/kubectl-ng) is checked symbol by symbol: only vulnerable code our code
# can reach counts. The devcluster module, a test tool of ~400 Kubernetes
# packages whose symbol scan takes over 20 minutes and 5 GB, is checked
# module by module, which is stricter (any vulnerable version counts).
patched=$(sed -n 's/^toolchain //p' go.mod)
(export GOTOOLCHAIN=$patched
	"$TOOLS/govulncheck" -db "file://$vulndb" ./...
	cd devcluster && "$TOOLS/govulncheck" -db "file://$vulndb" -scan module)

echo "== tests"
work=$(mktemp -d)
trap 'stop_devcluster; rm -rf "$work"' EXIT
if [ -z "${KR8S_TEST_KUBECONFIG:-}" ]; then
	start_devcluster "$work"
	export KR8S_TEST_KUBECONFIG=$work/kubeconfig
fi
go test -race -count=1 -timeout 30m ./...
# Test-only modules (they may import k8s.io; the core module may not).
for m in testmodules/*/; do (cd "$m" && go vet ./... && go test -race -count=1 -timeout 10m ./...); done
stop_devcluster
unset KR8S_TEST_KUBECONFIG
(cd devcluster && go test -race -count=1 -timeout 40m ./...)
echo "== all green"
