package agent

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

// criWriter writes process output as CRI log lines,
// "<RFC3339Nano> <stream> F <line>", the format kubelet reads.
type criWriter struct {
	mu  sync.Mutex
	f   io.Writer
	buf map[string][]byte
}

func newCRIWriter(f io.Writer) *criWriter { return &criWriter{f: f, buf: map[string][]byte{}} }

type criStream struct {
	w    *criWriter
	name string
}

func (w *criWriter) stream(name string) io.Writer { return criStream{w, name} }

func (s criStream) Write(p []byte) (int, error) {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	b := append(s.w.buf[s.name], p...)
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		if err := s.w.line(s.name, b[:i]); err != nil {
			return 0, err
		}
		b = b[i+1:]
	}
	s.w.buf[s.name] = append(s.w.buf[s.name][:0], b...)
	return len(p), nil
}

func (w *criWriter) line(stream string, b []byte) error {
	_, err := fmt.Fprintf(w.f, "%s %s F %s\n", time.Now().UTC().Format(time.RFC3339Nano), stream, b)
	return err
}

// flush writes any unterminated output as a last line.
func (w *criWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for name, b := range w.buf {
		if len(b) > 0 {
			_ = w.line(name, b)
		}
		delete(w.buf, name)
	}
}

type logEntry struct {
	ts      time.Time
	tsText  []byte
	content []byte // with trailing newline
}

// parseCRILine splits "<ts> <stream> <P|F> <content>". Partial (P) lines
// are joined with the following ones by the caller.
func parseCRILine(line []byte) (ts []byte, partial bool, content []byte, ok bool) {
	f := bytes.SplitN(line, []byte(" "), 4)
	if len(f) < 3 {
		return nil, false, nil, false
	}
	if len(f) == 4 {
		content = f[3]
	}
	return f[0], string(f[2]) == "P", content, true
}

type logOptions struct {
	follow, previous, timestamps bool
	tail                         int64 // -1: all
	since                        time.Time
	limit                        int64 // 0: unlimited
}

func parseLogOptions(r *http.Request) (logOptions, error) {
	q := r.URL.Query()
	o := logOptions{tail: -1}
	o.follow, _ = strconv.ParseBool(q.Get("follow"))
	o.previous, _ = strconv.ParseBool(q.Get("previous"))
	o.timestamps, _ = strconv.ParseBool(q.Get("timestamps"))
	var err error
	if v := q.Get("tailLines"); v != "" {
		if o.tail, err = strconv.ParseInt(v, 10, 64); err != nil {
			return o, fmt.Errorf("invalid tailLines %q", v)
		}
	}
	if v := q.Get("limitBytes"); v != "" {
		if o.limit, err = strconv.ParseInt(v, 10, 64); err != nil {
			return o, fmt.Errorf("invalid limitBytes %q", v)
		}
	}
	if v := q.Get("sinceSeconds"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return o, fmt.Errorf("invalid sinceSeconds %q", v)
		}
		o.since = time.Now().Add(-time.Duration(n) * time.Second)
	}
	if v := q.Get("sinceTime"); v != "" {
		if o.since, err = time.Parse(time.RFC3339, v); err != nil {
			return o, fmt.Errorf("invalid sinceTime %q", v)
		}
	}
	return o, nil
}

// logs serves /containerLogs/{ns}/{pod}/{container} like the kubelet.
func (a *server) logs(w http.ResponseWriter, r *http.Request) {
	ns, name, container := r.PathValue("ns"), r.PathValue("pod"), r.PathValue("container")
	opts, err := parseLogOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	pod, st := a.pods.lookup(ns, name)
	if pod == nil || st == nil {
		http.Error(w, fmt.Sprintf("pod %q not found", podKey(ns, name)), http.StatusNotFound)
		return
	}
	found := false
	for _, c := range pod.Spec.Containers {
		found = found || c.Name == container
	}
	if !found {
		http.Error(w, fmt.Sprintf("container %q is not valid for pod %q", container, name), http.StatusBadRequest)
		return
	}
	path := logPath(st, container, opts.previous)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		if opts.previous {
			http.Error(w, fmt.Sprintf("previous terminated container %q in pod %q not found", container, name), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	out := &limitedWriter{w: w, left: opts.limit}
	br := bufio.NewReader(f)
	entries := readEntries(br, nil)
	if opts.tail >= 0 && int64(len(entries)) > opts.tail {
		entries = entries[int64(len(entries))-opts.tail:]
	}
	for _, e := range entries {
		if !writeEntry(out, e, opts) {
			return
		}
	}
	flush(w)
	if !opts.follow {
		return
	}
	var pending []byte
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
		var entries []logEntry
		entries, pending = readEntriesPending(br, pending)
		for _, e := range entries {
			if !writeEntry(out, e, opts) {
				return
			}
		}
		flush(w)
		// The stream ends when the pod goes away or the container
		// restarts (its log file is moved aside).
		if !a.pods.alive(pod.UID) || moved(f, path) {
			return
		}
	}
}

func moved(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 != nil || err2 != nil || !os.SameFile(a, b)
}

func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

func writeEntry(w *limitedWriter, e logEntry, o logOptions) bool {
	if !o.since.IsZero() && e.ts.Before(o.since) {
		return true
	}
	if o.timestamps {
		if !w.write(append(append([]byte{}, e.tsText...), ' ')) {
			return false
		}
	}
	return w.write(e.content)
}

// readEntries reads whole log lines until EOF, joining partial lines.
func readEntries(br *bufio.Reader, pending []byte) []logEntry {
	entries, _ := readEntriesPending(br, pending)
	return entries
}

// readEntriesPending reads the complete lines available now. A line not
// yet terminated by a newline is returned as pending for the next call.
func readEntriesPending(br *bufio.Reader, pending []byte) ([]logEntry, []byte) {
	var entries []logEntry
	var partial []byte
	for {
		b, err := br.ReadBytes('\n')
		if err != nil {
			return entries, append(pending, b...)
		}
		line := append(pending, b[:len(b)-1]...)
		pending = nil
		tsText, isPartial, content, ok := parseCRILine(line)
		if !ok {
			continue
		}
		partial = append(partial, content...)
		if isPartial {
			continue
		}
		ts, _ := time.Parse(time.RFC3339Nano, string(tsText))
		entries = append(entries, logEntry{ts: ts, tsText: bytes.Clone(tsText), content: append(partial, '\n')})
		partial = nil
	}
}

type limitedWriter struct {
	w    io.Writer
	left int64 // 0: unlimited
}

// write reports false once the byte limit is reached or the client left.
func (l *limitedWriter) write(b []byte) bool {
	if l.left > 0 {
		if int64(len(b)) >= l.left {
			_, _ = l.w.Write(b[:l.left])
			return false
		}
		l.left -= int64(len(b))
	}
	_, err := l.w.Write(b)
	return err == nil
}
