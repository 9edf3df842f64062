//go:build unix && !linux

package auth

import "syscall"

// setParentDeathSignal does nothing: only Linux (and FreeBSD, not used
// here) can signal a child when its parent ends.
func setParentDeathSignal(*syscall.SysProcAttr) {}
