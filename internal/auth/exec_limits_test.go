//go:build unix

package auth

import (
	"context"
	"crypto/tls"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

// scriptPlugin writes a shell-script exec plugin into a temp dir and
// returns a Config that runs it, non-interactively, with a secret in its
// arguments and environment that no error may show.
func scriptPlugin(t *testing.T, body string) (Config, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "my-plugin")
	if err := os.WriteFile(path, []byte("#!/bin/sh\ncd "+dir+"\n"+body), 0o700); err != nil {
		t.Fatal(err)
	}
	return Config{
		Exec: &ExecConfig{
			Command:         path,
			Args:            []string{"--password=SECRET-ARG"},
			Env:             []EnvVar{{Name: "PLUGIN_SECRET", Value: "SECRET-ENV"}},
			APIVersion:      ExecAPIVersionV1,
			InteractiveMode: InteractiveNever,
		},
		Stderr:     &syncBuffer{},
		IsTerminal: func() bool { return false },
	}, dir
}

// hangScript records the shell's pid and a child's pid in the file "pids",
// then waits for the child, which sleeps for a long time.
const hangScript = `echo $$ > pids.tmp
sleep 1000 &
echo $! >> pids.tmp
mv pids.tmp pids
wait
`

// readPids waits for the file "pids" in dir and returns the pids in it.
func readPids(t *testing.T, dir string) []int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(filepath.Join(dir, "pids"))
		if err == nil {
			var pids []int
			for _, f := range strings.Fields(string(b)) {
				pid, err := strconv.Atoi(f)
				if err != nil {
					t.Fatalf("pids file %q: %v", b, err)
				}
				pids = append(pids, pid)
			}
			if len(pids) == 2 {
				return pids
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the plugin did not write its pids")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// alive reports whether pid is a live process. A zombie (exited, not yet
// reaped by its parent, such as an orphan waiting for init) is not alive.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	if runtime.GOOS == "linux" {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return false
		}
		// pid (comm) state ...; comm may hold spaces, so look after ')'.
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i >= 0 && strings.HasPrefix(s[i+1:], " Z") {
			return false
		}
	}
	return true
}

// waitGone fails the test unless every pid has ended within 5s.
func waitGone(t *testing.T, pids []int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var left []int
		for _, pid := range pids {
			if alive(pid) {
				left = append(left, pid)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, pid := range left {
				_ = syscall.Kill(pid, syscall.SIGKILL) // do not leave it behind
			}
			t.Fatalf("plugin processes %v still run 5s after the plugin should have been killed", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// assertNoSecretInError fails if err shows the plugin's arguments or
// environment.
func assertNoSecretInError(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{"SECRET-ARG", "SECRET-ENV"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q shows the plugin's %s", err, s)
		}
	}
}

func TestExecDeadlineKillsPluginAndChildren(t *testing.T) {
	cfg, dir := scriptPlugin(t, hangScript)
	cfg.Exec.Timeout = 500 * time.Millisecond
	p := newProvider(t, cfg)

	// A caller without a deadline of its own must not wait forever.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	_, err := p.current(ctx)
	took := time.Since(start)
	pids := readPids(t, dir)
	if err == nil || ctx.Err() != nil {
		waitGone(t, pids)
		t.Fatalf("error %v after %v, want the plugin killed after 500ms", err, took)
	}
	want := `auth: exec plugin "` + cfg.Exec.Command + `": killed after 500ms without an answer`
	if err.Error() != want {
		t.Errorf("error %q,\nwant %q", err, want)
	}
	if !errors.Is(err, ErrCredential) {
		t.Errorf("error %v does not match ErrCredential", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v does not match context.DeadlineExceeded", err)
	}
	assertNoSecretInError(t, err)
	if took > 5*time.Second {
		t.Errorf("the call took %v with a 500ms plugin deadline", took)
	}
	// The shell and its child sleep are both gone: the whole process group
	// was killed.
	waitGone(t, pids)

	// The next call starts a fresh run, which fails the same way.
	if err := os.Remove(filepath.Join(dir, "pids")); err != nil {
		t.Fatal(err)
	}
	_, err = p.current(ctx)
	waitGone(t, readPids(t, dir))
	if err == nil || !strings.Contains(err.Error(), "killed after 500ms") {
		t.Fatalf("second call: error %v, want a fresh run killed after 500ms", err)
	}
}

func TestExecAllCallersGoneKillsPlugin(t *testing.T) {
	// The first run hangs; later runs answer with tok-<run>.
	cfg, dir := scriptPlugin(t, `n=$(cat count 2>/dev/null || echo 0)
n=$((n+1))
echo $n > count
if [ $n -eq 1 ]; then
`+hangScript+`fi
printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"tok-%s"}}' $n
`)
	p := newProvider(t, cfg)
	runs := func() int {
		b, _ := os.ReadFile(filepath.Join(dir, "count"))
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		return n
	}

	ctx1, cancel1 := context.WithCancel(context.Background())
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel1()
	defer cancel2()
	errs := make(chan error, 2)
	for _, ctx := range []context.Context{ctx1, ctx2} {
		go func() {
			_, err := p.current(ctx)
			errs <- err
		}()
	}
	pids := readPids(t, dir)

	// One caller gives up: the other still waits, so the plugin runs on.
	cancel1()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: error %v, want context.Canceled", err)
	}
	time.Sleep(300 * time.Millisecond)
	for _, pid := range pids {
		if !alive(pid) {
			t.Fatalf("plugin process %d was killed while a caller still waited", pid)
		}
	}

	// The last caller gives up: the plugin and its child are killed.
	cancel2()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("second caller: error %v, want context.Canceled", err)
	}
	waitGone(t, pids)

	// The next call runs the plugin again, and gets its answer.
	c, err := p.current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.header != "Bearer tok-2" {
		t.Fatalf("Authorization %q, want Bearer tok-2 from a second run", c.header)
	}
	if got := runs(); got != 2 {
		t.Fatalf("plugin ran %d times, want 2", got)
	}
}

func TestExecEndlessOutputKilled(t *testing.T) {
	// The plugin prints 64 MiB (16 times the cap) and would then record
	// that it got to the end.
	cfg, dir := scriptPlugin(t, `yes kr8s-plugin-output | head -c 67108864
echo > finished
`)
	p := newProvider(t, cfg)

	var err error
	alloc := testcluster.Allocated(func() { _, err = p.current(context.Background()) })
	t.Logf("allocated %d bytes (%.1f MiB) running the plugin", alloc, float64(alloc)/(1<<20))

	want := `auth: exec plugin "` + cfg.Exec.Command + `" printed more than 4 MiB`
	if err == nil || err.Error() != want {
		t.Errorf("error %v,\nwant %q", err, want)
	}
	if err != nil {
		if !errors.Is(err, ErrCredential) {
			t.Errorf("error %v does not match ErrCredential", err)
		}
		assertNoSecretInError(t, err)
		if strings.Contains(err.Error(), "kr8s-plugin-output") {
			t.Errorf("error %q quotes the plugin's output", err)
		}
	}
	if alloc > 32<<20 {
		t.Errorf("running the plugin allocated %.1f MiB, want under 32 MiB", float64(alloc)/(1<<20))
	}
	time.Sleep(200 * time.Millisecond)
	if _, err := os.Stat(filepath.Join(dir, "finished")); err == nil {
		t.Error("the plugin was read to its end instead of being killed")
	}
}

func TestExecOutputAtCapAccepted(t *testing.T) {
	// A credential padded with spaces to exactly 4 MiB is still read.
	cred := `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"big"}}`
	pad := execMaxOutput - len(cred)
	cfg, _ := scriptPlugin(t, `printf '%s' '`+cred+`'
head -c `+strconv.Itoa(pad)+` /dev/zero | tr '\0' ' '
`)
	p := newProvider(t, cfg)
	c, err := p.current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.header != "Bearer big" {
		t.Fatalf("Authorization %q", c.header)
	}
}

func TestExecTimeoutDefaults(t *testing.T) {
	e := &execAuth{}
	if got := e.timeout(false); got != time.Minute {
		t.Errorf("non-interactive deadline %v, want 1m", got)
	}
	if got := e.timeout(true); got != 5*time.Minute {
		t.Errorf("interactive deadline %v, want 5m", got)
	}
	e.cfg.Timeout = 3 * time.Second
	if e.timeout(false) != 3*time.Second || e.timeout(true) != 3*time.Second {
		t.Errorf("ExecConfig.Timeout 3s gives %v and %v", e.timeout(false), e.timeout(true))
	}
}

func TestExecInteractiveDeadline(t *testing.T) {
	// A plugin given the terminal stays in the caller's process group, so
	// only the plugin itself is killed; the child it leaves behind holds
	// its output open, which the run stops waiting for after execWaitDelay.
	cfg, dir := scriptPlugin(t, hangScript)
	cfg.Exec.InteractiveMode = InteractiveAlways
	cfg.IsTerminal = func() bool { return true }
	cfg.Stdin = strings.NewReader("")
	cfg.Exec.Timeout = 300 * time.Millisecond
	p := newProvider(t, cfg)
	start := time.Now()
	_, err := p.current(context.Background())
	took := time.Since(start)
	pids := readPids(t, dir)
	t.Cleanup(func() { _ = syscall.Kill(pids[1], syscall.SIGKILL) })
	if err == nil || !strings.Contains(err.Error(), "killed after 300ms without an answer") || !errors.Is(err, ErrCredential) {
		t.Fatalf("error %v, want the plugin killed after 300ms", err)
	}
	if took > 300*time.Millisecond+execWaitDelay+2*time.Second {
		t.Errorf("the call took %v", took)
	}
	waitGone(t, pids[:1])
}

func TestExecCertificateErrorIsCredential(t *testing.T) {
	cfg, _ := scriptPlugin(t, "exit 3\n")
	p := newProvider(t, cfg)
	_, err := p.GetClientCertificate(&tls.CertificateRequestInfo{})
	if !errors.Is(err, ErrCredential) {
		t.Fatalf("GetClientCertificate error %v does not match ErrCredential", err)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("error %v does not unwrap to *exec.ExitError with code 3", err)
	}
}
