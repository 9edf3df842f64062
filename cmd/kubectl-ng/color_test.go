package main

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/kr8s-go/kr8s"
	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// ansi matches the escape sequences kubectl-ng writes.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*[mK]")

func TestWantColor(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		tty  bool
		env  func(string) string
		want bool
	}{
		{true, env("TERM", "xterm-256color"), true},
		{true, env(), true},
		{false, env("TERM", "xterm-256color"), false},
		{true, env("NO_COLOR", "1"), false},
		{true, env("TERM", "dumb"), false},
	} {
		if got := wantColor(tc.tty, tc.env); got != tc.want {
			t.Errorf("wantColor(tty %v, TERM %q, NO_COLOR %q) = %v", tc.tty, tc.env("TERM"), tc.env("NO_COLOR"), got)
		}
	}
}

// TestIsTerminal asks the operating system, as kubectl-ng does outside
// tests: a pseudo-terminal is a terminal; a pipe, a file and a buffer are
// not.
func TestIsTerminal(t *testing.T) {
	t.Parallel()
	a := &app{}
	_, tty := openPTY(t)
	if !a.isTerminal(tty) {
		t.Error("a pseudo-terminal is not a terminal")
	}
	if got, want := a.useColor(tty), wantColor(true, os.Getenv); got != want {
		t.Errorf("useColor(pty) = %v, want %v", got, want)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	f, err := os.Create(t.TempDir() + "/out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, x := range map[string]io.Writer{"pipe": w, "file": f, "buffer": &bytes.Buffer{}} {
		if a.isTerminal(x) || a.useColor(x) {
			t.Errorf("a %s counts as a terminal", name)
		}
	}
}

func TestStatusColor(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]string{
		"Running": ansiGreen, "Completed": ansiGreen, "Ready": ansiGreen, "Active": ansiGreen, "Bound": ansiGreen,
		"Pending": ansiYellow, "ContainerCreating": ansiYellow, "Terminating": ansiYellow, "Init:0/1": ansiYellow,
		"Ready,SchedulingDisabled": ansiYellow,
		"CrashLoopBackOff":         ansiRed, "Error": ansiRed, "ErrImagePull": ansiRed, "Failed": ansiRed,
		"NotReady": ansiRed, "Unknown": ansiRed, "OOMKilled": ansiRed,
		"": ansiDefault, "Whatever": ansiDefault,
	} {
		if got := statusColor(s); got != want {
			t.Errorf("statusColor(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestPrintTableColor checks that colour changes nothing but the STATUS
// cells: without the escapes the table is the plain one, aligned alike.
func TestPrintTableColor(t *testing.T) {
	t.Parallel()
	table := &kr8s.Table{
		Columns: []kr8s.TableColumn{{Name: "Name"}, {Name: "Ready"}, {Name: "Status"}, {Name: "Restarts"}},
		Rows: []kr8s.TableRow{
			{Cells: []any{"web-1", "1/1", "Running", 0.0}},
			{Cells: []any{"a-much-longer-name", "0/1", "CrashLoopBackOff", 12.0}},
			{Cells: []any{"db", "0/1", "Pending", 0.0}},
		},
	}
	kind := &kr8s.Kind{Kind: "Pod", Namespaced: true}
	var plain, colored bytes.Buffer
	if err := printTable(&plain, table, kind, tableOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := printTable(&colored, table, kind, tableOptions{color: true}); err != nil {
		t.Fatal(err)
	}
	if ansi.MatchString(plain.String()) {
		t.Errorf("the plain table has escapes: %q", plain.String())
	}
	if got := ansi.ReplaceAllString(colored.String(), ""); got != plain.String() {
		t.Errorf("the coloured table without its escapes differs from the plain one\n got: %q\nwant: %q", got, plain.String())
	}
	for _, want := range []string{ansiGreen + "Running" + ansiReset, ansiRed + "CrashLoopBackOff" + ansiReset, ansiYellow + "Pending" + ansiReset} {
		if !strings.Contains(colored.String(), want) {
			t.Errorf("the coloured table lacks %q:\n%s", want, colored.String())
		}
	}
	if strings.Contains(colored.String(), ansiGreen+"web-1") || strings.Contains(colored.String(), "\x1b[32m1/1") {
		t.Errorf("a cell outside STATUS is coloured: %q", colored.String())
	}
}

func TestPaintErrorPrefix(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"error: boom":                          ansiRed + "error:" + ansiReset + " boom",
		"Error from server (NotFound): x y: z": ansiRed + "Error from server (NotFound):" + ansiReset + " x y: z",
		"command terminated with exit code 3":  "command terminated with exit code 3",
	} {
		if got := paintErrorPrefix(in); got != want {
			t.Errorf("paintErrorPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestGetColorOnlyOnTTY: get writes no escapes to a pipe or buffer, and
// colours the STATUS column when stdout is a terminal, with the same text
// underneath.
func TestGetColorOnlyOnTTY(t *testing.T) {
	t.Parallel()
	ns := testcluster.Namespace(t)
	mustNG(t, ns, "apiVersion: v1\nkind: Pod\nmetadata: {name: hue}\nspec: {containers: [{name: main, image: busybox, command: [sleep, '3600']}]}\n", "apply", "-f", "-")
	mustNG(t, ns, "", "wait", "pod/hue", "--for=condition=Ready", "--timeout=60s")
	plain := ng(t, ns, "", "get", "pods")
	if plain.code != 0 || ansi.MatchString(plain.stdout+plain.stderr) || !strings.Contains(plain.stdout, "Running") {
		t.Fatalf("get pods to a buffer: %+v", plain)
	}
	colored := ngWith(t, testcluster.Kubeconfig(t), "stdout", ns, "", "get", "pods")
	if !wantColor(true, os.Getenv) {
		t.Skip("NO_COLOR or TERM=dumb is set: no colour expected")
	}
	if !strings.Contains(colored.stdout, ansiGreen+"Running"+ansiReset) {
		t.Errorf("get pods on a terminal: Running is not green: %q", colored.stdout)
	}
	// The pod's AGE may have grown between the two: realign hides it.
	if got := realign(ansi.ReplaceAllString(colored.stdout, "")); got != realign(plain.stdout) {
		t.Errorf("without escapes the terminal output differs\n got: %q\nwant: %q", got, plain.stdout)
	}
	r := ngWith(t, testcluster.Kubeconfig(t), "stdout,stderr", ns, "", "get", "pods", "nope")
	if want := ansiRed + "Error from server (NotFound):" + ansiReset + " pods \"nope\" not found\n"; r.stderr != want {
		t.Errorf("an error on a terminal: %q, want %q", r.stderr, want)
	}
}
