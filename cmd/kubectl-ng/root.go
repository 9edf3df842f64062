package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// app holds one invocation's streams, global flags and lazily made client.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	kubeconfig string
	context    string
	namespace  string
	verbosity  int

	// tty, when set, decides which writers are terminals (for tests);
	// otherwise isTerminal asks the operating system.
	tty func(io.Writer) bool

	api *kr8s.Client
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "kubectl-ng",
		Short: "kubectl-ng controls a Kubernetes cluster, like kubectl, with kr8s",
		Long: `kubectl-ng controls a Kubernetes cluster. Its commands and flags follow kubectl's.

It is built only on the public API of kr8s (github.com/kr8s-go/kr8s). On the
PATH it also works as a kubectl plugin: kubectl ng get pods.`,
		Example: `  kubectl-ng get pods -A
  kubectl-ng apply -f deploy.yaml
  kubectl-ng describe deploy/web
  kubectl-ng logs -f deploy/web
  kubectl-ng config set-context --current --namespace=web`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	f := root.PersistentFlags()
	f.StringVar(&a.kubeconfig, "kubeconfig", "", "path to the kubeconfig file (default $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&a.context, "context", "", "the kubeconfig context to use")
	f.StringVarP(&a.namespace, "namespace", "n", "", "the namespace for this request")
	f.IntVarP(&a.verbosity, "v", "v", 0, "log level; 1 or more logs every request to stderr (tokens are never logged)")

	root.AddCommand(
		a.getCmd(), a.describeCmd(),
		a.applyCmd(), a.createCmd(), a.deleteCmd(),
		a.logsCmd(), a.execCmd(), a.portForwardCmd(),
		a.scaleCmd(), a.labelCmd(), a.annotateCmd(), a.waitCmd(),
		a.cordonCmd(), a.uncordonCmd(), a.drainCmd(),
		a.versionCmd(), a.whoamiCmd(), a.apiResourcesCmd(), a.apiVersionsCmd(),
		a.configCmd(),
	)
	// Before the completion command is made: it keeps the writer it
	// finds then.
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	completionCmd(root)
	a.registerCompletions(root)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w\nSee '%s --help' for usage", err, c.CommandPath())}
	})
	return root
}

// usageError marks an error in the command line itself.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// client returns the invocation's client, made on first use from the
// global flags. It bypasses kr8s's client cache (NewClient): one process,
// one client, and tests may run invocations side by side.
func (a *app) client() (*kr8s.Client, error) {
	if a.api != nil {
		return a.api, nil
	}
	opts := []kr8s.Option{kr8s.WithUserAgent("kubectl-ng/" + clientVersion())}
	if a.kubeconfig != "" {
		opts = append(opts, kr8s.WithKubeconfig(a.kubeconfig))
	}
	if a.context != "" {
		opts = append(opts, kr8s.WithContext(a.context))
	}
	if a.namespace != "" {
		opts = append(opts, kr8s.WithNamespace(a.namespace))
	}
	if a.verbosity > 0 {
		// kr8s logs method, path, status and duration; never headers or
		// bodies, so credentials cannot leak into the log.
		h := slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		opts = append(opts, kr8s.WithLogger(slog.New(h)))
	}
	c, err := kr8s.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	a.api = c
	return c, nil
}

// clientVersion is the module version the binary was built from.
func clientVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "v0.0.0-devel"
}

// hinted is an error with advice printed after it.
type hinted struct {
	error
	hint string
}

func (h *hinted) Unwrap() error { return h.error }

// exitCode carries a specific exit status, such as a remote command's.
type exitCode struct {
	code int
	msg  string
}

func (e *exitCode) Error() string { return e.msg }

// report prints err to stderr the way kubectl words it and returns the
// exit code.
func (a *app) report(err error) int {
	var ec *exitCode
	if errors.As(err, &ec) {
		if ec.msg != "" {
			fmt.Fprintln(a.stderr, ec.msg)
		}
		return ec.code
	}
	var xe *kr8s.ExitError
	if errors.As(err, &xe) {
		fmt.Fprintf(a.stderr, "command terminated with exit code %d\n", xe.Code)
		return xe.Code
	}
	color := a.useColor(a.stderr)
	for _, e := range flatten(err) {
		line := errorLine(e)
		if color {
			line = paintErrorPrefix(line)
		}
		fmt.Fprintln(a.stderr, line)
	}
	return 1
}

// flatten splits joined errors so each gets its own line.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// errorLine words one error like kubectl: server statuses as
// "Error from server (Reason): message", everything else as "error: ...".
func errorLine(err error) string {
	var h *hinted
	if errors.As(err, &h) {
		return errorLine(h.error) + "\n" + h.hint
	}
	var se *kr8s.StatusError
	if errors.As(err, &se) {
		msg := se.Message
		if msg == "" {
			msg = strings.TrimSpace(se.Body)
		}
		if msg == "" {
			msg = se.Error()
		}
		if se.Reason != "" {
			return fmt.Sprintf("Error from server (%s): %s", se.Reason, msg)
		}
		return "Error from server: " + msg
	}
	return "error: " + err.Error()
}
