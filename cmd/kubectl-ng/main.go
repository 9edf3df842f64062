// Command kubectl-ng is a kubectl work-alike built only on kr8s's public
// API: it is both a usable tool and the proof that the library is enough.
//
// Installed on the PATH as kubectl-ng it also works as a kubectl plugin:
//
//	kubectl ng get pods -A
//
// Flags and output follow kubectl's, so habits carry over. Tables come from
// the server's own printing (the Table API), so every kind, custom resources
// included, prints the way kubectl prints it.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code. It holds
// no global state, so tests call it in-process, concurrently.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return (&app{stdin: stdin, stdout: stdout, stderr: stderr}).run(ctx, args)
}

// run executes one command line with the app's streams.
func (a *app) run(ctx context.Context, args []string) int {
	cmd := a.rootCmd()
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	return a.report(err)
}
