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
)

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
			p("| contender | wall (ms) | kr8s ÷ it, wall | peak heap (MiB) | kr8s ÷ it, peak heap | heap before (MiB) | allocated (MiB) | peak RSS (MiB) |\n")
			p("|---|---:|---:|---:|---:|---:|---:|---:|\n")
			for _, s := range t.rows {
				p("| %s | %.0f | %.2f | %.1f | %.2f | %.1f | %.0f | %.0f |\n", contenderNames[s.name],
					s.median(wallMS), t.ratio(s, wallMS), s.median(peakMiB), t.ratio(s, peakMiB),
					s.median(baseMiB), s.median(allocMiB), s.median(hwmMiB))
			}
			p("\nPer run (wall ms; peak heap MiB):\n\n")
			for _, s := range t.rows {
				p("- %s: %s; %s\n", contenderNames[s.name], fmtList(s.values(wallMS), 0), fmtList(s.values(peakMiB), 1))
			}
			p("\n")
		}
	}
	if t := r.get; t != nil {
		p("## 2. Get a single pod 1,000 times in sequence\n\n")
		p("| contender | p50 (ms) | kr8s ÷ it, p50 | p99 (ms) | kr8s ÷ it, p99 | total (ms) |\n")
		p("|---|---:|---:|---:|---:|---:|\n")
		for _, s := range t.rows {
			p("| %s | %.3f | %.2f | %.3f | %.2f | %.0f |\n", contenderNames[s.name],
				s.median(p50MS), t.ratio(s, p50MS), s.median(p99MS), t.ratio(s, p99MS), s.median(wallMS))
		}
		p("\nPer run (p50 ms; p99 ms):\n\n")
		for _, s := range t.rows {
			p("- %s: %s; %s\n", contenderNames[s.name], fmtList(s.values(p50MS), 3), fmtList(s.values(p99MS), 3))
		}
		p("\n")
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
		p("| contender | held per pod (KiB) | kr8s ÷ it | list time (ms) |\n|---|---:|---:|---:|\n")
		for _, s := range t.rows {
			p("| %s | %.1f | %.2f | %.0f |\n", contenderNames[s.name], s.median(heldKiB), t.ratio(s, heldKiB), s.median(wallMS))
		}
		p("\n")
	}
	p("## Not yet measured\n\n")
	p("- 3. Create 1,000 ConfigMaps from 32 goroutines (client-go with its 5 QPS / 10 burst limiter, and with it off).\n")
	p("- 4. Watch 10,000 events produced by a writer: events per second and p99 lag.\n")
	p("- 5. Cold `kubectl-ng get pods` against `kubectl get pods`, empty and warm discovery cache.\n")
	if r.get == nil {
		p("- 2. Get a single pod 1,000 times.\n")
	}
	if r.hold == nil {
		p("- 7. Memory per object held.\n")
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
	p("| create throughput, vs client-go with its limiter off | ≥ 1.0 | not yet measured | |\n")
	p("| watch events per second, vs client-go dynamic | ≥ 1.0 | not yet measured | |\n")
	p("| cold `kubectl-ng get pods`, wall time, vs kubectl | ≤ 0.5 | not yet measured | |\n\n")
}
