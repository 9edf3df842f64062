package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/kr8s-go/kr8s/kubeconfig"
	"github.com/spf13/cobra"
)

func (a *app) configCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config SUBCOMMAND",
		Short: "Read and change kubeconfig files",
		Example: `  kubectl-ng config current-context
  kubectl-ng config get-contexts
  kubectl-ng config use-context prod`,
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "current-context",
			Short: "Print the current context",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := a.loadConfig()
				if err != nil {
					return err
				}
				if cfg.CurrentContext == "" {
					return errors.New("current-context is not set")
				}
				fmt.Fprintln(a.stdout, cfg.CurrentContext)
				return nil
			},
		},
		a.getContextsCmd(),
		&cobra.Command{
			Use:     "use-context CONTEXT",
			Short:   "Set the current context in the kubeconfig file",
			Example: "  kubectl-ng config use-context prod",
			Args:    cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				cfg, err := a.loadConfig()
				if err != nil {
					return err
				}
				found := false
				for _, c := range cfg.Contexts {
					found = found || c.Name == args[0]
				}
				if !found {
					return fmt.Errorf("no context exists with the name: %q", args[0])
				}
				if err := setCurrentContext(a.configDest(cfg), args[0]); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "Switched to context %q.\n", args[0])
				return nil
			},
		},
	)
	return cmd
}

func (a *app) getContextsCmd() *cobra.Command {
	var output string
	var noHeaders bool
	cmd := &cobra.Command{
		Use:     "get-contexts [NAME...]",
		Short:   "List the contexts of the kubeconfig",
		Example: "  kubectl-ng config get-contexts\n  kubectl-ng config get-contexts -o name",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			want := map[string]bool{}
			for _, n := range args {
				want[n] = true
			}
			tw := newTabWriter(a.stdout)
			if output == "" && !noHeaders {
				fmt.Fprintln(tw, "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE")
			}
			for _, c := range cfg.Contexts {
				if len(want) > 0 && !want[c.Name] {
					continue
				}
				delete(want, c.Name)
				switch output {
				case "name":
					fmt.Fprintln(tw, c.Name)
				case "":
					cur := ""
					if c.Name == cfg.CurrentContext {
						cur = "*"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cur, c.Name, c.Context.Cluster, c.Context.AuthInfo, c.Context.Namespace)
				default:
					return fmt.Errorf("output must be one of '' or 'name'")
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for n := range want {
				return fmt.Errorf("context %s not found", n)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "name prints only the context names")
	cmd.Flags().BoolVar(&noHeaders, "no-headers", false, "leave out the header line")
	return cmd
}

// loadConfig reads --kubeconfig, else $KUBECONFIG or ~/.kube/config.
func (a *app) loadConfig() (*kubeconfig.Config, error) {
	if a.kubeconfig != "" {
		return kubeconfig.LoadFile(a.kubeconfig)
	}
	return kubeconfig.LoadDefault()
}

// configDest is the file that a change of current-context goes to, as in
// kubectl: --kubeconfig, else the first file that sets current-context,
// else the first file.
func (a *app) configDest(cfg *kubeconfig.Config) string {
	if a.kubeconfig != "" {
		return a.kubeconfig
	}
	for _, src := range cfg.Sources {
		if c, err := kubeconfig.LoadFile(src); err == nil && c.CurrentContext != "" {
			return src
		}
	}
	if len(cfg.Sources) > 0 {
		return cfg.Sources[0]
	}
	if paths := kubeconfig.DefaultPaths(); len(paths) > 0 {
		return paths[0]
	}
	return filepath.Join(os.Getenv("HOME"), ".kube", "config")
}

var currentContextLine = regexp.MustCompile(`(?m)^current-context:.*$`)

// setCurrentContext rewrites the top-level current-context line of path,
// leaving every other byte (comments included) as it was. The file is
// replaced atomically and keeps its mode (0600 for a new file).
func setCurrentContext(path, name string) error {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	line := []byte("current-context: " + strconv.Quote(name))
	if currentContextLine.Match(data) {
		data = currentContextLine.ReplaceAllLiteral(data, line)
	} else {
		if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
			data = append(data, '\n')
		}
		data = append(append(data, line...), '\n')
	}
	if _, err := kubeconfig.Parse(data, path); err != nil {
		return fmt.Errorf("refusing to write %s: the edit would not parse: %w", path, err)
	}
	return writeFileAtomic(path, data)
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it over path, so a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
