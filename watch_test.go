package kr8s

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// TestWatchRetriesABrokenRelist: after 410 Gone the watch lists again;
// when that list breaks mid-body, the watch pauses and lists once more
// instead of ending, and the caller's view comes out complete.
func TestWatchRetriesABrokenRelist(t *testing.T) {
	var lists atomic.Int32
	item := func(name, rv string) string {
		return fmt.Sprintf(`{"metadata":{"name":%q,"namespace":"ns","resourceVersion":%q}}`, name, rv)
	}
	_, c := newTestServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("watch") != "true" {
			switch lists.Add(1) {
			case 1:
				fmt.Fprintf(w, `{"metadata":{"resourceVersion":"10"},"items":[%s]}`, item("a", "5"))
			case 2: // the relist breaks after its first item
				fmt.Fprintf(w, `{"metadata":{"resourceVersion":"20"},"items":[%s,`, item("a", "5"))
				w.(http.Flusher).Flush()
				reset(w)
			default:
				fmt.Fprintf(w, `{"metadata":{"resourceVersion":"20"},"items":[%s,%s]}`, item("a", "5"), item("b", "15"))
			}
			return
		}
		if r.URL.Query().Get("resourceVersion") == "10" {
			fmt.Fprint(w, `{"type":"ERROR","object":{"kind":"Status","status":"Failure","reason":"Expired","code":410}}`)
			return
		}
		w.(http.Flusher).Flush()
		<-r.Context().Done() // an open watch with nothing to say
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got []string
	for ev, err := range ConfigMaps.Watch(ctx, &WatchOptions{API: c, Namespace: "ns"}) {
		if err != nil {
			t.Fatalf("watch ended with %v after %q", err, got)
		}
		name := ""
		if ev.Object != nil {
			name = ev.Object.Name()
		}
		got = append(got, string(ev.Type)+" "+name)
		if name == "b" {
			break
		}
	}
	if want := []string{"ADDED a", "RELISTED ", "RELISTED ", "ADDED b"}; !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	if n := lists.Load(); n != 3 {
		t.Fatalf("%d lists, want 3 (the first, the broken relist, the one that worked)", n)
	}
}
