//go:build !unix

package main

import "context"

// notifyResize does nothing where there is no SIGWINCH: the size sent when
// exec starts stays.
func notifyResize(ctx context.Context, f func()) (stop func()) { return func() {} }
