package auth

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// tokenFileCheckInterval is how often a token file is checked for changes.
const tokenFileCheckInterval = time.Second

// fileToken is a bearer token read from a file that may be rewritten, such
// as a projected service-account token.
type fileToken struct {
	path string
	now  func() time.Time

	mu      sync.Mutex
	loaded  bool
	token   string
	gen     uint64 // grows each time the token changes
	modTime time.Time
	size    int64
	checked time.Time // when the file was last looked at
	stale   bool      // the token was rejected: re-read on next use
}

// get returns the token and its generation. The file is looked at when it
// was never read, at most once per tokenFileCheckInterval, and re-read
// whenever its size or modification time changed. When the current
// generation is stale (it was rejected with a 401) the file is re-read at
// once. If the file cannot be read, the last good token is kept.
func (f *fileToken) get(stale uint64) (string, uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()

	now := f.now()
	force := !f.loaded || f.stale || (stale != 0 && stale == f.gen)
	if !force {
		age := now.Sub(f.checked)
		if age >= 0 && age < tokenFileCheckInterval {
			return f.token, f.gen, nil
		}
	}
	f.checked = now

	fi, err := os.Stat(f.path)
	if err != nil {
		return f.keep(err)
	}
	if !force && fi.Size() == f.size && fi.ModTime().Equal(f.modTime) {
		return f.token, f.gen, nil
	}
	b, err := os.ReadFile(f.path)
	if err != nil {
		return f.keep(err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return f.keep(errors.New("file is empty"))
	}
	f.modTime, f.size = fi.ModTime(), fi.Size()
	f.stale = false
	if !f.loaded || tok != f.token {
		f.token = tok
		f.gen++
		f.loaded = true
	}
	return f.token, f.gen, nil
}

// keep returns the last good token after a failed read, or err when there
// is none. The error names the file, never its content.
func (f *fileToken) keep(err error) (string, uint64, error) {
	if f.loaded {
		return f.token, f.gen, nil
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "", 0, fmt.Errorf("auth: reading token file %s: %w", f.path, err)
}

// invalidate marks generation stale as rejected, so the next get re-reads.
func (f *fileToken) invalidate(stale uint64) {
	f.mu.Lock()
	if f.loaded && f.gen == stale {
		f.stale = true
	}
	f.mu.Unlock()
}
