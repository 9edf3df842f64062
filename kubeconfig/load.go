package kubeconfig

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// EnvVar is the environment variable that lists kubeconfig files, separated
// by the OS list separator (':' on Unix).
const EnvVar = "KUBECONFIG"

// LoadFile reads and parses one kubeconfig file. A missing file is an error
// that matches errors.Is(err, fs.ErrNotExist). Entries record the file's
// absolute path as their Source.
func LoadFile(path string) (*Config, error) {
	cfg, _, err := loadFile(path)
	return cfg, err
}

// loadFile is LoadFile that also returns the decoded document.
func loadFile(path string) (*Config, any, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, fmt.Errorf("kubeconfig %s: %w", path, err)
	}
	data, err := readLimited(abs)
	if err != nil {
		// The *PathError already names the file.
		return nil, nil, fmt.Errorf("kubeconfig: %w", err)
	}
	return parse(data, abs)
}

// Load reads the given kubeconfig files and merges them with kubectl's rules
// (client-go's clientcmd):
//
//   - the first file to define a cluster, user or context name wins, as a
//     whole entry: entries are never merged field by field;
//   - current-context comes from the first file that sets it, even if that
//     context is defined in another file;
//   - the first file's preferences win, and the first extension of each name;
//   - a path given twice is read once; empty paths are skipped.
//
// Every path must exist: use [LoadDefault] for $KUBECONFIG, whose missing
// entries are skipped. Load with no paths returns an empty Config. Errors of
// all broken files are joined.
func Load(paths ...string) (*Config, error) {
	return load(paths, false)
}

// LoadDefault loads the files listed in $KUBECONFIG, skipping entries that do
// not exist as kubectl does, or else ~/.kube/config if it exists. With no
// file to read it returns an empty Config, whose Resolve reports that no
// context is set (errors.Is(err, ErrNoContext)); a client may then try
// [InCluster].
func LoadDefault() (*Config, error) {
	return Files(DefaultPaths()).Load()
}

// DefaultPaths returns the kubeconfig files kubectl would read: the entries
// of $KUBECONFIG when it is set and not empty, else ~/.kube/config. The
// files may not exist. If the home directory is unknown and $KUBECONFIG is
// empty, it returns nil.
func DefaultPaths() []string {
	if env := os.Getenv(EnvVar); env != "" {
		return filepath.SplitList(env)
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return nil
	}
	return []string{filepath.Join(home, ".kube", "config")}
}

func load(paths []string, skipMissing bool) (*Config, error) {
	files, err := loadAll(paths, skipMissing)
	if err != nil {
		return nil, err
	}
	configs := make([]*Config, len(files))
	for i, f := range files {
		configs[i] = f.cfg
	}
	return Merge(configs...), nil
}

// loaded is one file read by loadAll.
type loaded struct {
	path string // absolute
	cfg  *Config
	doc  any // as decoded by parse, for rawDocument
}

// loadAll reads and parses the files of paths, in order, each once (by
// absolute path), skipping empty paths and, with skipMissing, files that do
// not exist. Errors of all broken files are joined.
func loadAll(paths []string, skipMissing bool) ([]loaded, error) {
	var (
		out  []loaded
		errs []error
		seen = map[string]bool{}
	)
	for _, p := range paths {
		if p == "" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("kubeconfig %s: %w", p, err))
			continue
		}
		if seen[abs] {
			continue
		}
		seen[abs] = true
		cfg, doc, err := loadFile(abs)
		if err != nil {
			if skipMissing && errors.Is(err, fs.ErrNotExist) {
				continue
			}
			errs = append(errs, err)
			continue
		}
		out = append(out, loaded{path: abs, cfg: cfg, doc: doc})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// Merge combines configs with the rules of [Load]: for each name, the first
// config that defines it wins. The result shares no slices with the inputs'
// top level, but entries are shallow copies.
func Merge(configs ...*Config) *Config {
	out := &Config{}
	clusters, users, contexts, exts := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range configs {
		if c == nil {
			continue
		}
		out.Sources = append(out.Sources, c.Sources...)
		if out.CurrentContext == "" {
			out.CurrentContext = c.CurrentContext
		}
		if out.Preferences == nil {
			out.Preferences = c.Preferences
		}
		for _, e := range c.Clusters {
			if !clusters[e.Name] {
				clusters[e.Name] = true
				out.Clusters = append(out.Clusters, e)
			}
		}
		for _, e := range c.Users {
			if !users[e.Name] {
				users[e.Name] = true
				out.Users = append(out.Users, e)
			}
		}
		for _, e := range c.Contexts {
			if !contexts[e.Name] {
				contexts[e.Name] = true
				out.Contexts = append(out.Contexts, e)
			}
		}
		for _, e := range c.Extensions {
			if !exts[e.Name] {
				exts[e.Name] = true
				out.Extensions = append(out.Extensions, e)
			}
		}
	}
	return out
}

// maxFileSize bounds the files we read (kubeconfigs, certificates, tokens),
// so that a path such as /dev/zero fails instead of exhausting memory.
const maxFileSize = 16 << 20

// readLimited is os.ReadFile with a size limit.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	if len(data) > maxFileSize {
		return nil, &os.PathError{Op: "read", Path: path, Err: errors.New("file too large")}
	}
	return data, nil
}
