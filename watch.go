package kr8s

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"net/http"
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
	ListOptions
	// Name watches one object.
	Name string
	// ResourceVersion starts the watch after that version without listing
	// first. Empty means: list, send an Added event for each existing
	// object, then watch from the list's version.
	ResourceVersion string

	// listed, when set, is told how many objects the initial list found.
	listed func(n int) bool
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
	o     *WatchOptions
	rv    string
	known map[string]*Object // namespace/name -> last seen
	// complete is true once known holds the whole state (after a list),
	// so a Deleted event for an unknown object is a repeat.
	complete bool
}

func objectKey(o *Object) string { return o.Namespace() + "/" + o.Name() }

func (o *Object) resourceVersion() string {
	s, _ := o.Field("metadata", "resourceVersion").(string)
	return s
}

// watch delivers events to yield until ctx ends, yield returns false, or
// an error that retrying cannot fix.
func (k *Kind) watch(ctx context.Context, o *WatchOptions, yield func(EventType, *Object) bool) error {
	if o == nil {
		o = &WatchOptions{}
	}
	c, err := k.client(o.API)
	if err != nil {
		return err
	}
	w := &watcher{k: k, c: c, o: o, rv: o.ResourceVersion, known: map[string]*Object{}}
	if w.rv == "" {
		ok, err := w.relist(ctx, false, yield)
		if err != nil || !ok {
			return err
		}
		if o.listed != nil && !o.listed(len(w.known)) {
			return nil
		}
	}
	failures := 0
	for ctx.Err() == nil {
		progressed, stop, err := w.stream(ctx, yield)
		if stop {
			return nil
		}
		if progressed {
			failures = 0
		}
		switch {
		case errors.Is(err, ErrGone):
			ok, lerr := w.relist(ctx, true, yield)
			if lerr == nil {
				if !ok {
					return nil
				}
				continue
			}
			if !retryableWatchError(lerr) {
				return lerr
			}
			// The list broke (a dropped connection, an outage): pause and
			// try again; the stale version brings us back here to list.
		case err != nil && !retryableWatchError(err):
			return err
		}
		// The stream ended (server timeout, restart, dropped connection):
		// resume from the last version after a short, growing pause.
		failures++
		d := min(time.Duration(failures)*200*time.Millisecond, 5*time.Second)
		select {
		case <-ctx.Done():
		case <-time.After(d/2 + rand.N(d/2+1)):
		}
	}
	return nil
}

// retryableWatchError reports errors a watch rides out by reconnecting:
// anything but a definite answer from the server that retrying will not
// change. A stream that does not decode is such an answer: reconnecting
// would read the same garbage again until ctx ends.
func retryableWatchError(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code == http.StatusTooManyRequests || se.Code >= 500
	}
	var syntax *jsonany.SyntaxError
	var large *tooLargeError
	if errors.As(err, &syntax) || errors.As(err, &large) || errors.Is(err, errMalformedEvent) {
		return false
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// relist lists the kind and reconciles it with what the caller has seen:
// new objects as Added, changed ones as Modified, vanished ones as
// Deleted. After a 410 it first sends Relisted.
func (w *watcher) relist(ctx context.Context, gone bool, yield func(EventType, *Object) bool) (bool, error) {
	if gone && !yield(Relisted, nil) {
		return false, nil
	}
	lo := w.o.ListOptions
	lo.API = w.c
	if w.o.Name != "" {
		lo.FieldSelector = joinSelectors(lo.FieldSelector, "metadata.name="+w.o.Name)
	}
	seen := map[string]bool{}
	cont := true
	rv, err := w.k.list(ctx, &lo, func(obj *Object) bool {
		key := objectKey(obj)
		seen[key] = true
		prev := w.known[key]
		w.known[key] = obj
		switch {
		case prev == nil:
			cont = yield(Added, obj)
		case prev.resourceVersion() != obj.resourceVersion():
			cont = yield(Modified, obj)
		}
		return cont
	})
	if err != nil || !cont {
		return false, err
	}
	for key, obj := range w.known {
		if !seen[key] {
			delete(w.known, key)
			if !yield(Deleted, obj) {
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
	lo := w.o.ListOptions
	q, err := lo.query()
	if err != nil {
		return false, false, fmt.Errorf("watch %s: %w", w.k.Plural, err)
	}
	if w.o.Name != "" {
		q.Set("fieldSelector", joinSelectors(q.Get("fieldSelector"), "metadata.name="+w.o.Name))
	}
	q.Set("watch", "true")
	q.Set("allowWatchBookmarks", "true")
	if w.rv != "" {
		q.Set("resourceVersion", w.rv)
	}
	r := w.k.collection(w.c, lo.Namespace)
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
		src, err := checkedSource(ev.Object) // readWatchEvent checked the event whole
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
			if prev := w.known[key]; prev != nil && prev.resourceVersion() == obj.resourceVersion() {
				continue // already delivered
			}
			w.known[key] = obj
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
// It ends when ctx ends or the loop breaks.
func (k *KindOf[T]) Watch(ctx context.Context, o *WatchOptions) iter.Seq2[Event[T], error] {
	return func(yield func(Event[T], error) bool) {
		stopped := false
		err := k.watch(ctx, o, func(t EventType, obj *Object) bool {
			ev := Event[T]{Type: t}
			if obj != nil {
				ev.Object = k.wrap(obj)
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
