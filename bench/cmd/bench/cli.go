package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Scenario 5: `kubectl-ng get pods` against `kubectl get pods`.

// cacheWarmUpNamespace holds no pods: `get pods` in it fills the
// discovery cache at little cost.
const cacheWarmUpNamespace = "kr8s-bench-no-pods"

// cliCommand is `bin get pods -n namespace` on the bench's kubeconfig,
// with its discovery cache in cacheDir.
func cliCommand(ctx context.Context, name, bin, kubeconfig, namespace, cacheDir string) *exec.Cmd {
	args := []string{"get", "pods", "-n", namespace, "--kubeconfig", kubeconfig}
	if name == "kubectl" {
		args = append(args, "--cache-dir", cacheDir)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "KR8S_CACHE_DIR="+cacheDir)
	return cmd
}

// runCLI runs cmd with its output going to stdout and returns its wall
// time.
func runCLI(cmd *exec.Cmd, stdout *os.File) (time.Duration, error) {
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("%s: %w: %s", strings.Join(cmd.Args, " "), err, stderr.Bytes())
	}
	return d, nil
}

// cliChild times one run of the command x.bin (contender name "kubectl"
// or "kubectl-ng") with its output to /dev/null, with a new, empty cache
// directory, which for x.cache "warm" an untimed `get pods` in a
// namespace without pods fills first. The peak RSS is the command's.
func cliChild(ctx context.Context, a childArgs, x modeArgs, name string) (result, error) {
	dir, err := os.MkdirTemp("", "kr8s-bench-cache-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return result{}, err
	}
	defer devNull.Close()
	switch x.cache {
	case "warm":
		if _, err := runCLI(cliCommand(ctx, name, x.bin, a.kubeconfig, cacheWarmUpNamespace, dir), devNull); err != nil {
			return result{}, err
		}
	case "cold":
	default:
		return result{}, fmt.Errorf("-cache %q: want cold or warm", x.cache)
	}
	cmd := cliCommand(ctx, name, x.bin, a.kubeconfig, a.namespace, dir)
	d, err := runCLI(cmd, devNull)
	if err != nil {
		return result{}, err
	}
	res := result{WallNS: d.Nanoseconds()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.HWM = ru.Maxrss * 1024
	}
	return res, nil
}

// cliScenario builds kubectl-ng, checks that both commands print every
// pod, and times them with an empty and with a warm discovery cache.
func (r *report) cliScenario(ctx context.Context) error {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		r.cliSkipped = "kubectl is not on the PATH"
		log.Printf("cli: skipped: %s", r.cliSkipped)
		return nil
	}
	if out, err := exec.CommandContext(ctx, kubectl, "version", "--client").Output(); err == nil {
		r.kubectlVersion, _, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
	}
	dir, err := os.MkdirTemp("", "kr8s-bench-cli-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ng := filepath.Join(dir, "kubectl-ng")
	build := exec.CommandContext(ctx, "go", "build", "-o", ng, "./cmd/kubectl-ng")
	build.Dir = ".." // the kr8s module
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build kubectl-ng: %w: %s", err, out)
	}
	bins := map[string]string{"kubectl-ng": ng, "kubectl": kubectl}
	for name, bin := range bins {
		out, err := os.CreateTemp(dir, name+"-out-")
		if err != nil {
			return err
		}
		_, err = runCLI(cliCommand(ctx, name, bin, r.cfg.kubeconfig, r.cfg.namespace, filepath.Join(dir, name+"-cache")), out)
		out.Close()
		if err != nil {
			return err
		}
		text, err := os.ReadFile(out.Name())
		if err != nil {
			return err
		}
		if lines := bytes.Count(text, []byte("\n")); lines != r.cfg.pods+1 {
			return fmt.Errorf("%s get pods printed %d lines, want %d pods and a header", name, lines, r.cfg.pods)
		}
	}
	cold := newTable("Empty discovery cache", -1, "kubectl-ng", "kubectl")
	cold.args = []string{"-cache", "cold"}
	warm := newTable("Warm discovery cache", -1, "kubectl-ng", "kubectl")
	warm.args = []string{"-cache", "warm"}
	for _, t := range []*table{cold, warm} {
		for _, s := range t.rows {
			s.args = []string{"-bin", bins[s.name]}
		}
	}
	r.cli = []*table{cold, warm}
	return r.runTables(ctx, "cli", r.cli, func(*series, result) error { return nil })
}
