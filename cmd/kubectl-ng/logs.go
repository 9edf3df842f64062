package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// logsOptions are the flags of logs; run prints the log.
type logsOptions struct {
	*app
	log       kr8s.LogOptions
	tail      int
	sinceTime string
}

func (a *app) logsCmd() *cobra.Command {
	o := &logsOptions{app: a}
	cmd := &cobra.Command{
		Use:   "logs (POD | TYPE/NAME) [-c CONTAINER]",
		Short: "Print the logs of a container in a pod",
		Example: `  kubectl-ng logs web
  kubectl-ng logs -f deploy/web --tail=20
  kubectl-ng logs web -c sidecar -p --timestamps`,
		Args: cobra.ExactArgs(1),
		RunE: runWith(o.run),
	}
	containerFlag(cmd, &o.log.Container)
	fl := cmd.Flags()
	fl.BoolVarP(&o.log.Follow, "follow", "f", false, "stream new lines as they are written")
	fl.BoolVarP(&o.log.Previous, "previous", "p", false, "read the previous, terminated instance of the container")
	fl.BoolVar(&o.log.Timestamps, "timestamps", false, "prefix each line with its RFC3339 time")
	fl.IntVar(&o.tail, "tail", -1, "print only the last lines; -1 prints all")
	fl.DurationVar(&o.log.Since, "since", 0, "only lines newer than this, such as 5s, 2m or 3h")
	fl.StringVar(&o.sinceTime, "since-time", "", "only lines after this RFC3339 time")
	fl.Int64Var(&o.log.LimitBytes, "limit-bytes", 0, "stop after this many bytes; 0 means no limit")
	return cmd
}

// run is logs: the log of the pod args[0] means, copied to stdout.
func (o *logsOptions) run(ctx context.Context, args []string) error {
	switch {
	case o.tail == 0:
		return errors.New("--tail=0 is not supported yet: kr8s reads TailLines 0 as the whole log")
	case o.tail > 0:
		o.log.TailLines = o.tail
	}
	if o.sinceTime != "" {
		if o.log.Since != 0 {
			return errors.New("at most one of --since-time and --since may be used")
		}
		t, err := time.Parse(time.RFC3339, o.sinceTime)
		if err != nil {
			return fmt.Errorf("--since-time must be an RFC3339 time: %w", err)
		}
		o.log.SinceTime = t
	}
	pod, err := o.podFor(ctx, args[0])
	if err != nil {
		return err
	}
	r, err := pod.LogStream(ctx, &o.log)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(o.stdout, r)
	if err != nil && ctx.Err() != nil {
		return nil // interrupted while following
	}
	return err
}
