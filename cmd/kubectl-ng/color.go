package main

import (
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// ANSI colours. Every start code has the same length, so a table column
// whose cells all carry one start code and one reset stays aligned: the
// tabwriter counts the same invisible width in every cell.
const (
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiDefault = "\x1b[39m" // the terminal's own colour
	ansiReset   = "\x1b[0m"
)

// terminalFile returns the file behind x when it is a terminal.
func terminalFile(x any) (*os.File, bool) {
	f, ok := x.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, false
	}
	return f, true
}

// isTerminal reports whether w is a terminal. Tests replace it through
// app.tty.
func (a *app) isTerminal(w io.Writer) bool {
	if a.tty != nil {
		return a.tty(w)
	}
	_, ok := terminalFile(w)
	return ok
}

// useColor reports whether output written to w gets colour.
func (a *app) useColor(w io.Writer) bool {
	return wantColor(a.isTerminal(w), os.Getenv)
}

// wantColor is the colour decision: only on a terminal, and never when
// NO_COLOR is set (no-color.org) or TERM is dumb.
func wantColor(tty bool, getenv func(string) string) bool {
	return tty && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}

// statusColor picks the colour of a STATUS cell: red for failures, yellow
// for states on the way somewhere, green for healthy ones, the terminal's
// own colour otherwise.
func statusColor(s string) string {
	switch {
	case containsAny(s, "Err", "BackOff", "Fail", "NotReady", "Unknown", "OOMKilled", "Evicted", "Lost", "Invalid"):
		return ansiRed
	case containsAny(s, "Pending", "Creating", "Initializing", "Init:", "Terminating", "SchedulingDisabled", "Waiting"):
		return ansiYellow
	case containsAny(s, "Running", "Ready", "Active", "Bound", "Complete", "Succeeded", "Available"):
		return ansiGreen
	}
	return ansiDefault
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// paint wraps s in colour and a reset.
func paint(color, s string) string { return color + s + ansiReset }

// paintErrorPrefix colours the "error:" or "Error from server (...):"
// that starts an error line red.
func paintErrorPrefix(line string) string {
	prefix := ""
	switch {
	case strings.HasPrefix(line, "error:"):
		prefix = "error:"
	case strings.HasPrefix(line, "Error from server"):
		if i := strings.Index(line, ":"); i > 0 {
			prefix = line[:i+1]
		}
	}
	if prefix == "" {
		return line
	}
	return paint(ansiRed, prefix) + line[len(prefix):]
}
