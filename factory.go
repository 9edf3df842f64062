package kr8s

import (
	"context"
	"reflect"
	"sync"
)

// The factory's cache is the package's only global state, as kr8s's
// client caching requires.
var factory struct {
	mu      sync.Mutex
	clients []*Client // in creation order; the first answers API()
}

// API returns a cached client, creating it on first use. It follows
// kr8s's api() caching rules:
//
//  1. the same options return the same *Client;
//  2. different options return a new client, which is cached too;
//  3. no options return the first cached client, whatever it was built
//     with, or a new default client if none is cached;
//  4. objects made without a client use API().
//
// It is safe for concurrent use: concurrent calls with the same options
// get one client.
func API(opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	factory.mu.Lock()
	defer factory.mu.Unlock()
	if len(opts) == 0 && len(factory.clients) > 0 {
		return factory.clients[0], nil
	}
	for _, c := range factory.clients {
		if sameOptions(c.opts, o) {
			return c, nil
		}
	}
	c, err := newClient(o)
	if err != nil {
		return nil, err
	}
	factory.clients = append(factory.clients, c)
	return c, nil
}

// sameOptions compares options; values that are not comparable (such as
// a func used as a RoundTripper) never match.
func sameOptions(a, b options) bool {
	ta, tb := a.transport, b.transport
	a.transport, b.transport = nil, nil
	if a != b {
		return false
	}
	if ta == nil || tb == nil {
		return ta == tb
	}
	if !reflect.TypeOf(ta).Comparable() || !reflect.TypeOf(tb).Comparable() {
		return false
	}
	return ta == tb
}

// resetFactory empties the cache, for tests.
func resetFactory() {
	factory.mu.Lock()
	factory.clients = nil
	factory.mu.Unlock()
}

// withDefault calls the method f on the default client, API(): the
// package-level functions that wrap a Client method are this.
//
//	return withDefault(ctx, (*Client).Version)
func withDefault[T any](ctx context.Context, f func(*Client, context.Context) (T, error)) (T, error) {
	c, err := API()
	if err != nil {
		var zero T
		return zero, err
	}
	return f(c, ctx)
}
