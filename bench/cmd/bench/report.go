package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
)

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

type metric func(result) float64

var (
	wallMS   metric = func(r result) float64 { return float64(r.WallNS) / 1e6 }
	peakMiB  metric = func(r result) float64 { return float64(r.PeakHeap) / (1 << 20) }
	baseMiB  metric = func(r result) float64 { return float64(r.BaseHeap) / (1 << 20) }
	allocMiB metric = func(r result) float64 { return float64(r.Alloc) / (1 << 20) }
	hwmMiB   metric = func(r result) float64 { return float64(r.HWM) / (1 << 20) }
	p50MS    metric = func(r result) float64 { return float64(r.P50NS) / 1e6 }
	p99MS    metric = func(r result) float64 { return float64(r.P99NS) / 1e6 }
	heldKiB  metric = func(r result) float64 { return float64(r.HeldPerObj) / 1024 }
	items    metric = func(r result) float64 { return float64(r.Items) }
	// catchUpPerSec is the events per second of a watch's catch-up.
	catchUpPerSec metric = func(r result) float64 { return perSec(result{Items: r.Items, WallNS: r.CatchUpNS}) }
	// perSec is items per second of wall time.
	perSec metric = func(r result) float64 {
		if r.WallNS <= 0 {
			return 0
		}
		return float64(r.Items) / (float64(r.WallNS) / 1e9)
	}
)

// column is one figure of a table: the median over the runs and, when
// ratio names it, the median of the ratios kr8s-go ÷ contender of each run.
type column struct {
	head  string // "wall (ms)"
	short string // "wall ms", in the per-run lists
	m     metric
	prec  int
	ratio string // "kr8s ÷ it, wall", or "" for no ratio column
}

var (
	wallCol  = column{"wall (ms)", "wall ms", wallMS, 0, "kr8s ÷ it, wall"}
	peakCol  = column{"peak heap (MiB)", "peak heap MiB", peakMiB, 1, "kr8s ÷ it, peak heap"}
	hwmCol   = column{"peak RSS (MiB)", "", hwmMiB, 0, ""}
	itemsCol = column{"objects", "", items, 0, ""}
)

// writeTable writes t in markdown, one row per contender, then the
// values of the perRun columns of every run.
func writeTable(b *bytes.Buffer, t *table, cols []column, perRun ...column) {
	head, align := "| contender |", "|---|"
	for _, c := range cols {
		head, align = head+" "+c.head+" |", align+"---:|"
		if c.ratio != "" {
			head, align = head+" "+c.ratio+" |", align+"---:|"
		}
	}
	fmt.Fprintf(b, "%s\n%s\n", head, align)
	for _, s := range t.rows {
		fmt.Fprintf(b, "| %s |", contenderNames[s.name])
		for _, c := range cols {
			fmt.Fprintf(b, " %.*f |", c.prec, s.median(c.m))
			if c.ratio != "" {
				fmt.Fprintf(b, " %.2f |", t.ratio(s, c.m))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	if len(perRun) == 0 {
		return
	}
	shorts := make([]string, len(perRun))
	for i, c := range perRun {
		shorts[i] = c.short
	}
	fmt.Fprintf(b, "Per run (%s):\n\n", strings.Join(shorts, "; "))
	for _, s := range t.rows {
		vals := make([]string, len(perRun))
		for i, c := range perRun {
			vals[i] = fmtList(s.values(c.m), c.prec)
		}
		fmt.Fprintf(b, "- %s: %s\n", contenderNames[s.name], strings.Join(vals, "; "))
	}
	b.WriteString("\n")
}

func (s *series) values(m metric) []float64 {
	out := make([]float64, len(s.results))
	for i, r := range s.results {
		out[i] = m(r)
	}
	return out
}

func (s *series) median(m metric) float64 { return median(s.values(m)) }

// ratio is the median over runs of kr8s-go's value divided by the
// contender's value in the same run.
func (t *table) ratio(s *series, m metric) float64 {
	ref := t.rows[0]
	var rs []float64
	for i := range min(len(ref.results), len(s.results)) {
		if d := m(s.results[i]); d > 0 {
			rs = append(rs, m(ref.results[i])/d)
		}
	}
	return median(rs)
}

func (t *table) row(name string) *series {
	for _, s := range t.rows {
		if s.name == name {
			return s
		}
	}
	return nil
}

func fmtList(xs []float64, prec int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.*f", prec, x)
	}
	return strings.Join(parts, ", ")
}

func (r *report) markdown() []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("Written by `cd bench && go run ./cmd/bench` (see [bench/README.md](../bench/README.md)). Do not edit by hand.\n\n")
	p("- Date: %s (took %s)\n", r.started.UTC().Format("2006-01-02 15:04 MST"), r.finished.Sub(r.started).Round(time.Second))
	p("- Machine: %s\n", machine())
	cluster := "its own devcluster (`devcluster.Start`)"
	if r.cfg.reused {
		cluster = "a running cluster from KR8S_TEST_KUBECONFIG"
	}
	p("- Cluster: %s, Kubernetes %s, on the same machine (loopback, HTTP/2 over TLS, client-certificate auth)\n", cluster, r.server)
	p("- Data: %d pods in namespace `%s`: labels, annotations, two containers with env, ports, resources, managedFields, status set Running by kwok", r.cfg.pods, r.cfg.namespace)
	if r.podBytes > 0 {
		p("; %.0f bytes of JSON per pod in the list", r.podBytes)
	}
	p("\n")
	p("- Method: every measurement runs in a fresh child process (the bench binary re-executed), after one warm-up request on the same client. %d runs; in each run every contender runs once, in an order that rotates from run to run; one warm-up round is discarded. Figures are medians over the runs. **Ratios are kr8s-go ÷ contender, computed within each run, then the median taken** (below 1.0: kr8s-go is faster or smaller).\n", r.cfg.runs)
	p("- Peak heap: the peak of `runtime/metrics` `/memory/classes/heap/objects:bytes` (live and not yet swept heap objects), sampled every millisecond during the operation, including what the process held before it (client-go's scheme registration, for example). \"Heap before\" is the same metric just before the operation, after a GC. Peak RSS is `VmHWM` from `/proc/self/status` at the end of the child.\n\n")

	r.goals(&b)

	if len(r.list) > 0 {
		p("## 1. List %d pods in one namespace, reading each pod's name and phase\n\n", r.cfg.pods)
		for _, t := range r.list {
			p("### %s\n\n", t.title)
			writeTable(&b, t, []column{wallCol, peakCol,
				{"heap before (MiB)", "", baseMiB, 1, ""}, {"allocated (MiB)", "", allocMiB, 0, ""}, hwmCol},
				wallCol, peakCol)
		}
	}
	if t := r.get; t != nil {
		p("## 2. Get a single pod 1,000 times in sequence\n\n")
		p50 := column{"p50 (ms)", "p50 ms", p50MS, 3, "kr8s ÷ it, p50"}
		p99 := column{"p99 (ms)", "p99 ms", p99MS, 3, "kr8s ÷ it, p99"}
		writeTable(&b, t, []column{p50, p99, {"total (ms)", "", wallMS, 0, ""}}, p50, p99)
	}
	if t := r.create; t != nil {
		x := r.cfg.modes
		p("## 3. Create %d ConfigMaps from %d goroutines\n\n", x.objects, x.workers)
		p("Each child deletes the ConfigMaps of the run before (not timed) in namespace `%s`, creates one ConfigMap to warm up, ", createNamespace)
		p("then creates the ConfigMaps (three labels, four data keys, about 600 bytes of data) from %d goroutines, and counts them on the server afterwards. ", x.workers)
		p("Throughput is ConfigMaps created ÷ wall time; p50 and p99 are those of single creates. ")
		p("client-go runs with its client-side limiter off (`QPS: -1`), except in the row with its default limiter, which creates %d ConfigMaps only (at 5 QPS, %d would take more than 3 minutes a run). ", min(limitedObjects, x.objects), x.objects)
		p("**Above 1.0, kr8s-go creates faster.**\n\n")
		rate := column{"objects/s", "objects/s", perSec, 0, "kr8s ÷ it, objects/s"}
		writeTable(&b, t, []column{itemsCol, rate, {"wall (ms)", "", wallMS, 0, ""},
			{"create p50 (ms)", "", p50MS, 1, ""}, {"create p99 (ms)", "", p99MS, 1, ""}, {"peak heap (MiB)", "", peakMiB, 1, ""}, hwmCol},
			rate)
	}
	if t := r.watch; t != nil {
		p("## 4. Watch %d events produced by a writer\n\n", r.cfg.modes.events)
		p("In each child a writer, a kr8s-go client on a connection of its own (the same in every child), merge-patches `data.seq` into %d ConfigMaps of namespace `%s` in turn, from %d goroutines, as fast as the API server takes the writes. ", watchObjects, watchNamespace, watchWriters)
		p("The contender watches the namespace from the resource version before the writes and reads `data.seq` from each event (kr8s-go `Field`, client-go dynamic `NestedString`). ")
		p("The writer starts after one warm-up write that the watch has received. ")
		p("Events/s is events received ÷ time from the first write to the last event; it is bounded by the writes the API server takes on this machine, where writer, watcher and server share the cores. ")
		p("Lag is, for each write, the time from its answer to the watcher receiving its event (0 when the event came first), in one process and on one clock. ")
		p("Catch-up: then the contender watches again from the same resource version, and the server sends the same events from its watch cache, with no writer running: events ÷ time to the last. ")
		p("**Above 1.0 for events/s, below 1.0 for lag, kr8s-go is faster.**\n\n")
		rate := column{"events/s", "events/s", perSec, 0, "kr8s ÷ it, events/s"}
		lag99 := column{"lag p99 (ms)", "lag p99 ms", p99MS, 1, "kr8s ÷ it, lag p99"}
		catchUp := column{"catch-up events/s", "catch-up events/s", catchUpPerSec, 0, "kr8s ÷ it, catch-up"}
		writeTable(&b, t, []column{{"events", "", items, 0, ""}, rate, {"lag p50 (ms)", "", p50MS, 1, ""}, lag99, catchUp, peakCol, hwmCol},
			rate, lag99, catchUp)
	}
	if len(r.cli) > 0 {
		p("## 5. `kubectl-ng get pods` against `kubectl get pods`\n\n")
		p("`kubectl-ng` is built from [cmd/kubectl-ng](../cmd/kubectl-ng) with `go build`; `kubectl` is the one on the PATH (`%s`). ", r.kubectlVersion)
		p("Each child runs `get pods -n %s --kubeconfig …` with the output to `/dev/null` and times it; both printed the %d pods and a header in a check before the runs. ", r.cfg.namespace, r.cfg.pods)
		p("Empty cache: a new, empty cache directory (`KR8S_CACHE_DIR` for kubectl-ng, `--cache-dir` for kubectl). Warm cache: the same after an untimed `get pods` in a namespace without pods (`%s`) has filled it. ", cacheWarmUpNamespace)
		p("Peak RSS is the command's (`ru_maxrss`). **Ratios are kubectl-ng ÷ kubectl.**\n\n")
		wall := column{"wall (ms)", "wall ms", wallMS, 0, "kubectl-ng ÷ it, wall"}
		for _, t := range r.cli {
			p("### %s\n\n", t.title)
			writeTable(&b, t, []column{wall, {"peak RSS (MiB)", "", hwmMiB, 0, "kubectl-ng ÷ it, peak RSS"}}, wall)
		}
	}
	if len(r.binaries) == 2 {
		k, c := r.binaries[0], r.binaries[1]
		p("## 6. Hello-world binary: load the kubeconfig and list pods\n\n")
		p("Sources: [bench/hello/kr8s](../bench/hello/kr8s/main.go), [bench/hello/clientgo](../bench/hello/clientgo/main.go). ")
		p("Built with `go build -trimpath` and with `-ldflags=\"-s -w\"` (stripped). Modules are the `dep` lines of `go version -m`.\n\n")
		p("| program | size (MB) | stripped (MB) | non-std modules |\n|---|---:|---:|---:|\n")
		for _, x := range r.binaries {
			p("| %s | %.1f | %.1f | %d |\n", x.name, float64(x.size)/1e6, float64(x.strippedSz)/1e6, len(x.deps))
		}
		p("| kr8s ÷ client-go | %.2f | %.2f | %.2f |\n\n", float64(k.size)/float64(c.size), float64(k.strippedSz)/float64(c.strippedSz), float64(len(k.deps))/float64(len(c.deps)))
		p("Modules linked by the kr8s-go hello world: %s.\n\n", "`"+strings.Join(k.deps, "`, `")+"`")
	}
	if t := r.hold; t != nil {
		p("## 7. Memory per object held\n\n")
		p("List %d pods in pages of 500 into a slice (`ListAll`, or the typed/unstructured items), then GC twice: live heap after minus live heap before, divided by the number of pods.\n\n", r.cfg.pods)
		writeTable(&b, t, []column{{"held per pod (KiB)", "", heldKiB, 1, "kr8s ÷ it"}, {"list time (ms)", "", wallMS, 0, ""}})
	}
	var missing []string
	for _, m := range []struct {
		absent bool
		what   string
	}{
		{len(r.list) == 0, "1. List 5,000 pods."},
		{r.get == nil, "2. Get a single pod 1,000 times."},
		{r.create == nil, "3. Create 1,000 ConfigMaps from 32 goroutines."},
		{r.watch == nil, "4. Watch 10,000 events produced by a writer."},
		{len(r.cli) == 0, "5. `kubectl-ng get pods` against `kubectl get pods`" + r.cliNote() + "."},
		{len(r.binaries) != 2, "6. Hello-world binary size and modules."},
		{r.hold == nil, "7. Memory per object held."},
	} {
		if m.absent {
			missing = append(missing, m.what)
		}
	}
	if len(missing) > 0 {
		p("## Not measured in this run\n\n- %s\n", strings.Join(missing, "\n- "))
	}
	return b.Bytes()
}

// goals compares the measured ratios with the goals of issue 7.
func (r *report) goals(b *bytes.Buffer) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Goals (issue 7)\n\n| scenario | goal | measured | holds |\n|---|---|---:|---|\n")
	check := func(name, goal string, v float64, ok bool) {
		mark := "no"
		if ok {
			mark = "yes"
		}
		p("| %s | %s | %.2f | %s |\n", name, goal, v, mark)
	}
	for _, t := range r.list {
		what := "one page"
		if t.limit > 0 {
			what = fmt.Sprintf("pages of %d", t.limit)
		}
		if s := t.row("typed"); s != nil {
			v := t.ratio(s, wallMS)
			check("list "+what+", wall time, vs client-go typed", "≤ 1.0", v, v <= 1.0)
		}
		if s := t.row("raw"); s != nil {
			v := t.ratio(s, wallMS)
			check("list "+what+", wall time, vs raw HTTP into io.Discard", "≤ 1.3", v, v <= 1.3)
		}
		if s := t.row("typed"); s != nil {
			v := t.ratio(s, peakMiB)
			check("list "+what+", peak heap, vs client-go typed", "≤ 0.7", v, v <= 0.7)
		}
	}
	if t := r.get; t != nil {
		v := t.ratio(t.row("typed"), p50MS)
		check("get single pod, p50, vs client-go typed", "≤ 1.0", v, v <= 1.0)
	}
	if len(r.binaries) == 2 {
		k, c := r.binaries[0], r.binaries[1]
		v := float64(k.strippedSz) / float64(c.strippedSz)
		check("hello-world binary size (stripped), vs client-go", "≤ 0.33", v, v <= 0.33)
		p("| non-standard-library modules linked by hello world (client-go: %d) | ≤ 4 | %d | %s |\n", len(c.deps), len(k.deps), map[bool]string{true: "yes", false: "no"}[len(k.deps) <= 4])
	}
	if t := r.create; t != nil {
		for _, name := range []string{"typed", "dynamic"} {
			v := t.ratio(t.row(name), perSec)
			check("create throughput, vs "+contenderNames[name]+" with its limiter off", "≥ 1.0", v, v >= 1.0)
		}
	} else {
		p("| create throughput, vs client-go with its limiter off | ≥ 1.0 | not measured | |\n")
	}
	if t := r.watch; t != nil {
		v := t.ratio(t.row("dynamic"), perSec)
		check("watch events per second, vs client-go dynamic", "≥ 1.0", v, v >= 1.0)
	} else {
		p("| watch events per second, vs client-go dynamic | ≥ 1.0 | not measured | |\n")
	}
	if len(r.cli) > 0 {
		t := r.cli[0]
		v := t.ratio(t.row("kubectl"), wallMS)
		check("cold `kubectl-ng get pods` (empty discovery cache), wall time, vs kubectl", "≤ 0.5", v, v <= 0.5)
	} else {
		p("| cold `kubectl-ng get pods`, wall time, vs kubectl | ≤ 0.5 | not measured%s | |\n", r.cliNote())
	}
	p("\n")
}

// cliNote says why scenario 5 was skipped, if it was.
func (r *report) cliNote() string {
	if r.cliSkipped == "" {
		return ""
	}
	return ": " + r.cliSkipped
}
