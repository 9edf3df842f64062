# Shared by the scripts: start a devcluster in the background and stop it.
# Usage: start_devcluster DIR   (sets DEVCLUSTER_PID; kubeconfig in DIR/kubeconfig)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export GOWORK=off

start_devcluster() {
	local dir=$1
	(cd "$ROOT/devcluster" && go build -o "$dir/devcluster" ./cmd/devcluster)
	"$dir/devcluster" --kubeconfig "$dir/kubeconfig" >"$dir/devcluster.log" 2>&1 &
	DEVCLUSTER_PID=$!
	echo "waiting for the dev cluster (the first run builds the control plane: several minutes)..."
	while [ ! -f "$dir/kubeconfig" ]; do
		if ! kill -0 "$DEVCLUSTER_PID" 2>/dev/null; then
			cat "$dir/devcluster.log" >&2
			echo "devcluster failed to start" >&2
			return 1
		fi
		sleep 1
	done
	cat "$dir/devcluster.log"
}

stop_devcluster() {
	if [ -n "${DEVCLUSTER_PID:-}" ] && kill -0 "$DEVCLUSTER_PID" 2>/dev/null; then
		kill -TERM "$DEVCLUSTER_PID"
		wait "$DEVCLUSTER_PID" || true
	fi
}
