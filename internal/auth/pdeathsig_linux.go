//go:build linux

package auth

import "syscall"

// setParentDeathSignal has the plugin killed when the thread that started
// it ends.
func setParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
