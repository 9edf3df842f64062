// Command bench measures kr8s-go against client-go and raw net/http on a
// dev cluster and writes docs/BENCHMARKS.md.
//
//	cd bench && go run ./cmd/bench
//
// It starts its own devcluster unless KR8S_TEST_KUBECONFIG names the
// kubeconfig of a running cluster. Each measurement runs in a fresh child
// process (this binary re-executed with -child), so peak heap and peak RSS
// belong to one contender only.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/devcluster"
)

// allScenarios are the scenarios in the order they run.
const allScenarios = "list,get,hold,create,watch,cli,binary"

type config struct {
	kubeconfig string
	namespace  string
	pods       int
	runs       int
	out        string
	scenarios  string
	reused     bool
	modes      modeArgs
}

func main() {
	var a childArgs
	var cfg config
	x := &cfg.modes
	flag.StringVar(&a.mode, "child", "", "internal: run one measurement (scenario/contender) and print JSON")
	flag.StringVar(&a.kubeconfig, "kubeconfig", "", "kubeconfig (default: $KR8S_TEST_KUBECONFIG, else a new devcluster)")
	flag.StringVar(&a.namespace, "namespace", "kr8s-bench", "namespace holding the seeded pods")
	flag.IntVar(&a.limit, "limit", -1, "child: page size, <0 for one page")
	flag.StringVar(&a.pod, "pod", podName(0), "child: the pod read by get")
	flag.StringVar(&a.cpuprofile, "cpuprofile", "", "child: write a CPU profile of the measured operation")
	flag.IntVar(&a.repeat, "repeat", 1, "child: repeat a list this many times (for profiles)")
	flag.IntVar(&x.objects, "objects", 1000, "ConfigMaps to create (create); child: ConfigMaps to write to (watch)")
	flag.IntVar(&x.workers, "workers", 32, "goroutines creating ConfigMaps (create)")
	flag.IntVar(&x.events, "events", 10000, "writes made and watch events awaited (watch)")
	flag.StringVar(&x.bin, "bin", "", "child: the command to run (cli)")
	flag.StringVar(&x.cache, "cache", "cold", "child: discovery cache, cold or warm (cli)")
	flag.IntVar(&cfg.pods, "pods", 5000, "pods to seed and list")
	flag.IntVar(&cfg.runs, "runs", 5, "runs per scenario (medians are taken over them)")
	flag.StringVar(&cfg.out, "out", "../docs/BENCHMARKS.md", "report to write")
	flag.StringVar(&cfg.scenarios, "scenarios", allScenarios, "scenarios to run, of "+allScenarios)
	flag.Parse()
	log.SetFlags(log.Ltime)

	if a.mode != "" {
		if err := runAnyChild(a, cfg.modes); err != nil {
			fmt.Fprintln(os.Stderr, "child", a.mode+":", err)
			os.Exit(1)
		}
		return
	}
	cfg.kubeconfig, cfg.namespace = a.kubeconfig, a.namespace
	if err := run(cfg); err != nil {
		log.Fatal(err)
	}
}

func run(cfg config) error {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	want := map[string]bool{}
	for _, s := range splitList(cfg.scenarios) {
		if !slices.Contains(splitList(allScenarios), s) {
			return fmt.Errorf("-scenarios: unknown scenario %q, want some of %s", s, allScenarios)
		}
		want[s] = true
	}
	if cfg.kubeconfig == "" {
		cfg.kubeconfig = os.Getenv("KR8S_TEST_KUBECONFIG")
	}
	if cfg.kubeconfig != "" {
		cfg.reused = true
		log.Printf("using the cluster of %s", cfg.kubeconfig)
	} else {
		log.Printf("starting a devcluster (the first start builds it: several minutes)")
		startCtx, cancelStart := context.WithTimeout(ctx, 20*time.Minute)
		c, err := devcluster.Start(startCtx)
		cancelStart()
		if err != nil {
			return fmt.Errorf("start devcluster: %w", err)
		}
		defer c.Stop()
		log.Printf("devcluster ready in %s at %s", c.ReadyAfter().Round(time.Millisecond), c.Server())
		cfg.kubeconfig = c.KubeconfigPath()
	}
	api, err := kr8s.NewClient(kr8s.WithKubeconfig(cfg.kubeconfig))
	if err != nil {
		return err
	}
	api.SetTimeout(2 * time.Minute)
	rep := &report{cfg: cfg, started: time.Now()}
	if v, err := api.Version(ctx); err == nil {
		rep.server = v.GitVersion
	}
	if err := seed(ctx, api, cfg.namespace, cfg.pods); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	scenarios := map[string]func() error{
		"list":   func() error { return rep.listScenario(ctx) },
		"get":    func() error { return rep.getScenario(ctx) },
		"create": func() error { return rep.createScenario(ctx, api) },
		"watch":  func() error { return rep.watchScenario(ctx, api) },
		"cli":    func() error { return rep.cliScenario(ctx) },
		"binary": func() error { return rep.binaryScenario(ctx) },
		"hold":   func() error { return rep.holdScenario(ctx) },
	}
	for _, s := range splitList(allScenarios) {
		if want[s] {
			if err := scenarios[s](); err != nil {
				return err
			}
		}
	}
	rep.finished = time.Now()
	if err := os.WriteFile(cfg.out, rep.markdown(), 0o644); err != nil {
		return err
	}
	log.Printf("wrote %s in %s", cfg.out, time.Since(rep.started).Round(time.Second))
	return nil
}

// child runs one measurement in a fresh process.
func (r *report) child(ctx context.Context, mode string, limit int, extra ...string) (result, error) {
	args := append([]string{
		"-child", mode,
		"-kubeconfig", r.cfg.kubeconfig,
		"-namespace", r.cfg.namespace,
		"-limit", strconv.Itoa(limit),
		"-pod", podName(0),
	}, extra...)
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("%s (limit %d): %w: %s", mode, limit, err, stderr.Bytes())
	}
	var res result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return result{}, fmt.Errorf("%s: %w: %q", mode, err, stdout.Bytes())
	}
	return res, nil
}

func splitList(s string) []string {
	var out []string
	for f := range bytes.SplitSeq([]byte(s), []byte(",")) {
		if f = bytes.TrimSpace(f); len(f) > 0 {
			out = append(out, string(f))
		}
	}
	return out
}
