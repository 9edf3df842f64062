package kubeconfig

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Files is a list of kubeconfig files used together, as $KUBECONFIG lists
// them: Files(DefaultPaths()) is what kubectl reads. It is the Go form of
// kr8s's KubeConfigSet. Its methods read the files afresh on every call,
// so a Files value holds no state and never goes stale; files that do not
// exist are skipped, as in $KUBECONFIG, and a path given twice counts once.
//
// Reading ([Files.Load], [Files.Get]) merges the files with the rules of
// [Load]. Writing edits files in place like [SetCurrentContext]: comments
// and layout are kept, each file is replaced atomically and keeps its mode.
// An edit that spans files changes them one at a time; when one fails, the
// files changed before it keep their change. Files does not lock the files
// against other writers.
//
// Where a change has no file of its own (a new value, the current
// context), it goes to the default file: the first file that exists, else
// the last one listed, which is created. kubectl picks the same file.
//
// How it differs from kr8s's KubeConfigSet:
//   - merging follows kubectl: current-context comes from the first file
//     that sets it (kr8s reads only the first file's), and preferences
//     likewise;
//   - Get's merged document keeps the top-level fields kr8s does not know
//     (from the first file that has each); kr8s's get(path=...) JSONPath
//     queries are left to the caller (package jsonpath can run them on
//     Get("")'s result);
//   - Set replaces a list item rather than inserting before it, and creates
//     missing containers on the way (kr8s applies a JSON Patch "add",
//     which does neither); with no file it creates the last one listed
//     (kr8s fails);
//   - Unset reports [ErrNotFound] when no file has the value (kr8s ignores
//     every failure);
//   - RenameContext refuses a new name that any file already uses, as
//     kubectl does, and moves every file's current-context that named the
//     context (kr8s sets the first file's);
//   - Locate reports [ErrNotFound] for a context no file defines (kr8s's
//     get_path falls back to the first file).
type Files []string

// Load reads the files that exist and merges them with the rules of
// [Load]. With none, it returns an empty Config.
func (f Files) Load() (*Config, error) {
	return load(f, true)
}

// Get returns the value at an RFC 6901 JSON pointer, such as
// "/clusters/0/cluster/server" or "/current-context", in the merged
// document: the first file's top-level fields, with the clusters, users,
// contexts and extensions of all the files merged by name (the first file
// to define a name wins, and its entries come first), and current-context
// and preferences from the first file that sets them. For one file's
// content use Files{path}.Get.
//
// The value is a fresh copy in JSON-compatible types: map[string]any,
// []any, string, float64, int64, uint64, bool or nil; base64 fields
// (certificate-authority-data...) are strings, as written. A pointer that
// selects nothing is an error matching [ErrNotFound]; errors never contain
// values from the files, so a token read through Get cannot leak into one.
func (f Files) Get(pointer string) (any, error) {
	toks, err := parsePointer(pointer)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	files, err := loadAll(f, true)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("kubeconfig: none of these files exists: %s: %w", strings.Join(f, ", "), os.ErrNotExist)
	}
	docs := make([]map[string]any, len(files))
	for i, l := range files {
		if docs[i], err = rawDocument(l.doc, l.path); err != nil {
			return nil, err
		}
	}
	v, err := lookup(mergeDocuments(docs), toks)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	return v, nil
}

// Set sets the value at a JSON pointer in the default file (see [Files]),
// creating that file if none exists. value is JSON-compatible: strings,
// numbers, booleans, nil, and maps and slices of them. An existing key or
// list item is replaced in place, a scalar keeping its line comment; a
// missing key is added; "-" as the last token appends to a list; and
// missing or null containers on the way are created, as a list where the
// next token is "-", else as a mapping. The file is written only if it
// still parses as a kubeconfig and reads value back at pointer.
//
// To change an entry where it is defined, Set it in that file:
//
//	path, ptr, err := files.Locate("clusters", "prod")
//	err = kubeconfig.Files{path}.Set(ptr+"/cluster/server", "https://new:6443")
func (f Files) Set(pointer string, value any) error {
	toks, err := parsePointer(pointer)
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	path, err := f.defaultFile()
	if err != nil {
		return err
	}
	return editFile(path, func(e *editor) error { return inFile(path, e.setPointer(toks, value)) })
}

// Unset removes the key or list item at a JSON pointer from every file
// that has it (an index counts in each file's own list). It is an error
// matching [ErrNotFound] if no file has it.
func (f Files) Unset(pointer string) error {
	toks, err := parsePointer(pointer)
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	if len(toks) == 0 {
		return errors.New("kubeconfig: cannot unset the whole document: the pointer must name a value inside it")
	}
	files, err := loadAll(f, true)
	if err != nil {
		return err
	}
	removed := false
	for _, l := range files {
		err := editFile(l.path, func(e *editor) error { return inFile(l.path, e.unsetPointer(toks)) })
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		removed = true
	}
	if !removed {
		return notFoundf("kubeconfig: nothing at %s in %s", pointer, strings.Join(f, ", "))
	}
	return nil
}

// UseContext makes the context named name current, by setting
// current-context in the default file (see [Files]). The context must be
// defined in one of the files.
func (f Files) UseContext(name string) error {
	cfg, err := f.Load()
	if err != nil {
		return err
	}
	if cfg.Context(name) == nil {
		return notFoundf("no context exists with the name: %q", name)
	}
	path, err := f.defaultFile()
	if err != nil {
		return err
	}
	return SetCurrentContext(path, name)
}

// UseNamespace sets the namespace of the current context in every file
// that defines that context (the first definition is the one in use). It
// is an error matching [ErrNoContext] if no current-context is set, and
// one matching [ErrNotFound] if no file defines it.
func (f Files) UseNamespace(namespace string) error {
	files, cfg, err := f.loadMerged()
	if err != nil {
		return err
	}
	name := cfg.CurrentContext
	if name == "" {
		return fmt.Errorf("kubeconfig: cannot set the namespace: %w", ErrNoContext)
	}
	found := false
	for _, l := range files {
		if l.cfg.Context(name) == nil {
			continue
		}
		found = true
		if err := SetContextNamespace(l.path, name, namespace); err != nil {
			return err
		}
	}
	if !found {
		return notFoundf("no context exists with the name: %q", name)
	}
	return nil
}

// RenameContext renames the context from to to in the file whose
// definition is in use, and sets current-context to to in every file where
// it named from. It is an error if no file defines from (matching
// [ErrNotFound]) or if any file already defines to.
func (f Files) RenameContext(from, to string) error {
	if to == "" {
		return errors.New("the new context name must not be empty")
	}
	files, cfg, err := f.loadMerged()
	if err != nil {
		return err
	}
	nc := cfg.Context(from)
	if nc == nil {
		return notFoundf("cannot rename the context %q, it's not in %s", from, strings.Join(cfg.Sources, ":"))
	}
	for _, l := range files {
		if l.cfg.Context(to) != nil {
			return fmt.Errorf("cannot rename the context %q, the context %q already exists", from, to)
		}
	}
	if err := RenameContext(nc.Source, from, to); err != nil {
		return err
	}
	for _, l := range files {
		if l.path != nc.Source && l.cfg.CurrentContext == from {
			if err := SetCurrentContext(l.path, to); err != nil {
				return err
			}
		}
	}
	return nil
}

// Locate finds the entry named name in list, one of "clusters", "users"
// and "contexts": the file whose definition is in use (the first to define
// the name), as an absolute path, and the entry's JSON pointer in that
// file, such as "/contexts/2". Locate("contexts", name) is kr8s's
// get_path(context=name). A name that no file defines is an error
// matching [ErrNotFound].
func (f Files) Locate(list, name string) (path, pointer string, err error) {
	var index func(*Config) int
	switch list {
	case "clusters":
		index = func(c *Config) int {
			return slices.IndexFunc(c.Clusters, func(e NamedCluster) bool { return e.Name == name })
		}
	case "users":
		index = func(c *Config) int {
			return slices.IndexFunc(c.Users, func(e NamedAuthInfo) bool { return e.Name == name })
		}
	case "contexts":
		index = func(c *Config) int {
			return slices.IndexFunc(c.Contexts, func(e NamedContext) bool { return e.Name == name })
		}
	default:
		return "", "", fmt.Errorf("kubeconfig: cannot locate an entry of %q: the lists are clusters, users and contexts", list)
	}
	files, err := loadAll(f, true)
	if err != nil {
		return "", "", err
	}
	for _, l := range files {
		if i := index(l.cfg); i >= 0 {
			return l.path, "/" + list + "/" + strconv.Itoa(i), nil
		}
	}
	return "", "", notFoundf("kubeconfig: no %s named %q", strings.TrimSuffix(list, "s"), name)
}

// loadMerged reads the files and merges them.
func (f Files) loadMerged() ([]loaded, *Config, error) {
	files, err := loadAll(f, true)
	if err != nil {
		return nil, nil, err
	}
	configs := make([]*Config, len(files))
	for i, l := range files {
		configs[i] = l.cfg
	}
	return files, Merge(configs...), nil
}

// defaultFile is the file that changes without a file of their own go to:
// the first that exists, else the last listed (kubectl's choice).
func (f Files) defaultFile() (string, error) {
	last := ""
	for _, p := range f {
		if p == "" {
			continue
		}
		last = p
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if last == "" {
		return "", errors.New("kubeconfig: no kubeconfig file given")
	}
	return last, nil
}

// inFile names the file in an error from a pointer edit.
func inFile(path string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", errPrefix(path), err)
}

// mergeDocuments merges decoded documents as [Merge] merges configs: the
// first to define a name in a named list wins, current-context and
// preferences come from the first that sets them, and any other top-level
// field from the first that has it.
func mergeDocuments(docs []map[string]any) map[string]any {
	out := map[string]any{}
	seen := map[string]map[string]bool{}
	for _, doc := range docs {
		for _, k := range slices.Sorted(maps.Keys(doc)) {
			v := doc[k]
			switch k {
			case "clusters", "users", "contexts", "extensions":
				if seen[k] == nil {
					seen[k] = map[string]bool{}
				}
				items, _ := v.([]any)
				merged, _ := out[k].([]any)
				for _, it := range items {
					m, _ := it.(map[string]any)
					name, _ := m["name"].(string)
					if !seen[k][name] {
						seen[k][name] = true
						merged = append(merged, it)
					}
				}
				if merged != nil {
					out[k] = merged
				} else if _, ok := out[k]; !ok {
					out[k] = v // as the file has it: null or []
				}
			case "current-context", "preferences":
				if isEmptyValue(out[k]) {
					out[k] = v
				}
			default:
				if _, ok := out[k]; !ok {
					out[k] = v
				}
			}
		}
	}
	for k, v := range map[string]string{"apiVersion": "v1", "kind": "Config"} {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	return out
}

// isEmptyValue reports whether v is nil, "" or an empty mapping.
func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case map[string]any:
		return len(x) == 0
	}
	return false
}
