package devcluster

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
)

// binaries are the two programs a cluster runs: the multi-call binary
// (supervisor, API server, controller manager, scheduler, node agent) and
// kwok.
type binaries struct{ kcp, kwok string }

// ensureBinaries returns the cluster's binaries, building them on first use
// into the user's cache directory. The cache key covers go.mod, go.sum and
// every non-test Go file of this module, so any change rebuilds. A file
// lock makes concurrent test processes share one build.
func ensureBinaries(ctx context.Context) (binaries, error) {
	if dir := os.Getenv("KR8S_DEVCLUSTER_BIN_DIR"); dir != "" {
		b := binaries{kcp: filepath.Join(dir, "kcp"), kwok: filepath.Join(dir, "kwok")}
		return b, checkExecutable(b)
	}
	src, err := moduleDir(ctx)
	if err != nil {
		return binaries{}, err
	}
	key, err := sourceKey(src)
	if err != nil {
		return binaries{}, err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "kr8s-devcluster", key)
	b := binaries{kcp: filepath.Join(dir, "kcp"), kwok: filepath.Join(dir, "kwok")}
	if checkExecutable(b) == nil {
		return b, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return binaries{}, err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return binaries{}, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return binaries{}, err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if checkExecutable(b) == nil { // another process built them meanwhile
		return b, nil
	}
	version, err := kubernetesVersion(src)
	if err != nil {
		return binaries{}, err
	}
	ldflags := versionLDFlags(version)
	if err := goBuild(ctx, src, b.kcp, ldflags, "./internal/kcp"); err != nil {
		return binaries{}, err
	}
	if err := goBuild(ctx, src, b.kwok, "", "sigs.k8s.io/kwok/cmd/kwok"); err != nil {
		return binaries{}, err
	}
	return b, nil
}

func checkExecutable(b binaries) error {
	for _, p := range []string{b.kcp, b.kwok} {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if st.Mode()&0o111 == 0 {
			return fmt.Errorf("%s is not executable", p)
		}
	}
	return nil
}

// goBuild builds pkg to out atomically: a half-written binary never has
// the final name.
func goBuild(ctx context.Context, dir, out, ldflags, pkg string) error {
	tmp := out + ".tmp"
	args := []string{"build", "-o", tmp}
	if ldflags != "" {
		args = append(args, "-ldflags", ldflags)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, pkg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("devcluster: go build %s: %w\n%s", pkg, err, stderr.String())
	}
	return os.Rename(tmp, out)
}

// moduleDir finds this module's source: beside this file when built from
// a checkout or the module cache, else via the go command.
func moduleDir(ctx context.Context) (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if ok && filepath.IsAbs(file) {
		dir := filepath.Dir(file)
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
	}
	out, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", "github.com/kr8s-go/kr8s/devcluster").Output()
	if err != nil {
		return "", fmt.Errorf("devcluster: cannot find the module's source to build the control plane: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func sourceKey(dir string) (string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && p != dir && (strings.HasPrefix(name, ".") || name == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (name == "go.mod" || name == "go.sum" ||
			(strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go"))) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	slices.Sort(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(dir, f)
		fmt.Fprintf(h, "%s %d\n", rel, len(b))
		h.Write(b)
	}
	fmt.Fprintf(h, "%s/%s\n", runtime.GOOS, runtime.GOARCH)
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

var kubernetesRequire = regexp.MustCompile(`(?m)^\s*k8s\.io/kubernetes\s+v(\d+)\.(\d+)\.(\d+)`)

// kubernetesVersion reads the k8s.io/kubernetes version from go.mod.
func kubernetesVersion(dir string) ([3]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return [3]string{}, err
	}
	m := kubernetesRequire.FindSubmatch(b)
	if m == nil {
		return [3]string{}, fmt.Errorf("devcluster: no k8s.io/kubernetes requirement in %s/go.mod", dir)
	}
	return [3]string{string(m[1]), string(m[2]), string(m[3])}, nil
}

// versionLDFlags stamps the version the components report, as Kubernetes'
// own release build does; without it they report v0.0.0.
func versionLDFlags(v [3]string) string {
	const pkg = "k8s.io/component-base/version"
	full := "v" + strings.Join(v[:], ".")
	return strings.Join([]string{
		"-X " + pkg + ".gitVersion=" + full,
		"-X " + pkg + ".gitMajor=" + v[0],
		"-X " + pkg + ".gitMinor=" + v[1],
		"-X " + pkg + ".gitTreeState=clean",
		"-X " + pkg + ".buildDate=1970-01-01T00:00:00Z",
	}, " ")
}
