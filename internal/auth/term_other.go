//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly

package auth

import "os"

// isTerminal reports whether f is a character device, the best guess for a
// terminal without platform-specific calls.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
