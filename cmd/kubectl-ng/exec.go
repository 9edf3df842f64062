package main

import (
	"errors"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

func (a *app) execCmd() *cobra.Command {
	var (
		container  string
		stdin, tty bool
	)
	cmd := &cobra.Command{
		Use:   "exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [ARG...]",
		Short: "Run a command in a container",
		Long: `Run a command in a container. The exit code is the command's.

With -t and a terminal on stdin, the local terminal goes raw for the session
and resizes of the window reach the remote terminal.`,
		Example: `  kubectl-ng exec web -- date
  kubectl-ng exec -i web -c main -- sh < script.sh
  kubectl-ng exec -it deploy/web -- sh`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dash := cmd.ArgsLenAtDash(); dash != 1 {
				return usageError{errors.New("exec needs one pod and a command after --: kubectl-ng exec POD -- COMMAND [ARG...]")}
			}
			ctx := cmd.Context()
			pod, err := a.podFor(ctx, args[0])
			if err != nil {
				return err
			}
			o := &kr8s.ExecOptions{Container: container, Stdout: a.stdout, Stderr: a.stderr}
			if stdin {
				o.Stdin = a.stdin
			}
			if tty {
				if !stdin {
					// kubectl: -t without -i gives a terminal the user cannot type into.
					o.TTY = true
				} else {
					resize, restore, ok := a.terminal(ctx)
					defer restore()
					o.TTY, o.Resize = ok, resize
				}
			}
			return pod.ExecStream(ctx, args[1:], o)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&container, "container", "c", "", "the container; defaults to the default container")
	fl.BoolVarP(&stdin, "stdin", "i", false, "pass stdin to the command")
	fl.BoolVarP(&tty, "tty", "t", false, "allocate a terminal for the command")
	return cmd
}
