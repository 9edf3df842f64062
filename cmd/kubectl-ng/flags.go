package main

import (
	"context"
	"strings"
	"time"

	"github.com/kr8s-go/kr8s"
	"github.com/spf13/cobra"
)

// Each command keeps its flags in an options struct (getOptions,
// deleteOptions, ...) whose run method does the work; its cobra command
// only binds flags to the struct's fields and calls run. The flags that
// several commands share are declared here, once, with one help text each.

// runWith adapts an options struct's run method to cobra: it is called
// with the command's context and its arguments.
func runWith(run func(ctx context.Context, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error { return run(cmd.Context(), args) }
}

// selectionFlags pick the objects of the kinds named on the command line
// when no names are given: -l/--selector, --field-selector, --all and
// -A/--all-namespaces.
type selectionFlags struct {
	labelSelector string
	fieldSelector string
	all           bool
	allNamespaces bool
}

// selectionFlag names one of the selection flags, for addTo.
type selectionFlag int

const (
	bySelector      selectionFlag = 1 << iota // -l, --selector
	byFieldSelector                           // --field-selector
	allObjects                                // --all
	allNamespaces                             // -A, --all-namespaces
)

// addTo declares the selection flags in which on cmd, with kubectl's
// names and short forms. verb is what the command does to the objects
// ("list", "delete"), for the help texts.
func (s *selectionFlags) addTo(cmd *cobra.Command, verb string, which selectionFlag) {
	if which&bySelector != 0 {
		cmd.Flags().StringVarP(&s.labelSelector, "selector", "l", "", "selector (label query) to filter on, such as app=web,tier!=db")
	}
	if which&byFieldSelector != 0 {
		cmd.Flags().StringVar(&s.fieldSelector, "field-selector", "", "selector (field query) to filter on, such as status.phase=Running")
	}
	if which&allObjects != 0 {
		cmd.Flags().BoolVar(&s.all, "all", false, verb+" every object of the given types in the namespace")
	}
	if which&allNamespaces != 0 {
		cmd.Flags().BoolVarP(&s.allNamespaces, "all-namespaces", "A", false, "look for the objects to "+verb+" in every namespace, not only the current one")
	}
}

// namespace is the namespace to look in: every one with -A, else the
// client's.
func (s *selectionFlags) namespace(c *kr8s.Client) string {
	if s.allNamespaces {
		return kr8s.AllNamespaces
	}
	return c.Namespace()
}

// fileFlags are -f/--filename and -R/--recursive, which name the files of
// apply, create and delete.
type fileFlags struct {
	filenames []string
	recursive bool
	verb      string // the command, for messages: "apply"
}

// addTo declares -f and -R on cmd; verb is what the command does to the
// objects in the files ("apply", "wait for"), its first word the command.
func (f *fileFlags) addTo(cmd *cobra.Command, verb string) {
	f.verb, _, _ = strings.Cut(verb, " ")
	cmd.Flags().StringSliceVarP(&f.filenames, "filename", "f", nil, "files or directories that contain the objects to "+verb+"; - reads stdin")
	cmd.Flags().BoolVarP(&f.recursive, "recursive", "R", false, "read directories under -f recursively")
}

// outputFlag declares -o/--output, with its default value and the formats
// the command prints.
func outputFlag(cmd *cobra.Command, p *string, value, formats string) {
	cmd.Flags().StringVarP(p, "output", "o", value, "output format: "+formats)
}

// noHeadersFlag declares --no-headers.
func noHeadersFlag(cmd *cobra.Command, p *bool) {
	cmd.Flags().BoolVar(p, "no-headers", false, "leave out the header line")
}

// dryRunFlag declares --dry-run, read by parseDryRun; verb is what the
// server checks.
func dryRunFlag(cmd *cobra.Command, p *string, verb string) {
	cmd.Flags().StringVar(p, "dry-run", "none", `"server" to have the server check the `+verb+` without making it`)
}

// timeoutFlag declares --timeout, with its default.
func timeoutFlag(cmd *cobra.Command, p *time.Duration, value time.Duration) {
	cmd.Flags().DurationVar(p, "timeout", value, "how long to wait; 0 means until interrupted")
}

// gracePeriodFlag declares --grace-period, read by gracePeriodSeconds.
func gracePeriodFlag(cmd *cobra.Command, p *int) {
	cmd.Flags().IntVar(p, "grace-period", -1, "seconds each object gets to end gracefully; -1 uses the object's own")
}

// gracePeriodSeconds is a --grace-period value for DeleteOptions and
// DrainOptions: nil, the object's own, when it is negative.
func gracePeriodSeconds(n int) *int64 {
	if n < 0 {
		return nil
	}
	g := int64(n)
	return &g
}

// containerFlag declares -c/--container, of the commands that address a
// pod's container.
func containerFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVarP(p, "container", "c", "", "the container; defaults to the pod's default container")
}
