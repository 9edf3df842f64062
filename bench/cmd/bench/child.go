package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kr8s-go/kr8s"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// childArgs are what the parent passes to a child process.
type childArgs struct {
	mode       string // e.g. "list/kr8s", "get/typed"
	kubeconfig string
	namespace  string
	limit      int // page size for list modes; <0 one page
	pod        string
	cpuprofile string
	repeat     int
}

// result is what a child prints on stdout, as one JSON line.
type result struct {
	Mode  string `json:"mode"`
	Limit int    `json:"limit"`
	// Items read, and how many of them had phase Running.
	Items   int `json:"items"`
	Running int `json:"running"`
	// WallNS is the measured operation's wall time.
	WallNS int64 `json:"wallNS"`
	// PeakHeap is the peak of /memory/classes/heap/objects:bytes sampled
	// every millisecond during the operation; BaseHeap the same metric just
	// before it.
	PeakHeap int64 `json:"peakHeap"`
	BaseHeap int64 `json:"baseHeap"`
	// Alloc is the bytes allocated during the operation.
	Alloc int64 `json:"alloc"`
	// HWM is the process's peak RSS (VmHWM) at the end.
	HWM int64 `json:"hwm"`
	// Body is the total response body size (raw contender only).
	Body int64 `json:"body,omitempty"`
	// Latencies of get modes, in nanoseconds.
	P50NS int64 `json:"p50NS,omitempty"`
	P99NS int64 `json:"p99NS,omitempty"`
	// Held is the live heap per held object (hold modes).
	HeldPerObj int64 `json:"heldPerObj,omitempty"`
	// CatchUpNS is how long a watch took to receive Items events already
	// written, from the API server's watch cache (watch modes).
	CatchUpNS int64 `json:"catchUpNS,omitempty"`
}

// heapSampler samples the live heap every millisecond.
type heapSampler struct {
	peak atomic.Int64
	stop chan struct{}
	done sync.WaitGroup
}

func readMetric(name string) int64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

func liveHeap() int64 { return readMetric("/memory/classes/heap/objects:bytes") }

func startSampler() *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	h.peak.Store(liveHeap())
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				metrics.Read(s)
				if v := int64(s[0].Value.Uint64()); v > h.peak.Load() {
					h.peak.Store(v)
				}
			}
		}
	}()
	return h
}

func (h *heapSampler) finish() int64 {
	if v := liveHeap(); v > h.peak.Load() {
		h.peak.Store(v)
	}
	close(h.stop)
	h.done.Wait()
	return h.peak.Load()
}

// vmHWM reads the peak resident set size from /proc/self/status.
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// contender is one client under test: list reads every pod of the
// namespace and reports name and phase; get reads one pod.
type contender interface {
	list(ctx context.Context, limit int) (items, running int, body int64, err error)
	get(ctx context.Context, name string) error
	hold(ctx context.Context) (any, int, error)
}

func newContender(name string, a childArgs) (contender, error) {
	switch name {
	case "kr8s":
		c, err := kr8s.NewClient(kr8s.WithKubeconfig(a.kubeconfig))
		if err != nil {
			return nil, err
		}
		return &kr8sC{c: c, ns: a.namespace}, nil
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", a.kubeconfig)
	if err != nil {
		return nil, err
	}
	// No client-side limiter for the reading scenarios: they are sequential.
	cfg.QPS, cfg.Burst = -1, 0
	switch name {
	case "typed":
		cfg.ContentType = "application/vnd.kubernetes.protobuf"
		cs, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			return nil, err
		}
		return &typedC{cs: cs, ns: a.namespace}, nil
	case "dynamic":
		dc, err := dynamic.NewForConfig(cfg)
		if err != nil {
			return nil, err
		}
		return &dynamicC{dc: dc, ns: a.namespace}, nil
	case "raw":
		tr, err := rest.TransportFor(cfg)
		if err != nil {
			return nil, err
		}
		return &rawC{hc: &http.Client{Transport: tr}, host: strings.TrimSuffix(cfg.Host, "/"), ns: a.namespace}, nil
	}
	return nil, fmt.Errorf("unknown contender %q", name)
}

// kr8s-go

type kr8sC struct {
	c  *kr8s.Client
	ns string
}

func (k *kr8sC) list(ctx context.Context, limit int) (int, int, int64, error) {
	n, running := 0, 0
	for pod, err := range kr8s.Pods.List(ctx, &kr8s.ListOptions{API: k.c, Namespace: k.ns, Limit: limit}) {
		if err != nil {
			return n, running, 0, err
		}
		if pod.Name() != "" {
			n++
		}
		if phase, _ := pod.Field("status", "phase").(string); phase == "Running" {
			running++
		}
	}
	return n, running, 0, nil
}

func (k *kr8sC) get(ctx context.Context, name string) error {
	pod, err := kr8s.Pods.Get(ctx, name, &kr8s.GetOptions{API: k.c, Namespace: k.ns})
	if err == nil && pod.Name() != name {
		err = fmt.Errorf("got %q", pod.Name())
	}
	return err
}

func (k *kr8sC) hold(ctx context.Context) (any, int, error) {
	pods, err := kr8s.Pods.ListAll(ctx, &kr8s.ListOptions{API: k.c, Namespace: k.ns})
	return pods, len(pods), err
}

// client-go typed, protobuf

type typedC struct {
	cs *kubernetes.Clientset
	ns string
}

func (t *typedC) list(ctx context.Context, limit int) (int, int, int64, error) {
	n, running := 0, 0
	opts := metav1.ListOptions{}
	if limit > 0 {
		opts.Limit = int64(limit)
	}
	for {
		l, err := t.cs.CoreV1().Pods(t.ns).List(ctx, opts)
		if err != nil {
			return n, running, 0, err
		}
		for i := range l.Items {
			if l.Items[i].Name != "" {
				n++
			}
			if l.Items[i].Status.Phase == corev1.PodRunning {
				running++
			}
		}
		if l.Continue == "" {
			return n, running, 0, nil
		}
		opts.Continue = l.Continue
	}
}

func (t *typedC) get(ctx context.Context, name string) error {
	p, err := t.cs.CoreV1().Pods(t.ns).Get(ctx, name, metav1.GetOptions{})
	if err == nil && p.Name != name {
		err = fmt.Errorf("got %q", p.Name)
	}
	return err
}

func (t *typedC) hold(ctx context.Context) (any, int, error) {
	var all []corev1.Pod
	opts := metav1.ListOptions{Limit: kr8s.DefaultPageSize}
	for {
		l, err := t.cs.CoreV1().Pods(t.ns).List(ctx, opts)
		if err != nil {
			return nil, 0, err
		}
		all = append(all, l.Items...)
		if l.Continue == "" {
			return all, len(all), nil
		}
		opts.Continue = l.Continue
	}
}

// client-go dynamic, JSON

type dynamicC struct {
	dc *dynamic.DynamicClient
	ns string
}

var podsGVR = schema.GroupVersionResource{Version: "v1", Resource: "pods"}

func (d *dynamicC) list(ctx context.Context, limit int) (int, int, int64, error) {
	n, running := 0, 0
	opts := metav1.ListOptions{}
	if limit > 0 {
		opts.Limit = int64(limit)
	}
	for {
		l, err := d.dc.Resource(podsGVR).Namespace(d.ns).List(ctx, opts)
		if err != nil {
			return n, running, 0, err
		}
		for i := range l.Items {
			if l.Items[i].GetName() != "" {
				n++
			}
			if phase, _, _ := unstructured.NestedString(l.Items[i].Object, "status", "phase"); phase == "Running" {
				running++
			}
		}
		if l.GetContinue() == "" {
			return n, running, 0, nil
		}
		opts.Continue = l.GetContinue()
	}
}

func (d *dynamicC) get(ctx context.Context, name string) error {
	u, err := d.dc.Resource(podsGVR).Namespace(d.ns).Get(ctx, name, metav1.GetOptions{})
	if err == nil && u.GetName() != name {
		err = fmt.Errorf("got %q", u.GetName())
	}
	return err
}

func (d *dynamicC) hold(ctx context.Context) (any, int, error) {
	var all []unstructured.Unstructured
	opts := metav1.ListOptions{Limit: kr8s.DefaultPageSize}
	for {
		l, err := d.dc.Resource(podsGVR).Namespace(d.ns).List(ctx, opts)
		if err != nil {
			return nil, 0, err
		}
		all = append(all, l.Items...)
		if l.GetContinue() == "" {
			return all, len(all), nil
		}
		opts.Continue = l.GetContinue()
	}
}

// raw net/http: the body goes to io.Discard. For pages, the continue token
// is taken from the first bytes of the body (the list's metadata comes
// before its items), so nothing is decoded.

type rawC struct {
	hc   *http.Client
	host string
	ns   string
}

var continueRE = regexp.MustCompile(`"continue":"([^"]*)"`)

// prefixWriter keeps the first bytes written to it.
type prefixWriter struct{ buf []byte }

func (p *prefixWriter) Write(b []byte) (int, error) {
	if room := cap(p.buf) - len(p.buf); room > 0 {
		p.buf = append(p.buf, b[:min(room, len(b))]...)
	}
	return len(b), nil
}

func (r *rawC) do(ctx context.Context, path string, q url.Values) (*http.Response, error) {
	u := r.host + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return resp, nil
}

func (r *rawC) list(ctx context.Context, limit int) (int, int, int64, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var total int64
	prefix := &prefixWriter{buf: make([]byte, 0, 4096)}
	for {
		resp, err := r.do(ctx, "/api/v1/namespaces/"+r.ns+"/pods", q)
		if err != nil {
			return 0, 0, total, err
		}
		prefix.buf = prefix.buf[:0]
		n, err := io.Copy(io.MultiWriter(io.Discard, prefix), resp.Body)
		resp.Body.Close()
		total += n
		if err != nil {
			return 0, 0, total, err
		}
		m := continueRE.FindSubmatch(prefix.buf)
		if m == nil || len(m[1]) == 0 {
			// Raw HTTP reads no items: the parent takes the count on trust.
			return -1, -1, total, nil
		}
		q.Set("continue", string(m[1]))
	}
}

func (r *rawC) get(ctx context.Context, name string) error {
	resp, err := r.do(ctx, "/api/v1/namespaces/"+r.ns+"/pods/"+name, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func (r *rawC) hold(context.Context) (any, int, error) {
	return nil, 0, errors.New("raw HTTP holds no objects")
}

// runChild runs one measurement and prints its result as JSON.
func runChild(a childArgs) error {
	ctx := context.Background()
	scenario, name, ok := strings.Cut(a.mode, "/")
	if !ok {
		return fmt.Errorf("bad mode %q", a.mode)
	}
	c, err := newContender(name, a)
	if err != nil {
		return err
	}
	// Warm up: connection, TLS handshake, type registration.
	if err := c.get(ctx, a.pod); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	res := result{Mode: a.mode, Limit: a.limit}
	if a.cpuprofile != "" {
		f, err := os.Create(a.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch scenario {
	case "list":
		runtime.GC()
		res.BaseHeap = liveHeap()
		alloc0 := readMetric("/gc/heap/allocs:bytes")
		h := startSampler()
		start := time.Now()
		for range max(a.repeat, 1) {
			res.Items, res.Running, res.Body, err = c.list(ctx, a.limit)
			if err != nil {
				return err
			}
		}
		res.WallNS = time.Since(start).Nanoseconds() / int64(max(a.repeat, 1))
		res.PeakHeap = h.finish()
		res.Alloc = readMetric("/gc/heap/allocs:bytes") - alloc0
	case "get":
		for range 10 {
			if err := c.get(ctx, a.pod); err != nil {
				return err
			}
		}
		const n = 1000
		lat := make([]int64, n)
		start := time.Now()
		for i := range n {
			t := time.Now()
			if err := c.get(ctx, a.pod); err != nil {
				return err
			}
			lat[i] = time.Since(t).Nanoseconds()
		}
		res.WallNS = time.Since(start).Nanoseconds()
		slices.Sort(lat)
		res.P50NS, res.P99NS = lat[n/2], lat[n*99/100]
		res.Items = n
	case "hold":
		runtime.GC()
		runtime.GC()
		before := liveHeap()
		start := time.Now()
		held, n, err := c.hold(ctx)
		if err != nil {
			return err
		}
		res.WallNS = time.Since(start).Nanoseconds()
		runtime.GC()
		runtime.GC()
		after := liveHeap()
		runtime.KeepAlive(held)
		res.Items = n
		if n > 0 {
			res.HeldPerObj = (after - before) / int64(n)
		}
	default:
		return fmt.Errorf("unknown scenario %q", scenario)
	}
	res.HWM = vmHWM()
	var out bytes.Buffer
	if err := json.NewEncoder(&out).Encode(res); err != nil {
		return err
	}
	_, err = os.Stdout.Write(out.Bytes())
	return err
}
