// Command devcluster runs a dev cluster in the foreground until SIGINT or
// SIGTERM, and prints how to point kubectl at it.
//
//	devcluster [--kubeconfig PATH] [--nodes N] [--exit-with-pid PID] [--apiserver-arg FLAG]...
//
// With --kubeconfig the admin kubeconfig is written to PATH (mode 0600)
// once the cluster is ready. SIGUSR1 restarts the API server alone (etcd
// keeps the data) and prints "devcluster: API server restarted" when the
// new one is ready, for fault tests; SIGUSR2 compacts etcd to its current
// revision and prints "devcluster: etcd compacted at revision N". With --exit-with-pid the cluster also stops
// when that process ends; test harnesses use it to share one cluster
// across the packages of a `go test ./...` run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/kr8s-go/kr8s/devcluster"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "write the admin kubeconfig to this path once ready")
	nodes := flag.Int("nodes", 2, "number of fake nodes")
	exitWith := flag.Int("exit-with-pid", 0, "stop when this process exits")
	var apiserverArgs []string
	flag.Func("apiserver-arg", "an extra kube-apiserver flag, such as --watch-cache=false (repeatable)", func(v string) error {
		apiserverArgs = append(apiserverArgs, v)
		return nil
	})
	flag.Parse()
	if err := run(*kubeconfig, *nodes, *exitWith, apiserverArgs); err != nil {
		fmt.Fprintln(os.Stderr, "devcluster:", err)
		os.Exit(1)
	}
}

func run(kubeconfig string, nodes, exitWith int, apiserverArgs []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	c, err := devcluster.Start(ctx, devcluster.WithNodes(nodes), devcluster.WithAPIServerArgs(apiserverArgs...))
	if err != nil {
		return err
	}
	defer c.Stop()
	if kubeconfig != "" {
		if err := writeFileAtomic(kubeconfig, c.Kubeconfig()); err != nil {
			return err
		}
	} else {
		kubeconfig = c.KubeconfigPath()
	}
	rss, _ := c.MemoryRSS()
	fmt.Printf("devcluster ready: %s\n", c.Server())
	fmt.Printf("  start to ready: %s (%s including build check)\n", c.ReadyAfter().Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	fmt.Printf("  memory: %d MiB RSS\n", rss>>20)
	fmt.Printf("  export KUBECONFIG=%s\n", kubeconfig)
	fmt.Printf("  contexts: %s (admin, client cert), %s (admin, token), %s (may only read pods in default)\n",
		devcluster.ContextAdmin, devcluster.ContextToken, devcluster.ContextReader)
	fmt.Println("Press Ctrl-C to stop.")

	var parentGone <-chan struct{}
	if exitWith > 0 {
		parentGone = watchPid(exitWith)
	}
	restart := make(chan os.Signal, 1)
	signal.Notify(restart, syscall.SIGUSR1)
	compact := make(chan os.Signal, 1)
	signal.Notify(compact, syscall.SIGUSR2)
	for {
		select {
		case <-ctx.Done():
			fmt.Println("devcluster: stopping")
			return c.Stop()
		case <-parentGone:
			fmt.Println("devcluster: stopping")
			return c.Stop()
		case <-restart:
			rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			err := c.RestartAPIServer(rctx)
			cancel()
			if err != nil {
				fmt.Println("devcluster: API server restart failed:", err)
				continue
			}
			fmt.Println("devcluster: API server restarted")
		case <-compact:
			cctx, cancel := context.WithTimeout(ctx, time.Minute)
			rev, err := c.CompactEtcd(cctx)
			cancel()
			if err != nil {
				fmt.Println("devcluster: etcd compaction failed:", err)
				continue
			}
			fmt.Println("devcluster: etcd compacted at revision", rev)
		}
	}
}

func watchPid(pid int) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		for syscall.Kill(pid, 0) != syscall.ESRCH {
			time.Sleep(500 * time.Millisecond)
		}
		close(ch)
	}()
	return ch
}

// writeFileAtomic writes via a temp file in the same directory and a
// rename, so readers never see half a kubeconfig.
func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".kubeconfig-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
