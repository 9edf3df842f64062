package kr8s

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/coder/websocket"

	"github.com/kr8s-go/kr8s/internal/wsstream"
)

// TerminalSize is a terminal's size in characters, for ExecOptions.Resize.
type TerminalSize struct {
	Width  uint16
	Height uint16
}

// ExecOptions are the options of Exec and ExecStream. The zero value runs
// the command in the default container with no stdin.
type ExecOptions struct {
	// Container defaults to the pod's kubectl.kubernetes.io/default-container
	// annotation, then its first container.
	Container string
	// Stdin is sent to the process; its EOF closes the process's stdin.
	// The call returns when the command ends, even if a Read of Stdin is
	// still blocked (as on a terminal); that Read is left to return on its
	// own, and nothing more is read after it. Close a pipe you no longer
	// need so that the goroutine reading it ends.
	Stdin io.Reader
	// Stdout and Stderr receive the streams (ExecStream only; Exec
	// captures them).
	Stdout, Stderr io.Writer
	// TTY allocates a terminal; the server then merges stderr into stdout.
	TTY bool
	// Resize delivers terminal sizes; send the first one before or right
	// after the call starts.
	Resize <-chan TerminalSize
}

// ExecResult is the outcome of Exec, like kr8s's CompletedExec.
type ExecResult struct {
	Stdout, Stderr []byte
	ExitCode       int
}

// Exec runs command in the pod and captures its output. A non-zero exit
// returns the result together with an *ExitError carrying the code.
// Unlike kr8s, stdin works: set ExecOptions.Stdin.
func (p *Pod) Exec(ctx context.Context, command []string, o *ExecOptions) (*ExecResult, error) {
	var opts ExecOptions
	if o != nil {
		opts = *o
	}
	var stdout, stderr bytes.Buffer
	opts.Stdout, opts.Stderr = &stdout, &stderr
	err := p.ExecStream(ctx, command, &opts)
	res := &ExecResult{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	var ee *ExitError
	if errors.As(err, &ee) {
		res.ExitCode = ee.Code
		ee.Stderr = res.Stderr
	}
	return res, err
}

// ExecStream runs command in the pod with the caller's streams, over the
// websocket protocol v5.channel.k8s.io (v4 on servers before 1.30, where
// stdin EOF cannot be sent). It returns when the command ends or ctx
// ends; a non-zero exit is an *ExitError.
func (p *Pod) ExecStream(ctx context.Context, command []string, o *ExecOptions) error {
	if len(command) == 0 {
		return errors.New("exec: empty command")
	}
	if o == nil {
		o = &ExecOptions{}
	}
	c, err := p.API()
	if err != nil {
		return err
	}
	container := o.Container
	if container == "" {
		container = p.defaultContainer()
	}
	q := url.Values{"command": command}
	if container != "" {
		q.Set("container", container)
	}
	q.Set("stdin", fmt.Sprint(o.Stdin != nil))
	q.Set("stdout", fmt.Sprint(o.Stdout != nil))
	q.Set("stderr", fmt.Sprint(o.Stderr != nil && !o.TTY))
	q.Set("tty", fmt.Sprint(o.TTY))
	conn, proto, err := c.dialWebsocket(ctx, p.kind.request(c, p.Namespace(), p.Name()), "exec", q, wsstream.ExecProtocols)
	if err != nil {
		return fmt.Errorf("exec in %s: %w", p, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends relayResizes
	err = wsstream.Exec(ctx, conn, proto, wsstream.ExecOptions{
		Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr, TTY: o.TTY, Resize: relayResizes(ctx, o.Resize),
	})
	var wee *wsstream.ExitError
	if errors.As(err, &wee) {
		return &ExitError{Code: wee.Code, Command: command}
	}
	if err != nil {
		return fmt.Errorf("exec in %s: %w", p, err)
	}
	return nil
}

// relayResizes passes sizes on to the stream's resize channel until ctx
// ends, and closes it when sizes is closed. It returns nil for nil.
func relayResizes(ctx context.Context, sizes <-chan TerminalSize) <-chan wsstream.TerminalSize {
	if sizes == nil {
		return nil
	}
	out := make(chan wsstream.TerminalSize)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case s, ok := <-sizes:
				if !ok {
					close(out)
					return
				}
				select {
				case out <- wsstream.TerminalSize(s):
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// defaultContainer follows kubectl: the default-container annotation,
// else the first container.
func (p *Pod) defaultContainer() string {
	if c := p.Annotations()["kubectl.kubernetes.io/default-container"]; c != "" {
		return c
	}
	if names := p.containerNames(); len(names) > 0 {
		return names[0]
	}
	return ""
}

func (p *Pod) containerNames() []string {
	cs, _ := p.Spec()["containers"].([]any)
	var names []string
	for _, c := range cs {
		m, _ := c.(map[string]any)
		if n, _ := m["name"].(string); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// dialWebsocket opens a websocket to r's subresource with query q.
func (c *Client) dialWebsocket(ctx context.Context, r Request, sub string, q url.Values, protocols []string) (*websocket.Conn, string, error) {
	r.URL += "/" + sub
	path, err := r.Path()
	if err != nil {
		return nil, "", err
	}
	h := http.Header{"User-Agent": []string{c.userAgent}}
	conn, proto, err := wsstream.Dial(ctx, c.ws, c.url(path, q.Encode()).String(), h, protocols)
	if err != nil {
		return nil, "", fmt.Errorf("GET %s: %w", path, err)
	}
	return conn, proto, nil
}
