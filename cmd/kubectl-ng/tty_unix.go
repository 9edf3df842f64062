//go:build unix

package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// notifyResize calls f on every SIGWINCH until ctx ends or stop is called.
func notifyResize(ctx context.Context, f func()) (stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sig:
				f()
			case <-ctx.Done():
				return
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
	}
}
