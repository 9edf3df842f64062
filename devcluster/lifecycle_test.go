package devcluster_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kr8s-go/kr8s/devcluster"
)

// helperMain runs in a child test process: it starts a cluster, prints
// its directory and supervisor pid, and waits to be killed.
func helperMain() int {
	c, err := devcluster.Start(context.Background())
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("ready", c.Dir(), c.Pid())
	select {}
}

// leftovers lists processes whose command line mentions dir.
func leftovers(dir string) []string {
	var out []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), dir) {
			out = append(out, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return out
}

func waitGone(t *testing.T, dir string, supervisor int) {
	t.Helper()
	eventually(t, 90*time.Second, "cluster processes and directory gone", func() error {
		if syscall.Kill(supervisor, 0) == nil {
			return fmt.Errorf("supervisor %d still running", supervisor)
		}
		if l := leftovers(dir); len(l) > 0 {
			return fmt.Errorf("processes left: %v", l)
		}
		if _, err := os.Stat(dir); err == nil {
			return fmt.Errorf("directory %s still exists", dir)
		}
		return nil
	})
}

func TestStopLeavesNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := devcluster.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir, pid := c.Dir(), c.Pid()
	if len(leftovers(dir)) < 4 {
		t.Fatalf("expected the components' processes, found %v", leftovers(dir))
	}
	start := time.Now()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	t.Logf("stopped in %s", time.Since(start))
	waitGone(t, dir, pid)
}

func TestKilledStarterLeavesNothing(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DEVCLUSTER_HELPER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("helper: %v", err)
	}
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "ready" {
		t.Fatalf("helper said %q", line)
	}
	dir := f[1]
	pid, _ := strconv.Atoi(f[2])
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup code runs
		t.Fatal(err)
	}
	_ = cmd.Wait()
	waitGone(t, dir, pid)
}
