package kr8s

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultMaxLogLine is the longest line Logs yields when
// LogOptions.MaxLineBytes is 0: 1 MiB.
const DefaultMaxLogLine = 1 << 20

// LogOptions are the options of Logs and LogStream. The zero value reads
// the whole log of the default container once.
type LogOptions struct {
	// Container defaults to the default-container annotation, or the only
	// container; a pod with several containers and neither is an error
	// that lists them.
	Container string
	// Previous reads the previous, terminated instance of the container.
	Previous bool
	// Since returns lines newer than this duration; SinceTime those newer
	// than a time. Set at most one.
	Since     time.Duration
	SinceTime time.Time
	// Timestamps prefixes each line with its RFC3339 time.
	Timestamps bool
	// TailLines returns only the last lines; 0 means all.
	TailLines int
	// LimitBytes stops after this many bytes; 0 means no limit.
	LimitBytes int64
	// Follow keeps streaming new lines until ctx ends or the server ends
	// the stream (the pod was deleted, or the container ended). A stream
	// that breaks (a dropped connection) is an error, not a resume: add
	// Timestamps and pass the last line's time as SinceTime to go on.
	Follow bool
	// MaxLineBytes bounds one line of Logs: a longer line is yielded in
	// pieces of at most this many bytes, cut at UTF-8 boundaries, so a
	// container that never writes a newline cannot make the client buffer
	// without limit. 0 means DefaultMaxLogLine. LogStream ignores it.
	MaxLineBytes int
}

// LogStream returns the pod's log as a stream; close it when done. With
// Follow it is bounded by ctx only, never by the client's timeout.
func (p *Pod) LogStream(ctx context.Context, o *LogOptions) (io.ReadCloser, error) {
	if o == nil {
		o = &LogOptions{}
	}
	c, err := p.API()
	if err != nil {
		return nil, err
	}
	container := o.Container
	if container == "" {
		if container, err = p.logContainer(); err != nil {
			return nil, err
		}
	}
	q := url.Values{}
	if container != "" {
		q.Set("container", container)
	}
	if o.Previous {
		q.Set("previous", "true")
	}
	if o.Since > 0 && !o.SinceTime.IsZero() {
		return nil, errors.New("logs: set Since or SinceTime, not both")
	}
	if o.Since > 0 {
		q.Set("sinceSeconds", strconv.FormatInt(int64(max(o.Since.Round(time.Second), time.Second)/time.Second), 10))
	}
	if !o.SinceTime.IsZero() {
		q.Set("sinceTime", o.SinceTime.UTC().Format(time.RFC3339))
	}
	if o.Timestamps {
		q.Set("timestamps", "true")
	}
	if o.TailLines > 0 {
		q.Set("tailLines", strconv.Itoa(o.TailLines))
	}
	if o.LimitBytes > 0 {
		q.Set("limitBytes", strconv.FormatInt(o.LimitBytes, 10))
	}
	if o.Follow {
		q.Set("follow", "true")
	}
	r := p.kind.request(c, p.Namespace(), p.Name())
	r.URL += "/log"
	r.Query = q
	r.Stream = o.Follow
	r.Header = http.Header{"Accept": []string{"*/*"}}
	resp, err := c.Call(ctx, http.MethodGet, r)
	if err != nil {
		return nil, fmt.Errorf("logs of %s: %w", p, err)
	}
	return resp.Body, nil
}

// logContainer picks the container when none is named, as kubectl does,
// but lists the choices instead of guessing among several.
func (p *Pod) logContainer() (string, error) {
	if c := p.Annotations()["kubectl.kubernetes.io/default-container"]; c != "" {
		return c, nil
	}
	names := p.containerNames()
	switch len(names) {
	case 0:
		return "", nil // let the server decide (the pod was not read yet)
	case 1:
		return names[0], nil
	}
	return "", fmt.Errorf("logs of %s: a container name must be specified, choose one of: [%s]", p, strings.Join(names, " "))
}

// Logs returns the pod's log lines, without their newlines; a line longer
// than MaxLineBytes comes in pieces. With Follow it yields lines as they
// are written, until ctx ends or the server ends the stream. A broken
// stream ends with an error that says how many lines arrived. Breaking
// out of the loop closes the stream.
func (p *Pod) Logs(ctx context.Context, o *LogOptions) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		rc, err := p.LogStream(ctx, o)
		if err != nil {
			yield("", err)
			return
		}
		defer rc.Close()
		limit := DefaultMaxLogLine
		if o != nil && o.MaxLineBytes > 0 {
			limit = o.MaxLineBytes
		}
		sc := bufio.NewScanner(rc)
		sc.Buffer(make([]byte, 0, min(limit+1, 64<<10)), limit+1)
		sc.Split(splitLines(limit))
		lines := 0
		for sc.Scan() {
			lines++
			if !yield(sc.Text(), nil) {
				return
			}
		}
		if err := sc.Err(); err != nil && ctx.Err() == nil {
			yield("", fmt.Errorf("logs of %s: the stream broke after %d lines: %w", p, lines, err))
		}
	}
}

// splitLines is bufio.ScanLines without the \r handling and with a bound:
// a line longer than limit bytes is cut before limit, at the start of a
// UTF-8 sequence when one is near.
func splitLines(limit int) bufio.SplitFunc {
	return func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.IndexByte(data[:min(len(data), limit+1)], '\n'); i >= 0 && i <= limit {
			return i + 1, data[:i], nil
		}
		if len(data) > limit {
			cut := limit
			for back := 0; back < utf8.UTFMax-1 && cut > 1 && !utf8.RuneStart(data[cut]); back++ {
				cut--
			}
			if !utf8.RuneStart(data[cut]) {
				cut = limit // not UTF-8 there: cut anywhere
			}
			return cut, data[:cut], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	}
}
