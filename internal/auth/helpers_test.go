package auth

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/internal/testcluster"
)

var (
	pluginDir  string // made by TestMain, removed after the tests
	pluginOnce sync.Once
	pluginBin  string
	pluginErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kr8s-auth-plugin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pluginDir = dir
	code := testcluster.Main(m) // and no goroutine left behind
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// plugin builds testdata/plugin once per test binary and returns its path.
func plugin(t *testing.T) string {
	t.Helper()
	pluginOnce.Do(func() {
		src, err := os.ReadFile(filepath.Join("testdata", "plugin", "main.go"))
		if err != nil {
			pluginErr = err
			return
		}
		if err := os.WriteFile(filepath.Join(pluginDir, "main.go"), src, 0o600); err != nil {
			pluginErr = err
			return
		}
		if err := os.WriteFile(filepath.Join(pluginDir, "go.mod"), []byte("module example.com/kr8stestplugin\n\ngo 1.26\n"), 0o600); err != nil {
			pluginErr = err
			return
		}
		goBin, err := exec.LookPath("go")
		if err != nil {
			pluginErr = err
			return
		}
		bin := filepath.Join(pluginDir, "plugin")
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		cmd := exec.Command(goBin, "build", "-o", bin, ".")
		cmd.Dir = pluginDir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			pluginErr = fmt.Errorf("building test plugin: %v\n%s", err, out)
			return
		}
		pluginBin = bin
	})
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	return pluginBin
}

// fakeClock is a settable clock. When file is set, every change is written
// there for the test plugin to read.
type fakeClock struct {
	mu   sync.Mutex
	t    time.Time
	file string
}

func newClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.save()
}

func (c *fakeClock) save() {
	if c.file == "" {
		return
	}
	if err := os.WriteFile(c.file, []byte(c.t.Format(time.RFC3339Nano)), 0o600); err != nil {
		panic(err)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// testPlugin is one configured use of the test plugin.
type testPlugin struct {
	dir       string
	countFile string
	stderr    *syncBuffer
	clock     *fakeClock
}

// newTestPlugin returns a plugin set-up with its own run counter.
func newTestPlugin(t *testing.T) *testPlugin {
	t.Helper()
	dir := t.TempDir()
	clock := newClock()
	clock.file = filepath.Join(dir, "clock")
	clock.save()
	return &testPlugin{
		dir:       dir,
		countFile: filepath.Join(dir, "count"),
		stderr:    &syncBuffer{},
		clock:     clock,
	}
}

// runs reports how many times the plugin ran.
func (tp *testPlugin) runs(t *testing.T) int {
	t.Helper()
	fi, err := os.Stat(tp.countFile)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return int(fi.Size())
}

// config returns a Config running the plugin with env (NAME=value pairs).
func (tp *testPlugin) config(t *testing.T, env ...string) Config {
	t.Helper()
	ec := &ExecConfig{
		Command:         plugin(t),
		APIVersion:      ExecAPIVersionV1,
		InteractiveMode: InteractiveNever,
		Env: []EnvVar{
			{Name: "PLUGIN_COUNT_FILE", Value: tp.countFile},
			{Name: "PLUGIN_CLOCK_FILE", Value: tp.clock.file},
		},
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		ec.Env = append(ec.Env, EnvVar{Name: k, Value: v})
	}
	return Config{
		Exec:       ec,
		Stdin:      strings.NewReader(""),
		Stderr:     tp.stderr,
		IsTerminal: func() bool { return false },
		Now:        tp.clock.Now,
	}
}

func (tp *testPlugin) provider(t *testing.T, env ...string) *Provider {
	t.Helper()
	p, err := New(tp.config(t, env...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
