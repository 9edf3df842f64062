#!/usr/bin/env bash
# The README's main job: build and start a dev cluster, then run the
# example program against it, then stop the cluster.
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'stop_devcluster; rm -rf "$work"' EXIT
start_devcluster "$work"
export KUBECONFIG=$work/kubeconfig
cd "$ROOT"
go run ./examples/hello
