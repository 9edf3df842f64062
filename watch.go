package kr8s

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/kr8s-go/kr8s/internal/jsonany"
)

// EventType is the type of a watch event.
type EventType string

// Watch event types. Relisted is ours: it tells the caller that the
// server's history ran out (410 Gone) and the watch listed the kind again;
// the events after it bring the caller's view up to date.
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	Relisted EventType = "RELISTED"
)

// Event is one change seen by a watch. For Relisted, Object is the zero
// value.
type Event[T any] struct {
	Type   EventType
	Object T
}

// WatchOptions are the options of Watch. The zero value watches the
// client's namespace from the current state.
type WatchOptions struct {
	// API is the client to use; nil means API().
	API *Client
	// Namespace defaults to the client's; AllNamespaces watches them all.
	Namespace string
	// Name watches one object.
	Name string
	// LabelSelector is a selector string such as "app=web,tier!=db".
	LabelSelector string
	// Labels adds equality requirements, "key=value" for each entry.
	Labels map[string]string
	// FieldSelector is a field selector such as "status.phase=Running".
	FieldSelector string
	// Fields adds field equality requirements.
	Fields map[string]string
	// ResourceVersion starts the watch after that version without listing
	// first. Empty means: list, send an Added event for each existing
	// object, then watch from the list's version.
	ResourceVersion string
	// Limit is the page size of the lists the watch makes (at the start
	// and after 410 Gone), as in ListOptions.
	Limit int
}

// listOptions returns the options of the watch's lists, and of its
// requests without their resourceVersion: Name becomes a field selector.
func (o *WatchOptions) listOptions(c *Client) ListOptions {
	lo := ListOptions{
		API: c, Namespace: o.Namespace,
		LabelSelector: o.LabelSelector, Labels: o.Labels,
		FieldSelector: o.FieldSelector, Fields: o.Fields,
		Limit: o.Limit,
	}
	if o.Name != "" {
		lo.FieldSelector = joinSelectors(lo.FieldSelector, "metadata.name="+o.Name)
	}
	return lo
}

type watchEvent struct {
	Type   string
	Object string // raw JSON
}

// errMalformedEvent is a watch event that is JSON but not an event.
var errMalformedEvent = errors.New("malformed watch event")

// readWatchEvent reads the next event of a watch stream, leaving its
// object undecoded.
func readWatchEvent(rd *jsonany.Reader) (watchEvent, error) {
	var ev watchEvent
	v, err := rd.Value()
	if err != nil {
		return ev, err
	}
	members, err := jsonany.Index(string(v))
	if err != nil {
		return ev, err
	}
	for _, m := range members {
		switch m.Key {
		case "type":
			t, err := jsonany.Decode(m.Value)
			if ev.Type, _ = t.(string); err != nil || ev.Type == "" {
				return ev, fmt.Errorf("%w: type %.40s is not a string", errMalformedEvent, m.Value)
			}
		case "object":
			ev.Object = m.Value
		}
	}
	if ev.Object == "" {
		return ev, fmt.Errorf("%w: %q has no object", errMalformedEvent, ev.Type)
	}
	return ev, nil
}

// watcher keeps what a watch needs to resume without losing or repeating
// events: the last resourceVersion and the version of every object seen.
type watcher struct {
	k     *Kind
	c     *Client
	lo    ListOptions // what to list and watch
	rv    string
	known map[string]seenObject // namespace/name -> last delivered
	// complete is true once known holds the whole state (after a list),
	// so a Deleted event for an unknown object is a repeat.
	complete bool
}

// seenObject is what the watcher remembers of an object it delivered: its
// resourceVersion, read when it arrived, and its JSON text, from which a
// Deleted event is built if a relist finds it gone. It shares nothing the
// caller can change: a caller that patches or edits a delivered object
// does not change what the watch compares the next event with.
type seenObject struct {
	rv      string
	text    string           // the object's JSON text, shared, never changed
	members []jsonany.Member // its top-level members, shared likewise
}

func seen(o *Object) seenObject {
	s := seenObject{rv: o.resourceVersion()}
	if o.src != nil {
		s.text, s.members = o.src.text, o.src.members
	}
	return s
}

// object builds a fresh Object from what was remembered, with nothing
// decoded, so it shares no maps with the object delivered before.
func (s seenObject) object(c *Client, k *Kind) *Object {
	return &Object{api: c, kind: k, src: &rawJSON{text: s.text, members: s.members}}
}

func objectKey(o *Object) string { return o.Namespace() + "/" + o.Name() }

func (o *Object) resourceVersion() string {
	s, _ := o.Field("metadata", "resourceVersion").(string)
	return s
}

// watch delivers events to yield until ctx ends, yield returns false, an
// error that retrying cannot fix arrives, or failures in a row outlast
// watchBudget. See Watch. When listed is set, it is told how many objects
// the first list found, and the watch ends if it returns false.
func (k *Kind) watch(ctx context.Context, o *WatchOptions, listed func(n int) bool, yield func(EventType, *Object) bool) error {
	if o == nil {
		o = &WatchOptions{}
	}
	c, err := k.client(o.API)
	if err != nil {
		return err
	}
	w := &watcher{k: k, c: c, lo: o.listOptions(c), rv: o.ResourceVersion, known: map[string]seenObject{}}
	if w.rv == "" {
		ok, err := w.relist(ctx, false, yield)
		if err != nil || !ok {
			return err
		}
		if listed != nil && !listed(len(w.known)) {
			return nil
		}
	}
	budget := watchBudget(c.opts.retry.withDefaults())
	var (
		pauses       int       // ends in a row without an event: sets the pause
		failed       int       // failed attempts in a row without an event
		failingSince time.Time // when the first of them failed
	)
	for ctx.Err() == nil {
		progressed, stop, err := w.stream(ctx, yield)
		if stop {
			return nil
		}
		if progressed {
			pauses, failed = 0, 0
		}
		if errors.Is(err, ErrGone) {
			ok, lerr := w.relist(ctx, true, yield)
			if lerr == nil {
				if !ok {
					return nil
				}
				pauses, failed = 0, 0
				continue
			}
			// The list broke (a dropped connection, an outage): pause and
			// try again; the stale version brings us back here to list.
			err = lerr
		}
		if ctx.Err() != nil {
			return nil
		}
		// Resume from the last version after a short, growing pause.
		pauses++
		d := min(time.Duration(pauses)*200*time.Millisecond, 5*time.Second)
		d = d/2 + rand.N(d/2+1)
		if err == nil {
			// The server ended the stream (its timeout): the connection
			// and the credential work.
			failed = 0
			w.log(ctx, slog.LevelDebug, "kr8s watch resuming", "kind", w.k.Kind, "wait", d)
		} else {
			if !retryableWatchError(err) {
				return err
			}
			failed++
			if failed == 1 {
				failingSince = time.Now()
			} else if elapsed := time.Since(failingSince); elapsed >= budget {
				return fmt.Errorf("watch %s: gave up after %d failed attempts in %v: %w",
					w.k.Plural, failed, elapsed.Round(time.Millisecond), err)
			}
			w.log(ctx, slog.LevelWarn, "kr8s watch reconnecting", "kind", w.k.Kind, "attempt", failed, "wait", d, "error", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(d):
		}
	}
	return nil
}

// watchBudget is how long a watch goes on reconnecting while every attempt
// fails: 4 × MaxElapsed, 2 minutes under the default policy. It is longer
// than one request's budget because a watch is meant to outlive an API
// server restart or a short outage; it scales with MaxElapsed so that a
// caller who shortens or lengthens the client's retries does the same
// for its watches.
func watchBudget(p RetryPolicy) time.Duration { return 4 * p.MaxElapsed }

func (w *watcher) log(ctx context.Context, level slog.Level, msg string, args ...any) {
	if l := w.c.logger; l != nil {
		l.Log(ctx, level, msg, args...)
	}
}

// retryableWatchError reports the errors a watch rides out by
// reconnecting. It is an allow-list: the answers 410 (handled by a
// relist), 429 and 5xx, and the failures of the network (networkFailure).
// Everything else is an answer that reconnecting would only repeat, or
// something no one has thought about, and ends the watch: no credential
// (ErrCredential), a TLS handshake that failed verification on either
// side, any other 4xx, a stream that does not decode or holds a value
// over the size limit, a refused redirect.
func retryableWatchError(err error) bool {
	if errors.Is(err, ErrCredential) || tlsFailure(err) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code == http.StatusGone || se.Code == http.StatusTooManyRequests || se.Code >= 500
	}
	return networkFailure(err)
}

// tlsFailure reports a TLS handshake that failed on purpose: our side did
// not trust the server's certificate (unknown authority, wrong host name,
// expired, or any other verification failure), or the server sent an
// alert, such as "bad certificate" for a client certificate it rejects.
// These come wrapped in network errors, so they are looked for first.
func tlsFailure(err error) bool {
	var (
		verify    *tls.CertificateVerificationError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		alert     tls.AlertError
	)
	if errors.As(err, &verify) || errors.As(err, &authority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &alert) {
		return true
	}
	// crypto/tls reports an alert, received or sent, as a *net.OpError.
	return inChain(err, func(e error) bool {
		op, ok := e.(*net.OpError)
		return ok && (op.Op == "remote error" || op.Op == "local error")
	})
}

// retryableErrnos are the system errors of a connection that broke or
// could not be made.
var retryableErrnos = []error{
	syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED, syscall.EPIPE,
	syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ENETDOWN,
}

// http2Failures begin the texts of net/http's HTTP/2 errors for a
// connection or stream that ended under a request; their types are not
// exported.
var http2Failures = []string{
	"http2: server sent GOAWAY",
	"http2: Transport received Server's graceful shutdown GOAWAY",
	"http2: client connection lost",
	"http2: client conn is closed",
	"http2: client connection force closed",
	"http2: client conn not usable",
	"stream error: stream ID ",
	"http: server closed idle connection",
}

// networkFailure reports a failure of the connection itself: a dial that
// failed (refused, unreachable, a name that did not resolve), a
// connection reset, aborted or closed (EOF, or unexpected EOF in the
// middle of a value), a timeout of the net.Error kind, or an HTTP/2
// GOAWAY or stream reset.
func networkFailure(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	for _, e := range retryableErrnos {
		if errors.Is(err, e) {
			return true
		}
	}
	var dns *net.DNSError
	var ne net.Error
	if errors.As(err, &dns) || (errors.As(err, &ne) && ne.Timeout()) {
		return true
	}
	if notConnected(err) {
		return true
	}
	return inChain(err, func(e error) bool {
		s := e.Error()
		for _, p := range http2Failures {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
		return false
	})
}

// inChain reports whether f holds for err or any error it wraps.
func inChain(err error, f func(error) bool) bool {
	for err != nil {
		if f(err) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if inChain(e, f) {
					return true
				}
			}
			return false
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return false
		}
	}
	return false
}

// relist lists the kind and reconciles it with what the caller has seen:
// new objects as Added, changed ones as Modified, vanished ones as
// Deleted. After a 410 it first sends Relisted.
func (w *watcher) relist(ctx context.Context, gone bool, yield func(EventType, *Object) bool) (bool, error) {
	if gone && !yield(Relisted, nil) {
		return false, nil
	}
	listed := map[string]bool{}
	cont := true
	rv, err := w.k.list(ctx, &w.lo, func(obj *Object) bool {
		key := objectKey(obj)
		listed[key] = true
		prev, ok := w.known[key]
		now := seen(obj)
		w.known[key] = now
		switch {
		case !ok:
			cont = yield(Added, obj)
		case prev.rv != now.rv:
			cont = yield(Modified, obj)
		}
		return cont
	})
	if err != nil || !cont {
		return false, err
	}
	for key, last := range w.known {
		if !listed[key] {
			delete(w.known, key)
			if !yield(Deleted, last.object(w.c, w.k)) {
				return false, nil
			}
		}
	}
	w.rv = rv
	w.complete = true
	return true, nil
}

func joinSelectors(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}

// stream runs one watch request. It reports whether any event arrived,
// whether the caller stopped, and why the stream ended.
func (w *watcher) stream(ctx context.Context, yield func(EventType, *Object) bool) (progressed, stop bool, err error) {
	q, err := w.lo.query()
	if err != nil {
		return false, false, fmt.Errorf("watch %s: %w", w.k.Plural, err)
	}
	q.Set("watch", "true")
	q.Set("allowWatchBookmarks", "true")
	if w.rv != "" {
		q.Set("resourceVersion", w.rv)
	}
	r := w.k.collection(w.c, w.lo.Namespace)
	r.Query, r.Stream = q, true
	resp, err := w.c.Call(ctx, http.MethodGet, r)
	if err != nil {
		return false, false, err
	}
	defer resp.Body.Close()
	body := newLimitedBody(resp.Body)
	rd := jsonany.NewReader(body)
	for {
		body.reset() // the limit is per event
		ev, err := readWatchEvent(rd)
		if err != nil {
			if err == io.EOF || ctx.Err() != nil {
				return progressed, false, nil
			}
			return progressed, false, fmt.Errorf("watch %s: %w", w.k.Plural, decodeError(resp, err))
		}
		if ev.Type == "ERROR" {
			var st status
			_ = json.Unmarshal([]byte(ev.Object), &st)
			path, _ := r.Path()
			return progressed, false, newStatusError("WATCH", path, st.Code, []byte(ev.Object))
		}
		src, err := checkedRawJSON(ev.Object) // readWatchEvent checked the event whole
		if err != nil {
			return progressed, false, fmt.Errorf("watch %s: decode event: %w: %w", w.k.Plural, errMalformedEvent, err)
		}
		obj := &Object{api: w.c, kind: w.k, src: src}
		progressed = true
		if rv := obj.resourceVersion(); rv != "" {
			w.rv = rv
		}
		key := objectKey(obj)
		switch EventType(ev.Type) {
		case Added, Modified:
			now := seen(obj)
			if prev, ok := w.known[key]; ok && prev.rv == now.rv {
				continue // already delivered
			}
			w.known[key] = now
		case Deleted:
			if _, ok := w.known[key]; !ok && w.complete {
				continue // already reported gone
			}
			delete(w.known, key)
		default: // BOOKMARK: only the resourceVersion matters
			continue
		}
		if !yield(EventType(ev.Type), obj) {
			return progressed, true, nil
		}
	}
}

// Watch returns an iterator over changes to the kind's objects. It asks
// for bookmarks and resumes from the last resourceVersion after any
// disconnect; on 410 Gone it lists again, sends a Relisted event, and
// brings the caller up to date. It never delivers the same change twice.
//
// It reconnects, after a pause growing in 200ms steps to 5s, only after
// a failure that reconnecting can fix: a connection that could not be
// made, or was reset, closed or timed out (including EOF in the middle of
// the stream), an HTTP/2 GOAWAY or stream reset, or an answer 429 or 5xx
// (after the client's RetryPolicy has retried the request). A stream that
// the server ends normally (its own timeout) is resumed the same way.
// With WithLogger, each reconnect after a failure is logged at Warn level
// as "kr8s watch reconnecting" with the kind, the attempt (counted since
// the last event or bookmark), the pause and the error.
//
// Failures in a row (with no event, bookmark, relist or normally ended
// stream between them) are bounded in time: the first failure that comes
// 4 × the client's RetryPolicy.MaxElapsed (2 minutes by default) or more
// after the first of them ends the watch, which yields that failure's
// error wrapped in one that says the watch gave up. Any other error ends the watch at once and is yielded:
// no credential could be obtained (errors.Is(err, ErrCredential)), the
// TLS handshake failed verification (a server certificate we do not trust,
// a client certificate the server rejects), a 4xx other than 410 and 429,
// a stream that does not decode. So does an error of the first list,
// which the client's RetryPolicy retried.
//
// It ends with no error when ctx ends, even in the middle of failures
// (which the log shows), or when the loop breaks.
func (k *KindOf[T]) Watch(ctx context.Context, o *WatchOptions) iter.Seq2[Event[T], error] {
	return func(yield func(Event[T], error) bool) {
		wrap, err := k.wrapper()
		if err != nil {
			yield(Event[T]{}, err)
			return
		}
		stopped := false
		o = bind(o, k.api, func(o *WatchOptions) **Client { return &o.API })
		err = k.watch(ctx, o, nil, func(t EventType, obj *Object) bool {
			ev := Event[T]{Type: t}
			if obj != nil {
				ev.Object = wrap(obj)
			}
			if !yield(ev, nil) {
				stopped = true
				return false
			}
			return true
		})
		if err != nil && !stopped && ctx.Err() == nil {
			yield(Event[T]{}, err)
		}
	}
}

// Watch watches the kind named by kind, like a kind's Watch (kr8s's
// api.watch): it resumes after disconnects, relists after 410 Gone and
// ends when ctx ends or the loop breaks. A kind that cannot be resolved
// ends the sequence with its error. o may be nil; o.API picks the client.
func Watch(ctx context.Context, kind string, o *WatchOptions) iter.Seq2[Event[*Object], error] {
	return func(yield func(Event[*Object], error) bool) {
		var api *Client
		if o != nil {
			api = o.API
		}
		c, err := orDefault(api)
		if err != nil {
			yield(Event[*Object]{}, err)
			return
		}
		k, err := c.LookupKind(ctx, kind)
		if err != nil {
			yield(Event[*Object]{}, err)
			return
		}
		for ev, err := range k.Watch(ctx, o) {
			if !yield(ev, err) {
				return
			}
		}
	}
}
