// Package supervisor runs a whole dev cluster: embedded etcd, then
// kube-apiserver, kube-controller-manager, kube-scheduler, kwok and the
// node agent as child processes. It owns the cluster's directory and
// removes it when it stops.
package supervisor

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/server/v3/embed"

	"github.com/kr8s-go/kr8s/devcluster/internal/control"
)

// Config is what the supervisor needs to start a cluster.
type Config struct {
	Self  string // path of the multi-call binary (the supervisor's own)
	Kwok  string // path of the kwok binary
	Nodes int    // number of fake nodes
	// APIServerArgs are extra kube-apiserver flags, after the defaults
	// (a later flag wins), such as --watch-cache=false.
	APIServerArgs []string
}

// Supervisor runs one cluster.
type Supervisor struct {
	cfg   Config
	dir   string
	ports ports
	files files
	etcd  *embed.Etcd
	start time.Time

	mu    sync.Mutex
	procs []*proc // in start order
	api   *proc
}

type ports struct{ etcd, etcdPeer, api, agent, kwok int }

// Run starts the cluster, reports readiness as an event on out, then obeys
// commands from in until it reads CmdStop or EOF. It always stops every
// process and removes the cluster directory before it returns.
func Run(cfg Config, in io.Reader, out io.Writer) error {
	if cfg.Nodes <= 0 {
		cfg.Nodes = 2
	}
	s := &Supervisor{cfg: cfg, start: time.Now()}
	enc := json.NewEncoder(out)
	emit := func(e control.Event) { _ = enc.Encode(e) }

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			lines <- strings.TrimSpace(sc.Text())
		}
		close(lines)
	}()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Stop early if stdin closes while the cluster is still starting.
	startErr := make(chan error, 1)
	go func() { startErr <- s.up(ctx) }()
	var err error
wait:
	for {
		select {
		case err = <-startErr:
			break wait
		case l, ok := <-lines:
			if !ok || l == control.CmdStop {
				cancel()
				<-startErr
				s.down()
				return errStopped
			}
		}
	}
	if err != nil {
		emit(control.Event{Type: control.EventError, Error: err.Error()})
		s.down()
		return err
	}
	emit(control.Event{
		Type:        control.EventReady,
		Dir:         s.dir,
		Kubeconfig:  s.files.adminKubeconfig,
		Server:      s.server(),
		ReadyMillis: time.Since(s.start).Milliseconds(),
	})
	for l := range lines {
		switch l {
		case control.CmdStop:
			s.down()
			emit(control.Event{Type: control.EventStopped})
			return nil
		case control.CmdCompactEtcd:
			if rev, err := s.compactEtcd(context.Background()); err != nil {
				emit(control.Event{Type: control.EventError, Error: err.Error()})
			} else {
				emit(control.Event{Type: control.EventCompacted, Revision: rev})
			}
		case control.CmdRestartAPIServer:
			if err := s.restartAPIServer(context.Background()); err != nil {
				emit(control.Event{Type: control.EventError, Error: err.Error()})
			} else {
				emit(control.Event{Type: control.EventRestarted})
			}
		case "":
		default:
			emit(control.Event{Type: control.EventError, Error: fmt.Sprintf("unknown command %q", l)})
		}
	}
	s.down()
	return nil
}

func (s *Supervisor) server() string {
	return "https://127.0.0.1:" + strconv.Itoa(s.ports.api)
}

func (s *Supervisor) up(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "devcluster-")
	if err != nil {
		return err
	}
	s.dir = dir
	// The pid file lets a later start sweep this directory away if this
	// process is killed before it can.
	if err := os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
		return err
	}
	for _, d := range []string{"pki", "logs", "etcd", "pods"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return err
		}
	}
	if err := s.pickPorts(); err != nil {
		return err
	}
	if err := s.writeFiles(); err != nil {
		return err
	}
	if err := s.startEtcd(); err != nil {
		return err
	}
	s.api = s.newProc("apiserver", s.cfg.Self, append(append([]string{"apiserver"}, s.apiserverArgs()...), s.cfg.APIServerArgs...))
	if err := s.launch(s.api); err != nil {
		return err
	}
	c, err := newAdminClient(s)
	if err != nil {
		return err
	}
	if err := s.waitAPIServer(ctx, c); err != nil {
		return err
	}
	if err := bootstrap(ctx, c, s.cfg.Nodes); err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	for _, p := range []*proc{
		s.newProc("controller-manager", s.cfg.Self, append([]string{"controller-manager"}, s.controllerManagerArgs()...)),
		s.newProc("scheduler", s.cfg.Self, append([]string{"scheduler"}, s.schedulerArgs()...)),
		s.newProc("kwok", s.cfg.Kwok, s.kwokArgs()),
		s.newProc("agent", s.cfg.Self, append([]string{"agent"}, s.agentArgs()...)),
	} {
		if err := s.launch(p); err != nil {
			return err
		}
	}
	return s.waitReady(ctx, c)
}

func (s *Supervisor) newProc(name, path string, args []string) *proc {
	return &proc{name: name, path: path, args: args, log: filepath.Join(s.dir, "logs", name+".log")}
}

func (s *Supervisor) launch(p *proc) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := p.start(); err != nil {
		return err
	}
	s.procs = append(s.procs, p)
	return nil
}

// checkProcs returns an error naming the first component that died.
func (s *Supervisor) checkProcs() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.procs {
		if p.cmd != nil && p.exited() {
			return p.failure()
		}
	}
	return nil
}

func (s *Supervisor) startEtcd() error {
	cfg := embed.NewConfig()
	cfg.Name = "devcluster"
	cfg.Dir = filepath.Join(s.dir, "etcd")
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{filepath.Join(s.dir, "logs", "etcd.log")}
	client := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(s.ports.etcd)}
	peer := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(s.ports.etcdPeer)}
	cfg.ListenClientUrls = []url.URL{client}
	cfg.AdvertiseClientUrls = []url.URL{client}
	cfg.ListenPeerUrls = []url.URL{peer}
	cfg.AdvertisePeerUrls = []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	// A dev cluster favours speed over durability.
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return fmt.Errorf("start etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(30 * time.Second):
		e.Close()
		return fmt.Errorf("etcd did not become ready in 30s")
	}
	s.etcd = e
	return nil
}

func (s *Supervisor) restartAPIServer(ctx context.Context) error {
	s.api.stop(10 * time.Second)
	s.mu.Lock()
	err := s.api.start()
	s.mu.Unlock()
	if err != nil {
		return err
	}
	c, err := newAdminClient(s)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	return s.waitAPIServer(ctx, c)
}

// down stops components in the order that lets each one exit quickly:
// node agent and kwok, controllers, the API server, then etcd. Then it
// removes the cluster directory.
func (s *Supervisor) down() {
	s.mu.Lock()
	procs := s.procs
	s.procs = nil
	s.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		grace := 5 * time.Second
		if procs[i] == s.api {
			grace = 10 * time.Second
		}
		procs[i].stop(grace)
	}
	if s.etcd != nil {
		s.etcd.Close()
	}
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

func (s *Supervisor) pickPorts() error {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var got []int
	for range 5 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		ls = append(ls, l)
		got = append(got, l.Addr().(*net.TCPAddr).Port)
	}
	s.ports = ports{etcd: got[0], etcdPeer: got[1], api: got[2], agent: got[3], kwok: got[4]}
	return nil
}
