// Command kcp is the devcluster's multi-call binary. Each subcommand runs
// one component in its own process:
//
//	kcp supervise --kwok PATH [--nodes N]   the whole cluster (used by package devcluster)
//	kcp apiserver ...                       kube-apiserver
//	kcp controller-manager ...              kube-controller-manager
//	kcp scheduler ...                       kube-scheduler
//	kcp agent ...                           the node agent for kwok's nodes
//
// kwok is built as its own binary: its global flags clash with the
// Kubernetes components' flags when linked together.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	kcm "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"

	"github.com/kr8s-go/kr8s/devcluster/internal/agent"
	"github.com/kr8s-go/kr8s/devcluster/internal/supervisor"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kcp supervise|apiserver|controller-manager|scheduler|agent [flags]")
		os.Exit(2)
	}
	sub, args := os.Args[1], os.Args[2:]
	switch sub {
	case "apiserver":
		cmd := apiserver.NewAPIServerCommand()
		cmd.SetArgs(args)
		os.Exit(cli.Run(cmd))
	case "controller-manager":
		cmd := kcm.NewControllerManagerCommand()
		cmd.SetArgs(args)
		os.Exit(cli.Run(cmd))
	case "scheduler":
		cmd := scheduler.NewSchedulerCommand()
		cmd.SetArgs(args)
		os.Exit(cli.Run(cmd))
	case "agent":
		os.Exit(runAgent(args))
	case "supervise":
		os.Exit(runSupervise(args))
	default:
		fmt.Fprintf(os.Stderr, "kcp: unknown subcommand %q\n", sub)
		os.Exit(2)
	}
}

func runAgent(args []string) int {
	fs := flag.NewFlagSet("agent", flag.ExitOnError)
	var cfg agent.Config
	var nodes string
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:10250", "address to serve on")
	fs.StringVar(&cfg.Cert, "cert", "", "serving certificate")
	fs.StringVar(&cfg.Key, "key", "", "serving key")
	fs.StringVar(&cfg.ClientCA, "client-ca", "", "CA of the API server's kubelet client certificate")
	fs.StringVar(&cfg.Kubeconfig, "kubeconfig", "", "kubeconfig for watching pods")
	fs.StringVar(&cfg.Dir, "dir", "", "directory for pod files and logs")
	fs.StringVar(&nodes, "nodes", "", "comma-separated node names")
	_ = fs.Parse(args)
	cfg.Nodes = strings.Split(nodes, ",")
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := agent.Run(ctx, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "agent:", err)
		return 1
	}
	return 0
}

func runSupervise(args []string) int {
	fs := flag.NewFlagSet("supervise", flag.ExitOnError)
	var cfg supervisor.Config
	fs.StringVar(&cfg.Kwok, "kwok", "", "path of the kwok binary")
	fs.IntVar(&cfg.Nodes, "nodes", 2, "number of fake nodes")
	fs.Func("apiserver-arg", "an extra kube-apiserver flag (repeatable)", func(v string) error {
		cfg.APIServerArgs = append(cfg.APIServerArgs, v)
		return nil
	})
	_ = fs.Parse(args)
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cfg.Self = self
	// The library ends the cluster by closing stdin. A signal does the
	// same, so that the children are always stopped in order.
	in, w := io.Pipe()
	go func() {
		_, _ = io.Copy(w, os.Stdin)
		w.Close()
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-sig
		w.Close()
	}()
	if err := supervisor.Run(cfg, in, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "supervise:", err)
		return 1
	}
	return 0
}
