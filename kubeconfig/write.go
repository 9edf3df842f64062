package kubeconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Writing: the functions below, and the methods of Files, change kubeconfig
// files in place. They edit a file's YAML syntax tree at a JSON pointer
// (pointer.go) rather than re-encoding a Config, so comments, key order,
// flow style and fields kr8s does not know survive the edit (a comment on a
// value that is replaced by a mapping or a list, or removed, is lost). Every
// edit is checked before it is written: the result must parse, and read at
// each pointer edited what the edit meant. The file is replaced atomically:
// a reader sees the old file or the new one, never half of either. The file
// keeps its permissions; a new file is made 0600.

// SetCurrentContext sets the current-context of the kubeconfig file at path,
// creating the file if it does not exist. It does not check that the context
// exists.
func SetCurrentContext(path, name string) error {
	return editFile(path, func(e *editor) error {
		return e.setPointer([]string{"current-context"}, name)
	})
}

// RenameContext renames the context from to to in the kubeconfig file at
// path, and follows it with current-context when that named the context. It
// is an error if from does not exist in the file or to already does.
func RenameContext(path, from, to string) error {
	if to == "" {
		return errors.New("the new context name must not be empty")
	}
	return editFile(path, func(e *editor) error {
		i := e.contextIndex(from)
		if i < 0 {
			return notFoundf("cannot rename the context %q, it's not in %s", from, path)
		}
		if e.contextIndex(to) >= 0 {
			return fmt.Errorf("cannot rename the context %q, the context %q already exists in %s", from, to, path)
		}
		if err := e.setPointer([]string{"contexts", strconv.Itoa(i), "name"}, to); err != nil {
			return err
		}
		if e.cfg.CurrentContext == from {
			return e.setPointer([]string{"current-context"}, to)
		}
		return nil
	})
}

// SetContextNamespace sets the namespace of the context named context in the
// kubeconfig file at path. It is an error if the file has no such context.
func SetContextNamespace(path, context, namespace string) error {
	return editFile(path, func(e *editor) error {
		i := e.contextIndex(context)
		if i < 0 {
			return notFoundf("no context exists with the name: %q in %s", context, path)
		}
		return e.setPointer([]string{"contexts", strconv.Itoa(i), "context", "namespace"}, namespace)
	})
}

// WriteFile writes data to path atomically: to a temporary file in the same
// directory, synced, then renamed over path. An existing file keeps its
// permission bits; a new one is made 0600, as kubeconfig files hold
// credentials. A symbolic link at path is followed, so the link survives.
func WriteFile(path string, data []byte) error {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p
	}
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// editor holds one file's syntax tree and its decoded form, and what its
// edits should leave at the pointers they changed (see pointer.go).
type editor struct {
	file   *ast.File
	cfg    *Config
	expect []expectation
}

// editFile reads path (an empty config if it does not exist), runs edit on
// its syntax tree and writes the result back once it parses and reads, at
// each pointer edited, what the edit meant. An error from edit is returned
// as it is, and nothing is written.
func editFile(path string, edit func(*editor) error) (err error) {
	defer func() {
		// Never let a bug in the third-party YAML code crash the caller.
		if r := recover(); r != nil {
			err = fmt.Errorf("editing %s: the YAML could not be edited", path)
		}
	}()
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	cfg, err := Parse(data, path)
	if err != nil {
		return err
	}
	file, err := parser.ParseBytes(data, parser.ParseComments)
	if err != nil {
		return fmt.Errorf("kubeconfig %s: invalid YAML", path)
	}
	if len(file.Docs) != 1 || file.Docs[0].Body == nil {
		// Empty (or comments only): start from a minimal document. Leading
		// comments of an empty file are kept as they were.
		base := "apiVersion: v1\nkind: Config\n"
		file, err = parser.ParseBytes(append(append([]byte(nil), data...), base...), parser.ParseComments)
		if err != nil || len(file.Docs) != 1 || file.Docs[0].Body == nil {
			file, err = parser.ParseBytes([]byte(base), parser.ParseComments)
			if err != nil {
				return err
			}
		}
	}
	if _, ok := file.Docs[0].Body.(*ast.MappingNode); !ok {
		return fmt.Errorf("kubeconfig %s: the document is not a mapping", path)
	}
	e := &editor{file: file, cfg: cfg}
	if err := edit(e); err != nil {
		return err
	}
	out := []byte(file.String())
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	_, doc, err := parse(out, path)
	if err != nil {
		return fmt.Errorf("refusing to write %s: the edited file would not parse: %w", path, err)
	}
	raw, err := rawDocument(doc, path)
	if err == nil {
		err = checkExpectations(raw, e.expect)
	}
	if err != nil {
		return fmt.Errorf("refusing to write %s: %w", path, err)
	}
	return WriteFile(path, out)
}

// contextIndex is the position of the named context in the file's list, or
// -1. Parse keeps file order, so it is also the index in the syntax tree.
func (e *editor) contextIndex(name string) int {
	for i, c := range e.cfg.Contexts {
		if c.Name == name {
			return i
		}
	}
	return -1
}
