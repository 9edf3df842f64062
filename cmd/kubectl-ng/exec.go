package main

import (
	"context"
	"errors"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// execOptions are the flags of exec; run runs the command.
type execOptions struct {
	*app
	container string
	withStdin bool // -i
	withTTY   bool // -t
	dash      int  // the index of the first argument after --, or -1
}

func (a *app) execCmd() *cobra.Command {
	o := &execOptions{app: a}
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
			o.dash = cmd.ArgsLenAtDash()
			return o.run(cmd.Context(), args)
		},
	}
	containerFlag(cmd, &o.container)
	fl := cmd.Flags()
	fl.BoolVarP(&o.withStdin, "stdin", "i", false, "pass stdin to the command")
	fl.BoolVarP(&o.withTTY, "tty", "t", false, "allocate a terminal for the command")
	return cmd
}

// run is exec: args are the pod and, after --, the command.
func (o *execOptions) run(ctx context.Context, args []string) error {
	if o.dash != 1 {
		return usageError{errors.New("exec needs one pod and a command after --: kubectl-ng exec POD -- COMMAND [ARG...]")}
	}
	pod, err := o.podFor(ctx, args[0])
	if err != nil {
		return err
	}
	eo := &kr8s.ExecOptions{Container: o.container, Stdout: o.stdout, Stderr: o.stderr}
	if o.withStdin {
		eo.Stdin = o.stdin
	}
	if o.withTTY {
		if !o.withStdin {
			// kubectl: -t without -i gives a terminal the user cannot type into.
			eo.TTY = true
		} else {
			resize, restore, ok := o.terminal(ctx)
			defer restore()
			eo.TTY, eo.Resize = ok, resize
		}
	}
	return pod.ExecStream(ctx, args[1:], eo)
}
