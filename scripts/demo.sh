#!/usr/bin/env bash
# The README's main job: build the dev cluster and the CLI, start a
# cluster, take a narrated tour with kubectl-ng, run the library example,
# and stop the cluster. Any failed step fails the demo.
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'stop_devcluster; rm -rf "$work"' EXIT
cd "$ROOT"

if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Build the CLI and the tour's web server"
go build -o "$work/kubectl-ng" ./cmd/kubectl-ng
go build -o "$work/webserver" ./examples/tour/webserver
k() { "$work/kubectl-ng" "$@"; }

step "Start a dev cluster"
start_devcluster "$work"
export KUBECONFIG=$work/kubeconfig
run k version

port=$("$work/webserver" -free-port)
cat >"$work/tour.yaml" <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: tour}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: tour}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: example/web
        command: ["$work/webserver", "-port", "$port"]
        ports: [{name: http, containerPort: $port}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: tour}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
YAML

step "Apply a Deployment and a Service (server-side apply)"
run k apply -f "$work/tour.yaml"
run k -n tour wait --for=condition=Available deployment/web --timeout=60s
run k -n tour get pods -o wide

step "Logs and exec"
for _ in $(seq 50); do k -n tour logs deploy/web | grep -q serving && break; sleep 0.2; done
run k -n tour logs deploy/web
run k -n tour exec deploy/web -- sh -c 'echo "exec works in $HOSTNAME"'

step "Port-forward to the Service and fetch through it"
local_port=$("$work/webserver" -free-port)
k -n tour port-forward svc/web "$local_port:80" >"$work/pf.log" 2>&1 &
pf=$!
for _ in $(seq 50); do grep -q Forwarding "$work/pf.log" && break; sleep 0.2; done
cat "$work/pf.log"
exec 3<>"/dev/tcp/127.0.0.1/$local_port"
printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
body=$(cat <&3 | tail -n 1)
exec 3<&-
echo "fetched: $body"
kill "$pf"; wait "$pf" 2>/dev/null || true
[[ $body == "hello from web-"* ]]

step "Scale to 3 and wait"
run k -n tour scale deployment/web --replicas=3 --wait --timeout=60s
run k -n tour get pods -o wide

step "Label"
run k -n tour label deployment/web tier=frontend
run k -n tour get deployments --show-labels

step "Drain a node: its pods move to the other one"
node=$(k -n tour get pods -o jsonpath='{.items[0].spec.nodeName}')
run k drain "$node" --timeout=60s
run k -n tour get pods -o wide
run k uncordon "$node"

step "Delete"
run k delete -f "$work/tour.yaml" --wait

step "The library example (examples/hello)"
run go run ./examples/hello

step "Tour complete"
