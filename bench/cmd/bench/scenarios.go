package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// A contender's row in a scenario: its results, one per run, in run order.
type series struct {
	name    string   // contender
	args    []string // more flags for its child
	results []result
}

type table struct {
	title string
	limit int
	args  []string  // more flags for every child
	rows  []*series // rows[0] is kr8s-go, the reference
}

type report struct {
	cfg               config
	started, finished time.Time
	server            string
	podBytes          float64 // mean JSON size of one pod in the list
	list              []*table
	get               *table
	create            *table
	watch             *table
	cli               []*table
	cliSkipped        string // why scenario 5 did not run
	kubectlVersion    string
	hold              *table
	binaries          []binary
}

var contenderNames = map[string]string{
	"kr8s":       "kr8s-go",
	"typed":      "client-go typed (protobuf)",
	"dynamic":    "client-go dynamic (JSON)",
	"raw":        "raw net/http into io.Discard (JSON)",
	"typed5":     "client-go typed, default limiter (5 QPS, burst 10)",
	"kubectl-ng": "`kubectl-ng get pods`",
	"kubectl":    "`kubectl get pods`",
}

func newTable(title string, limit int, contenders ...string) *table {
	t := &table{title: title, limit: limit}
	for _, c := range contenders {
		t.rows = append(t.rows, &series{name: c})
	}
	return t
}

// runTables runs every row of every table once per run, interleaved: the
// order of the contenders rotates from run to run, so no contender always
// runs first or last. One warm-up round is discarded.
func (r *report) runTables(ctx context.Context, scenario string, tables []*table, check func(*series, result) error) error {
	type cell struct {
		t *table
		s *series
	}
	var cells []cell
	for _, t := range tables {
		for _, s := range t.rows {
			cells = append(cells, cell{t, s})
		}
	}
	for run := -1; run < r.cfg.runs; run++ {
		start := time.Now()
		order := slices.Clone(cells)
		if run > 0 {
			k := run % len(order)
			order = append(order[k:], order[:k]...)
		}
		for _, c := range order {
			res, err := r.child(ctx, scenario+"/"+c.s.name, c.t.limit, slices.Concat(c.t.args, c.s.args)...)
			if err != nil {
				return err
			}
			if err := check(c.s, res); err != nil {
				return fmt.Errorf("%s/%s limit %d: %w", scenario, c.s.name, c.t.limit, err)
			}
			if run >= 0 {
				c.s.results = append(c.s.results, res)
			}
		}
		what := fmt.Sprintf("run %d/%d", run+1, r.cfg.runs)
		if run < 0 {
			what = "warm-up"
		}
		log.Printf("%s: %s done in %s", scenario, what, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func (r *report) listScenario(ctx context.Context) error {
	one := newTable("One page (no limit)", -1, "kr8s", "typed", "dynamic", "raw")
	paged := newTable("Pages of 500", 500, "kr8s", "typed", "dynamic", "raw")
	r.list = []*table{one, paged}
	err := r.runTables(ctx, "list", r.list, func(s *series, res result) error {
		if s.name == "raw" {
			if res.Body == 0 {
				return fmt.Errorf("empty body")
			}
			return nil
		}
		if res.Items != r.cfg.pods || res.Running != r.cfg.pods {
			return fmt.Errorf("read %d pods, %d Running; want %d", res.Items, res.Running, r.cfg.pods)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if raw := one.rows[3].results; len(raw) > 0 {
		r.podBytes = float64(raw[0].Body) / float64(r.cfg.pods)
	}
	return nil
}

func (r *report) getScenario(ctx context.Context) error {
	r.get = newTable("Get one pod 1,000 times", -1, "kr8s", "typed", "dynamic", "raw")
	return r.runTables(ctx, "get", []*table{r.get}, func(*series, result) error { return nil })
}

func (r *report) holdScenario(ctx context.Context) error {
	r.hold = newTable("Hold 5,000 pods", 500, "kr8s", "typed", "dynamic")
	return r.runTables(ctx, "hold", []*table{r.hold}, func(s *series, res result) error {
		if res.Items != r.cfg.pods {
			return fmt.Errorf("held %d pods, want %d", res.Items, r.cfg.pods)
		}
		return nil
	})
}

type binary struct {
	name             string
	size, strippedSz int64
	deps             []string
}

// binaryScenario builds the two hello-world programs and counts the
// non-standard-library modules linked into each.
func (r *report) binaryScenario(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "kr8s-bench-bin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, prog := range []struct{ name, pkg string }{
		{"kr8s", "./hello/kr8s"},
		{"client-go", "./hello/clientgo"},
	} {
		b := binary{name: prog.name}
		full := filepath.Join(dir, prog.name+"-full")
		stripped := filepath.Join(dir, prog.name)
		for _, build := range [][]string{
			{"build", "-trimpath", "-o", full, prog.pkg},
			{"build", "-trimpath", "-ldflags=-s -w", "-o", stripped, prog.pkg},
		} {
			cmd := exec.CommandContext(ctx, "go", build...)
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("go %s: %w: %s", strings.Join(build, " "), err, out)
			}
		}
		for path, sz := range map[string]*int64{full: &b.size, stripped: &b.strippedSz} {
			fi, err := os.Stat(path)
			if err != nil {
				return err
			}
			*sz = fi.Size()
		}
		out, err := exec.CommandContext(ctx, "go", "version", "-m", stripped).Output()
		if err != nil {
			return fmt.Errorf("go version -m: %w", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) >= 2 && f[0] == "dep" {
				b.deps = append(b.deps, f[1])
			}
		}
		r.binaries = append(r.binaries, b)
		log.Printf("binary: %s %d bytes stripped, %d modules", prog.name, b.strippedSz, len(b.deps))
	}
	return nil
}

// machine describes where the benchmark ran.
func machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				mem = ", " + strings.TrimSpace(v) + " RAM"
			}
		}
	}
	return fmt.Sprintf("%s, %d cores (GOMAXPROCS %d)%s, %s %s/%s", model, runtime.NumCPU(), runtime.GOMAXPROCS(0), mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
