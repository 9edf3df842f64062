//go:build unix

package auth

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// killProcessGroup starts cmd as the leader of a new process group and
// makes the end of its context kill that whole group with SIGKILL, so that
// the children of a plugin (the commands of a shell script) die with it.
// On Linux the plugin also gets SIGKILL when the thread that started it
// ends, such as when the process exits: being in its own group, it would
// no longer get the terminal's Ctrl-C.
func killProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(cmd.SysProcAttr)
	cmd.Cancel = func() error {
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
}
