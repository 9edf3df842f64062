package main

import (
	"strings"
	"testing"
	"time"
)

// fakeTable is a table whose contender k has, in run i, figures
// proportional to (k+1)*(i+3): kr8s-go's ratios are 1/(k+1).
func fakeTable(title string, limit int, names ...string) *table {
	t := newTable(title, limit, names...)
	for k, s := range t.rows {
		for i := range 5 {
			f := int64((k + 1) * (i + 3))
			s.results = append(s.results, result{Items: 1000, WallNS: f * 1e8, PeakHeap: f << 20, HWM: f << 21, P50NS: f * 1e5, P99NS: f * 1e6, HeldPerObj: f * 1000, CatchUpNS: f * 1e7})
		}
	}
	return t
}

func fakeReport() *report {
	return &report{cfg: config{pods: 5000, runs: 5, namespace: "kr8s-bench", modes: modeArgs{objects: 1000, workers: 32, events: 10000}}, started: time.Unix(0, 0), finished: time.Unix(600, 0)}
}

func TestReportScenarios345(t *testing.T) {
	r := fakeReport()
	r.create = fakeTable("create", -1, "kr8s", "typed", "dynamic", "typed5")
	r.watch = fakeTable("watch", -1, "kr8s", "dynamic")
	r.cli = []*table{fakeTable("Empty discovery cache", -1, "kubectl-ng", "kubectl"), fakeTable("Warm discovery cache", -1, "kubectl-ng", "kubectl")}
	md := string(r.markdown())
	mustContain(t, md,
		// Throughput: kr8s-go's rate is twice typed's, three times dynamic's.
		"| create throughput, vs client-go typed (protobuf) with its limiter off | ≥ 1.0 | 2.00 | yes |",
		"| create throughput, vs client-go dynamic (JSON) with its limiter off | ≥ 1.0 | 3.00 | yes |",
		"| watch events per second, vs client-go dynamic | ≥ 1.0 | 2.00 | yes |",
		"| cold `kubectl-ng get pods` (empty discovery cache), wall time, vs kubectl | ≤ 0.5 | 0.50 | yes |",
		"## 3. Create 1000 ConfigMaps from 32 goroutines",
		"| client-go typed, default limiter (5 QPS, burst 10) | 1000 | 500 | 4.00 |",
		"## 4. Watch 10000 events produced by a writer",
		"| client-go dynamic (JSON) | 1000 | 1000 | 2.00 | 1.0 | 10.0 | 0.50 | 10000 | 2.00 |",
		"### Warm discovery cache",
		"| `kubectl get pods` | 1000 | 0.50 | 20 | 0.50 |",
		"- `kubectl-ng get pods`: 300, 400, 500, 600, 700\n",
	)
	for _, scenario := range []string{"3. Create", "4. Watch", "5. `kubectl-ng"} {
		if strings.Contains(md, "- "+scenario) {
			t.Errorf("report lists %s as not measured", scenario)
		}
	}
}

func TestReportNotMeasured(t *testing.T) {
	r := fakeReport()
	r.cliSkipped = "kubectl is not on the PATH"
	md := string(r.markdown())
	mustContain(t, md,
		"| create throughput, vs client-go with its limiter off | ≥ 1.0 | not measured | |",
		"| cold `kubectl-ng get pods`, wall time, vs kubectl | ≤ 0.5 | not measured: kubectl is not on the PATH | |",
		"## Not measured in this run\n\n- 1. List 5,000 pods.\n",
		"- 5. `kubectl-ng get pods` against `kubectl get pods`: kubectl is not on the PATH.\n",
		"- 7. Memory per object held.\n",
	)
	if strings.Contains(md, "## 3.") {
		t.Error("report has a section for scenario 3")
	}
}

func mustContain(t *testing.T, md string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
