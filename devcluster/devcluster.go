// Package devcluster runs a real Kubernetes control plane on loopback for
// tests and demos: embedded etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok's fake nodes, all built from Go modules. No
// download and no container runtime is needed.
//
// A node agent serves the kubelet's streaming endpoints for the fake nodes,
// so pods/exec runs real local processes (with stdin, TTY and exit codes),
// pods/log returns the output of containers that have a command, and
// pods/portforward to pod port N reaches 127.0.0.1:N.
//
// The first Start builds the binaries (several minutes cold) into the
// user's cache directory; later starts reuse them and are ready in seconds.
package devcluster

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kr8s-go/kr8s/devcluster/internal/control"
)

// Context names in the kubeconfig, one per identity.
const (
	// ContextAdmin authenticates with a client certificate in
	// system:masters. It is the current context.
	ContextAdmin = "devcluster"
	// ContextToken authenticates with a bearer token in system:masters.
	ContextToken = "devcluster-token"
	// ContextReader authenticates with a bearer token as user "reader",
	// who may only get, list and watch pods in namespace "default".
	ContextReader = "devcluster-reader"
)

// Option configures Start.
type Option func(*options)

type options struct {
	nodes         int
	apiserverArgs []string
}

// WithNodes sets the number of fake nodes (default 2).
func WithNodes(n int) Option { return func(o *options) { o.nodes = n } }

// WithAPIServerArgs adds kube-apiserver flags after the defaults, such as
// "--watch-cache=false" to serve watches from etcd directly.
func WithAPIServerArgs(args ...string) Option {
	return func(o *options) { o.apiserverArgs = append(o.apiserverArgs, args...) }
}

// Cluster is a running dev cluster. Stop it when done; if the process that
// started it dies, the cluster stops by itself.
type Cluster struct {
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	events   chan control.Event
	exited   chan struct{}
	stderr   *tailBuffer
	ready    control.Event
	kubeconf []byte

	mu      sync.Mutex // one command at a time
	stopped bool
}

// Start builds the binaries if needed, starts a cluster and waits until
// it is ready: nodes Ready and the default ServiceAccount present. ctx
// bounds the start only, not the cluster's life.
func Start(ctx context.Context, opts ...Option) (*Cluster, error) {
	o := options{nodes: 2}
	for _, opt := range opts {
		opt(&o)
	}
	sweepStaleDirs()
	bins, err := ensureBinaries(ctx)
	if err != nil {
		return nil, err
	}
	args := []string{"supervise", "--kwok", bins.kwok, "--nodes", strconv.Itoa(o.nodes)}
	for _, a := range o.apiserverArgs {
		args = append(args, "--apiserver-arg="+a)
	}
	cmd := exec.Command(bins.kcp, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &Cluster{
		cmd:    cmd,
		stdin:  stdin,
		events: make(chan control.Event, 4),
		exited: make(chan struct{}),
		stderr: &tailBuffer{max: 16 << 10},
	}
	cmd.Stderr = c.stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("devcluster: start supervisor: %w", err)
	}
	go c.readEvents(stdout)
	go func() {
		_ = cmd.Wait()
		close(c.exited)
	}()
	select {
	case ev, ok := <-c.events:
		switch {
		case !ok:
			c.Stop()
			return nil, fmt.Errorf("devcluster: supervisor exited before the cluster was ready: %s", c.stderr)
		case ev.Type != control.EventReady:
			c.Stop()
			return nil, fmt.Errorf("devcluster: start: %s", ev.Error)
		}
		c.ready = ev
	case <-ctx.Done():
		c.Stop()
		return nil, fmt.Errorf("devcluster: start: %w", ctx.Err())
	}
	c.kubeconf, err = os.ReadFile(c.ready.Kubeconfig)
	if err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) readEvents(r io.Reader) {
	defer close(c.events)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var ev control.Event
		if json.Unmarshal(sc.Bytes(), &ev) == nil {
			c.events <- ev
		}
	}
}

// Kubeconfig returns the admin kubeconfig. It also holds the token and
// reader identities as the contexts ContextToken and ContextReader.
func (c *Cluster) Kubeconfig() []byte { return c.kubeconf }

// KubeconfigPath returns the path of the kubeconfig file, inside the
// cluster's directory; it is removed by Stop.
func (c *Cluster) KubeconfigPath() string { return c.ready.Kubeconfig }

// Server returns the API server's URL.
func (c *Cluster) Server() string { return c.ready.Server }

// Dir returns the cluster's working directory, removed by Stop.
func (c *Cluster) Dir() string { return c.ready.Dir }

// ReadyAfter returns how long the supervisor took from its start to a
// ready cluster, not counting any build.
func (c *Cluster) ReadyAfter() time.Duration {
	return time.Duration(c.ready.ReadyMillis) * time.Millisecond
}

// Pid returns the process id of the supervisor, the root of the cluster's
// process tree.
func (c *Cluster) Pid() int { return c.cmd.Process.Pid }

// RestartAPIServer stops kube-apiserver and starts it again on the same
// port while etcd keeps its data. It returns once the new API server is
// ready.
func (c *Cluster) RestartAPIServer(ctx context.Context) error {
	_, err := c.command(ctx, "restart", control.CmdRestartAPIServer, control.EventRestarted)
	return err
}

// CompactEtcd compacts etcd's history up to its current revision and
// returns that revision: a watch or a list continue token older than it
// then gets 410 Gone from etcd. The API server's watch cache still serves
// watches from its own window unless the cluster was started with
// WithAPIServerArgs("--watch-cache=false").
func (c *Cluster) CompactEtcd(ctx context.Context) (revision int64, err error) {
	ev, err := c.command(ctx, "compact", control.CmdCompactEtcd, control.EventCompacted)
	return ev.Revision, err
}

// command sends one command to the supervisor and waits for its answer.
func (c *Cluster) command(ctx context.Context, what, cmd, want string) (control.Event, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return control.Event{}, errors.New("devcluster: cluster is stopped")
	}
	if _, err := io.WriteString(c.stdin, cmd+"\n"); err != nil {
		return control.Event{}, fmt.Errorf("devcluster: %s: %w", what, err)
	}
	select {
	case ev, ok := <-c.events:
		if !ok {
			return ev, fmt.Errorf("devcluster: supervisor exited: %s", c.stderr)
		}
		if ev.Type != want {
			return ev, fmt.Errorf("devcluster: %s: %s", what, ev.Error)
		}
		return ev, nil
	case <-ctx.Done():
		return control.Event{}, fmt.Errorf("devcluster: %s: %w", what, ctx.Err())
	}
}

// Stop stops every component in order and removes the cluster's
// directory. It is safe to call more than once.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	c.stopped = true
	_, _ = io.WriteString(c.stdin, control.CmdStop+"\n")
	c.stdin.Close()
	select {
	case <-c.exited:
	case <-time.After(90 * time.Second):
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-c.exited
		return errors.New("devcluster: supervisor did not stop in 90s; killed")
	}
	return nil
}

// MemoryRSS sums the resident memory of the cluster's processes (Linux).
func (c *Cluster) MemoryRSS() (int64, error) {
	var total int64
	for _, pid := range processTree(c.Pid()) {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				total += kb << 10
			}
		}
	}
	if total == 0 {
		return 0, errors.New("devcluster: no process memory found")
	}
	return total, nil
}

// processTree returns root and all its descendants, from /proc.
func processTree(root int) []int {
	children := map[int][]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name may hold spaces; fields after ")" are fixed.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], pid)
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// sweepStaleDirs removes cluster directories left by supervisors that were
// killed outright.
func sweepStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "devcluster-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "pid"))
		if err != nil {
			if st, serr := os.Stat(d); serr == nil && time.Since(st.ModTime()) > time.Hour {
				_ = os.RemoveAll(d)
			}
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || syscall.Kill(pid, 0) == syscall.ESRCH {
			_ = os.RemoveAll(d)
		}
	}
}

// tailBuffer keeps the last max bytes written, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	b   []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
