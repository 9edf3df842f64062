package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

func (a *app) logsCmd() *cobra.Command {
	var (
		o         kr8s.LogOptions
		tail      int
		sinceTime string
	)
	cmd := &cobra.Command{
		Use:   "logs (POD | TYPE/NAME) [-c CONTAINER]",
		Short: "Print the logs of a container in a pod",
		Example: `  kubectl-ng logs web
  kubectl-ng logs -f deploy/web --tail=20
  kubectl-ng logs web -c sidecar -p --timestamps`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			switch {
			case tail == 0:
				return errors.New("--tail=0 is not supported yet: kr8s reads TailLines 0 as the whole log")
			case tail > 0:
				o.TailLines = tail
			}
			if sinceTime != "" {
				if o.Since != 0 {
					return errors.New("at most one of --since-time and --since may be used")
				}
				t, err := time.Parse(time.RFC3339, sinceTime)
				if err != nil {
					return fmt.Errorf("--since-time must be an RFC3339 time: %w", err)
				}
				o.SinceTime = t
			}
			pod, err := a.podFor(ctx, args[0])
			if err != nil {
				return err
			}
			r, err := pod.LogStream(ctx, &o)
			if err != nil {
				return err
			}
			defer r.Close()
			_, err = io.Copy(a.stdout, r)
			if err != nil && ctx.Err() != nil {
				return nil // interrupted while following
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&o.Container, "container", "c", "", "the container to read; defaults to the default container")
	fl.BoolVarP(&o.Follow, "follow", "f", false, "stream new lines as they are written")
	fl.BoolVarP(&o.Previous, "previous", "p", false, "read the previous, terminated instance of the container")
	fl.BoolVar(&o.Timestamps, "timestamps", false, "prefix each line with its RFC3339 time")
	fl.IntVar(&tail, "tail", -1, "print only the last lines; -1 prints all")
	fl.DurationVar(&o.Since, "since", 0, "only lines newer than this, such as 5s, 2m or 3h")
	fl.StringVar(&sinceTime, "since-time", "", "only lines after this RFC3339 time")
	fl.Int64Var(&o.LimitBytes, "limit-bytes", 0, "stop after this many bytes; 0 means no limit")
	return cmd
}
