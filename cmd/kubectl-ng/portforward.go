package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// portPair is one LOCAL:REMOTE argument; Local 0 picks a free port.
type portPair struct{ local, remote int }

func parsePortPair(s string) (portPair, error) {
	l, r, ok := strings.Cut(s, ":")
	if !ok {
		l, r = s, s
	}
	var p portPair
	var err error
	if l != "" {
		if p.local, err = strconv.Atoi(l); err != nil || p.local < 0 || p.local > 65535 {
			return p, fmt.Errorf("invalid port %q: the local port must be a number from 0 to 65535", s)
		}
	}
	if p.remote, err = strconv.Atoi(r); err != nil || p.remote < 1 || p.remote > 65535 {
		return p, fmt.Errorf("invalid port %q: the remote port must be a number from 1 to 65535 (port names are not supported yet)", s)
	}
	return p, nil
}

func (a *app) portForwardCmd() *cobra.Command {
	var addresses []string
	cmd := &cobra.Command{
		Use:   "port-forward (POD | TYPE/NAME) [LOCAL_PORT:]REMOTE_PORT...",
		Short: "Forward local ports to a pod, service or deployment",
		Long: `Forward local ports to a pod. With svc/NAME or deploy/NAME each new connection
goes to a ready pod chosen at that moment, so a replaced pod is no obstacle; for
a service, REMOTE_PORT is the service's port.`,
		Example: `  kubectl-ng port-forward web 8080:80
  kubectl-ng port-forward svc/web :80
  kubectl-ng port-forward deploy/web 8080:80 --address 0.0.0.0`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			var pairs []portPair
			for _, s := range args[1:] {
				p, err := parsePortPair(s)
				if err != nil {
					return err
				}
				pairs = append(pairs, p)
			}
			forward, err := a.forwarder(ctx, args[0])
			if err != nil {
				return err
			}
			var fws []*kr8s.PortForward
			defer func() {
				for _, fw := range fws {
					fw.Close()
				}
			}()
			for _, addr := range addresses {
				if addr == "localhost" {
					addr = "127.0.0.1"
				}
				for _, p := range pairs {
					fw, err := forward(ctx, p.remote, &kr8s.PortForwardOptions{
						Address: addr, LocalPort: p.local,
						OnError: func(err error) { fmt.Fprintf(a.stderr, "error: forwarding port %d: %v\n", p.remote, err) },
					})
					if err != nil {
						return err
					}
					fws = append(fws, fw)
					fmt.Fprintf(a.stdout, "Forwarding from %s -> %d\n", fw.Addr(), p.remote)
				}
			}
			done := make(chan error, len(fws))
			for _, fw := range fws {
				go func() { done <- fw.Wait() }()
			}
			select {
			case <-ctx.Done():
				return nil
			case err := <-done:
				if err == nil {
					err = errors.New("port forward ended")
				}
				return err
			}
		},
	}
	cmd.Flags().StringSliceVar(&addresses, "address", []string{"localhost"}, "addresses to listen on, comma-separated; localhost means 127.0.0.1")
	return cmd
}

type forwardFunc func(ctx context.Context, port int, o *kr8s.PortForwardOptions) (*kr8s.PortForward, error)

// forwarder picks how to forward for the argument: through the service or
// deployment (a ready pod per connection), or to one pod.
func (a *app) forwarder(ctx context.Context, arg string) (forwardFunc, error) {
	c, err := a.client()
	if err != nil {
		return nil, err
	}
	if typ, name, err := kr8s.ParseTypeName(arg); err == nil && strings.Contains(arg, "/") {
		k, err := lookupKind(ctx, c, typ)
		if err != nil {
			return nil, err
		}
		get := &kr8s.GetOptions{API: c, Namespace: c.Namespace()}
		switch {
		case k.Group == "" && k.Kind == "Service":
			svc, err := kr8s.Services.Get(ctx, name, get)
			if err != nil {
				return nil, err
			}
			return svc.PortForward, nil
		case k.Group == "apps" && k.Kind == "Deployment":
			d, err := kr8s.Deployments.Get(ctx, name, get)
			if err != nil {
				return nil, err
			}
			return d.PortForward, nil
		}
	}
	pod, err := a.podFor(ctx, arg)
	if err != nil {
		return nil, err
	}
	return pod.PortForward, nil
}
