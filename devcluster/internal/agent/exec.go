package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/creack/pty"
	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

// executor runs exec commands as local processes in the pod's directory.
type executor struct {
	pods      *podRunner
	namespace string
}

// ExecInContainer returns utilexec.CodeExitError for a non-zero exit so that
// the streaming server reports the exit code rather than an internal error.
func (e *executor) ExecInContainer(ctx context.Context, name string, _ string, container string, argv []string,
	in io.Reader, out, errw io.WriteCloser, tty bool, resize <-chan remotecommand.TerminalSize, _ time.Duration) error {
	pod, st := e.pods.lookup(e.namespace, name)
	if pod == nil || st == nil {
		return fmt.Errorf("pod %q not found on this node", podKey(e.namespace, name))
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = st.dir
	cmd.Env = containerEnv(pod, container)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second

	var err error
	if tty {
		err = runTTY(cmd, in, out, resize)
	} else {
		err = runPipes(cmd, in, out, errw)
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ee):
		return utilexec.CodeExitError{Err: err, Code: exitCode(ee)}
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist):
		// What container runtimes answer for a missing executable.
		if errw != nil {
			fmt.Fprintf(errw, "exec: %q: executable file not found in $PATH\n", argv[0])
		}
		return utilexec.CodeExitError{Err: err, Code: 127}
	default:
		return err
	}
}

func runPipes(cmd *exec.Cmd, in io.Reader, out, errw io.Writer) error {
	if out != nil {
		cmd.Stdout = out
	}
	if errw != nil {
		cmd.Stderr = errw
	}
	var stdin io.WriteCloser
	if in != nil {
		var err error
		if stdin, err = cmd.StdinPipe(); err != nil {
			return err
		}
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if stdin != nil {
		// Copy until the client's stdin ends, then close the process's
		// stdin so that it sees EOF. The process may exit first; the copy
		// then ends when the stream closes.
		go func() {
			_, _ = io.Copy(stdin, in)
			stdin.Close()
		}()
	}
	return cmd.Wait()
}

func runTTY(cmd *exec.Cmd, in io.Reader, out io.Writer, resize <-chan remotecommand.TerminalSize) error {
	// Setsid and Setctty come from pty.Start; Setpgid would conflict.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	var size *pty.Winsize
	select {
	case s, ok := <-resize:
		if ok {
			size = &pty.Winsize{Cols: s.Width, Rows: s.Height}
		}
	case <-time.After(200 * time.Millisecond):
	}
	f, err := pty.StartWithSize(cmd, size)
	if err != nil {
		return err
	}
	defer f.Close()
	go func() {
		for s := range resize {
			_ = pty.Setsize(f, &pty.Winsize{Cols: s.Width, Rows: s.Height})
		}
	}()
	if in != nil {
		go func() { _, _ = io.Copy(f, in) }()
	}
	copied := make(chan struct{})
	go func() {
		if out != nil {
			_, _ = io.Copy(out, f)
		}
		close(copied)
	}()
	err = cmd.Wait()
	// Drain what the process wrote before it exited; reading the pty
	// ends with EIO once the last writer is gone.
	select {
	case <-copied:
	case <-time.After(time.Second):
	}
	return err
}
