// Package control defines the line protocol between the devcluster library
// and its supervisor process. The library writes commands, one per line, to
// the supervisor's stdin; the supervisor answers with one JSON Event per
// line on stdout. When stdin reaches EOF (the library's process ended, even
// by SIGKILL) the supervisor stops the cluster and removes its directory.
package control

// Commands the supervisor accepts on stdin.
const (
	CmdRestartAPIServer = "restart-apiserver"
	// CmdCompactEtcd compacts etcd's history up to its current revision,
	// so that older resourceVersions answer 410 Gone.
	CmdCompactEtcd = "compact-etcd"
	CmdStop        = "stop"
)

// Event kinds the supervisor writes on stdout.
const (
	EventReady     = "ready"
	EventRestarted = "restarted"
	EventCompacted = "compacted"
	EventError     = "error"
	EventStopped   = "stopped"
)

// Event is one line of supervisor output.
type Event struct {
	Type string `json:"type"`
	// Error is set when Type is EventError.
	Error string `json:"error,omitempty"`
	// Ready fields.
	Dir        string `json:"dir,omitempty"`
	Kubeconfig string `json:"kubeconfig,omitempty"` // path of the admin kubeconfig
	Server     string `json:"server,omitempty"`
	// ReadyMillis is the time from supervisor start to a ready cluster.
	ReadyMillis int64 `json:"readyMillis,omitempty"`
	// Revision is the revision etcd was compacted to (EventCompacted).
	Revision int64 `json:"revision,omitempty"`
}
